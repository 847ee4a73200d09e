/**
 * Label selectors (`a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x)`, `a>1`,
 * `a<1`; a comma is AND) and field selectors (`metadata.name` and `metadata.namespace`
 * with `=`, `==`, `!=`), parsed and matched the way the API server does: `!=` and
 * `notin` also match objects that lack the label.
 */
import { KubeError } from './status.js';
import { labelValueError, qualifiedKeyError } from './validate.js';

export type Operator = 'equals' | 'notEquals' | 'in' | 'notIn' | 'exists' | 'doesNotExist' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  operator: Operator;
  /** One value for equals/notEquals/gt/lt, one or more for in/notIn, none for exists/doesNotExist. */
  values: string[];
}

type Token = { type: 'ident'; text: string } | { type: 'op'; text: string };

const OPERATOR_TOKENS = ['!=', '==', '=', '!', '(', ')', ',', '>', '<'];

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < input.length) {
    const char = input[at] as string;
    if (/\s/.test(char)) {
      at += 1;
      continue;
    }
    const op = OPERATOR_TOKENS.find((candidate) => input.startsWith(candidate, at));
    if (op) {
      tokens.push({ type: 'op', text: op });
      at += op.length;
      continue;
    }
    let end = at;
    while (end < input.length && !/[\s!=(),<>]/.test(input[end] as string)) end += 1;
    tokens.push({ type: 'ident', text: input.slice(at, end) });
    at = end;
  }
  return tokens;
}

function parseError(input: string, problem: string): KubeError {
  return new KubeError(400, `unable to parse requirement: ${problem} (in label selector "${input}")`, 'BadRequest');
}

class Parser {
  private at = 0;
  constructor(
    private readonly input: string,
    private readonly tokens: Token[],
  ) {}

  done(): boolean {
    return this.at >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.at];
  }

  isOp(text: string): boolean {
    const token = this.peek();
    return token?.type === 'op' && token.text === text;
  }

  take(): Token | undefined {
    const token = this.tokens[this.at];
    this.at += 1;
    return token;
  }

  expectOp(text: string): void {
    const token = this.take();
    if (token?.type !== 'op' || token.text !== text) throw this.error(token, `'${text}'`);
  }

  identifier(): string {
    const token = this.take();
    if (token?.type !== 'ident') throw this.error(token, 'identifier');
    return token.text;
  }

  error(found: Token | undefined, expected: string): KubeError {
    return parseError(this.input, `found '${found?.text ?? ''}', expected: ${expected}`);
  }

  requirement(): Requirement {
    if (this.isOp('!')) {
      this.take();
      return { key: this.identifier(), operator: 'doesNotExist', values: [] };
    }
    const key = this.identifier();
    const next = this.peek();
    if (next === undefined || this.isOp(',')) return { key, operator: 'exists', values: [] };
    if (next.type === 'ident') return this.setRequirement(key, next.text);
    this.take();
    if (next.text === '=' || next.text === '==') return { key, operator: 'equals', values: [this.optionalValue()] };
    if (next.text === '!=') return { key, operator: 'notEquals', values: [this.optionalValue()] };
    if (next.text === '>' || next.text === '<') return this.numericRequirement(key, next.text === '>' ? 'gt' : 'lt');
    throw this.error(next, "'=', '!=', 'in', 'notin', '>', '<' or ','");
  }

  /** A value after `=`/`!=` may be empty (`a=` selects an empty label value). */
  private optionalValue(): string {
    return this.peek()?.type === 'ident' ? (this.take() as Token).text : '';
  }

  private numericRequirement(key: string, operator: 'gt' | 'lt'): Requirement {
    const value = this.identifier();
    if (!/^-?\d+$/.test(value)) throw parseError(this.input, `for 'gt', 'lt' operators, the value must be an integer`);
    return { key, operator, values: [value] };
  }

  private setRequirement(key: string, word: string): Requirement {
    if (word !== 'in' && word !== 'notin') throw this.error(this.peek(), "'in' or 'notin'");
    this.take();
    this.expectOp('(');
    const values = [this.identifier()];
    while (this.isOp(',')) {
      this.take();
      values.push(this.identifier());
    }
    this.expectOp(')');
    return { key, operator: word === 'in' ? 'in' : 'notIn', values };
  }
}

function validateRequirement(input: string, requirement: Requirement): void {
  const keyError = qualifiedKeyError(requirement.key);
  if (keyError) throw parseError(input, `invalid label key "${requirement.key}": ${keyError}`);
  if (requirement.operator === 'gt' || requirement.operator === 'lt') return;
  for (const value of requirement.values) {
    const valueError = labelValueError(value);
    if (valueError) throw parseError(input, `invalid label value "${value}": ${valueError}`);
  }
}

/** Parses a label selector; an empty selector selects everything. Throws a 400 KubeError when invalid. */
export function parseLabelSelector(input: string): Requirement[] {
  const parser = new Parser(input, lex(input));
  const requirements: Requirement[] = [];
  while (!parser.done()) {
    const requirement = parser.requirement();
    validateRequirement(input, requirement);
    requirements.push(requirement);
    if (parser.done()) break;
    parser.expectOp(',');
    if (parser.done()) throw parser.error(undefined, 'identifier');
  }
  return requirements;
}

function matchesOne(requirement: Requirement, labels: Record<string, string>): boolean {
  const present = Object.hasOwn(labels, requirement.key);
  const value = present ? labels[requirement.key] : undefined;
  switch (requirement.operator) {
    case 'exists':
      return present;
    case 'doesNotExist':
      return !present;
    case 'equals':
    case 'in':
      return present && requirement.values.includes(value as string);
    case 'notEquals':
    case 'notIn':
      return !present || !requirement.values.includes(value as string);
    case 'gt':
    case 'lt': {
      if (!present || !/^-?\d+$/.test(value as string)) return false;
      const actual = Number(value);
      const bound = Number(requirement.values[0]);
      return requirement.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

export function matchesLabels(requirements: Requirement[], labels: Record<string, string> | undefined): boolean {
  return requirements.every((requirement) => matchesOne(requirement, labels ?? {}));
}

export interface FieldRequirement {
  field: 'metadata.name' | 'metadata.namespace';
  negated: boolean;
  value: string;
}

/** Parses a field selector over `metadata.name` and `metadata.namespace` (what the API server supports for CRDs). */
export function parseFieldSelector(input: string): FieldRequirement[] {
  const requirements: FieldRequirement[] = [];
  for (const part of input.split(',')) {
    const term = part.trim();
    if (term === '') continue;
    const match = /^([^!=]+?)\s*(==|!=|=)\s*(.*)$/.exec(term);
    if (!match) throw new KubeError(400, `invalid selector: '${input}'; can't understand '${term}'`, 'BadRequest');
    const field = match[1] as string;
    if (field !== 'metadata.name' && field !== 'metadata.namespace') {
      throw new KubeError(400, `field label not supported: ${field}`, 'BadRequest');
    }
    requirements.push({ field, negated: match[2] === '!=', value: (match[3] as string).trim() });
  }
  return requirements;
}

export function matchesFields(requirements: FieldRequirement[], name: string, namespace: string | undefined): boolean {
  return requirements.every((requirement) => {
    const actual = requirement.field === 'metadata.name' ? name : (namespace ?? '');
    return (actual === requirement.value) !== requirement.negated;
  });
}
