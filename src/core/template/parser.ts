/**
 * Go text/template's parser: actions, pipelines, variables (checked at parse time, as
 * Go does), `if`/`else if`/`with`/`range`/`else`/`end`, `define`/`template`/`block`,
 * `break`/`continue`.
 */
import { parseError } from './errors.js';
import { quote } from './format.js';
import { BUILTIN_NAMES } from './functions.js';
import { lex, type Token } from './lexer.js';
import { parseNumber, unescape } from './literals.js';
import type { Command, Node, Operand, Pipeline, Tree } from './nodes.js';

/** The marker that ended a list: `{{end}}`, `{{else}}` (maybe `{{else if`/`{{else with`) or the end of the text. */
type Ending =
  { kind: 'end'; pos: number } | { kind: 'else'; pos: number; chained?: 'if' | 'with' } | { kind: 'eof'; pos: number };

/** Go lets a later definition replace an earlier one only when either is blank. */
const isEmpty = (list: Node[]): boolean => list.every((node) => node.type === 'text' && node.text.trim() === '');

/** Bounds the recursion of nested blocks and parentheses, which the JavaScript stack would otherwise decide. */
const MAX_NESTING = 500;

class Parser {
  private index = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private nesting = 0;
  readonly defined = new Map<string, Node[]>();

  constructor(
    private readonly name: string,
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  fail(pos: number, what: string): never {
    throw parseError(this.name, this.source, pos, what);
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index += 1;
    return token;
  }

  private peekNonSpace(): Token {
    while (this.peek().kind === 'space') this.index += 1;
    return this.peek();
  }

  private nextNonSpace(): Token {
    this.peekNonSpace();
    return this.next();
  }

  private expectRight(context: string): void {
    const token = this.nextNonSpace();
    if (token.kind !== 'right') this.unexpected(token, context);
  }

  private unexpected(token: Token, context: string): never {
    if (token.kind === 'eof') this.fail(token.pos, 'unexpected EOF');
    const shown = token.kind === 'right' ? '}}' : token.value;
    this.fail(token.pos, `unexpected "${shown}" in ${context}`);
  }

  parseTop(): Node[] {
    const [list, ending] = this.list(true);
    if (ending.kind !== 'eof') this.fail(ending.pos, `unexpected {{${ending.kind}}}`);
    return list;
  }

  /** Nodes up to `{{end}}`, `{{else}}` or the end of the text. */
  private list(top = false): [Node[], Ending] {
    if (++this.nesting > MAX_NESTING) this.fail(this.peek().pos, 'blocks nested too deeply');
    const nodes: Node[] = [];
    for (;;) {
      const token = this.next();
      if (token.kind === 'eof') {
        this.nesting -= 1;
        return [nodes, { kind: 'eof', pos: token.pos }];
      }
      if (token.kind === 'text') {
        nodes.push({ type: 'text', text: token.value });
        continue;
      }
      const keyword = this.peekNonSpace();
      if (keyword.kind === 'keyword' && keyword.value === 'define') {
        if (!top) this.fail(keyword.pos, 'unexpected "define" in command');
        this.next();
        this.define(keyword.pos);
        continue;
      }
      const result = this.action();
      if ('kind' in result) {
        this.nesting -= 1;
        return [nodes, result];
      }
      nodes.push(result);
    }
  }

  private action(): Node | Ending {
    const token = this.peekNonSpace();
    if (token.kind !== 'keyword') return { type: 'action', pos: token.pos, pipe: this.pipeline('command', 'right') };
    this.next();
    switch (token.value) {
      case 'end':
        this.expectRight('end');
        return { kind: 'end', pos: token.pos };
      case 'else': {
        const chained = this.peekNonSpace();
        if (chained.kind === 'keyword' && (chained.value === 'if' || chained.value === 'with'))
          return { kind: 'else', pos: token.pos, chained: chained.value };
        this.expectRight('else');
        return { kind: 'else', pos: token.pos };
      }
      case 'if':
      case 'with':
      case 'range':
        return this.control(token.value, token.pos);
      case 'template':
        return this.templateCall(token.pos, false);
      case 'block':
        return this.templateCall(token.pos, true);
      default:
        return this.loopControl(token);
    }
  }

  private loopControl(token: Token): Node {
    if (token.value !== 'break' && token.value !== 'continue') this.unexpected(token, 'command');
    if (this.rangeDepth === 0) this.fail(token.pos, `{{${token.value}}} outside {{range}}`);
    this.expectRight(token.value);
    return { type: token.value, pos: token.pos };
  }

  private control(context: 'if' | 'with' | 'range', pos: number): Node {
    const mark = this.vars.length;
    const pipe = this.pipeline(context, 'right');
    if (context === 'range') this.rangeDepth += 1;
    const [list, ending] = this.list();
    if (context === 'range') this.rangeDepth -= 1;
    let elseList: Node[] | undefined;
    if (ending.kind === 'eof') this.fail(ending.pos, 'unexpected EOF');
    if (ending.kind === 'else') {
      if (ending.chained) {
        if (ending.chained !== context) this.fail(ending.pos, `unexpected "${ending.chained}" in else`);
        const keyword = this.nextNonSpace();
        elseList = [this.control(context, keyword.pos)];
      } else {
        const [rest, last] = this.list();
        if (last.kind !== 'end')
          this.fail(last.pos, last.kind === 'eof' ? 'unexpected EOF' : `expected end; found {{else}}`);
        elseList = rest;
      }
    }
    this.vars.length = mark;
    return { type: context, pos, pipe, list, ...(elseList ? { elseList } : {}) };
  }

  private templateName(context: string): string {
    const token = this.nextNonSpace();
    if (token.kind !== 'string') this.unexpected(token, context);
    return this.stringValue(token);
  }

  private templateCall(pos: number, isBlock: boolean): Node {
    const context = isBlock ? 'block clause' : 'template clause';
    const name = this.templateName(context);
    const pipe = this.peekNonSpace().kind === 'right' ? (this.next(), undefined) : this.pipeline(context, 'right');
    if (isBlock) {
      if (!pipe) this.fail(pos, 'missing value for block clause');
      this.definition(name, pos);
    }
    return { type: 'template', pos, name, ...(pipe ? { pipe } : {}) };
  }

  private define(pos: number): void {
    const name = this.templateName('define clause');
    this.expectRight('define clause');
    this.definition(name, pos);
  }

  /** The body of a `define` or `block`, parsed with only `$` in scope, as Go does. */
  private definition(name: string, pos: number): void {
    const [vars, rangeDepth] = [this.vars, this.rangeDepth];
    this.vars = ['$'];
    this.rangeDepth = 0;
    const [list, ending] = this.list();
    if (ending.kind !== 'end') this.fail(ending.pos, ending.kind === 'eof' ? 'unexpected EOF' : 'unexpected {{else}}');
    const earlier = this.defined.get(name);
    if (earlier && !isEmpty(earlier) && !isEmpty(list)) this.fail(pos, `multiple definition of template "${name}"`);
    this.defined.set(name, list);
    [this.vars, this.rangeDepth] = [vars, rangeDepth];
  }

  private declarations(context: string): { decl: string[]; isAssign: boolean } {
    const start = this.index;
    const decl: string[] = [];
    for (;;) {
      const variable = this.peekNonSpace();
      if (variable.kind !== 'variable') break;
      this.next();
      const operator = this.nextNonSpace();
      if (operator.kind === 'declare' || operator.kind === 'assign') {
        decl.push(variable.value);
        const isAssign = operator.kind === 'assign';
        if (!isAssign) this.vars.push(...decl);
        return { decl, isAssign };
      }
      if (operator.kind === 'comma' && context === 'range' && decl.length === 0) {
        decl.push(variable.value);
        continue;
      }
      if (operator.kind === 'comma') this.fail(operator.pos, `too many declarations in ${context}`);
      break;
    }
    this.index = start;
    return { decl: [], isAssign: false };
  }

  private pipeline(context: string, end: 'right' | 'rightParen'): Pipeline {
    const pos = this.peekNonSpace().pos;
    const { decl, isAssign } = this.declarations(context);
    const commands: Command[] = [];
    let endPos: number;
    for (;;) {
      const token = this.peekNonSpace();
      if (token.kind === end) {
        endPos = token.pos;
        this.next();
        break;
      }
      if (token.kind === 'right' || token.kind === 'rightParen' || token.kind === 'eof')
        this.unexpected(token, context);
      commands.push(this.command(context));
    }
    const text = this.source.slice(pos, endPos).trim();
    if (commands.length === 0) this.fail(pos, `missing value for ${context}`);
    commands.slice(1).forEach((command, stage) => {
      const first = command.args[0] as Operand;
      if (!['field', 'variable', 'pipe', 'identifier'].includes(first.type))
        this.fail(command.pos, `non executable command in pipeline stage ${stage + 2}`);
    });
    return { pos, text, decl, isAssign, commands };
  }

  private command(context: string): Command {
    const pos = this.peekNonSpace().pos;
    const args: Operand[] = [];
    let end: number;
    for (;;) {
      const token = this.peekNonSpace();
      end = token.pos;
      if (token.kind === 'right' || token.kind === 'rightParen') break;
      if (token.kind === 'pipe') {
        this.next();
        break;
      }
      args.push(this.operand(context));
    }
    if (args.length === 0) this.fail(pos, 'missing value for command');
    return { pos, text: this.source.slice(pos, end).trim(), args };
  }

  private operand(context: string): Operand {
    const term = this.term(context);
    const names: string[] = [];
    while (this.peek().kind === 'field') names.push(this.next().value.slice(1));
    if (names.length === 0) return term;
    if (term.type === 'field' || term.type === 'variable' || term.type === 'pipe') {
      term.names.push(...names);
      return term;
    }
    if (term.type === 'dot') return { type: 'field', pos: term.pos, names };
    this.fail(
      term.pos,
      `unexpected . after term ${quote(this.source.slice(term.pos, this.tokens[this.index - names.length]?.pos))}`,
    );
  }

  private term(context: string): Operand {
    const token = this.nextNonSpace();
    const { pos, value } = token;
    switch (token.kind) {
      case 'identifier':
        if (!BUILTIN_NAMES.has(value)) this.fail(pos, `function "${value}" not defined`);
        return { type: 'identifier', pos, name: value };
      case 'dot':
        return { type: 'dot', pos };
      case 'nil':
        return { type: 'nil', pos };
      case 'bool':
        return { type: 'bool', pos, value: value === 'true' };
      case 'variable':
        if (!this.vars.includes(value)) this.fail(pos, `undefined variable "${value}"`);
        return { type: 'variable', pos, name: value, names: [] };
      case 'field':
        return { type: 'field', pos, names: [value.slice(1)] };
      case 'number':
      case 'char':
        return this.number(token);
      case 'string':
        return { type: 'string', pos, value: this.stringValue(token) };
      case 'leftParen':
        if (++this.nesting > MAX_NESTING) this.fail(pos, 'parentheses nested too deeply');
        try {
          return { type: 'pipe', pos, pipe: this.pipeline('parenthesized pipeline', 'rightParen'), names: [] };
        } finally {
          this.nesting -= 1;
        }
      default:
        this.unexpected(token, context === 'command' ? 'operand' : context);
    }
  }

  private number(token: Token): Operand {
    let value: number | undefined;
    if (token.kind === 'char') {
      const text = unescape(token.value.slice(1, -1));
      value = text !== undefined && [...text].length === 1 ? text.codePointAt(0) : undefined;
      if (value === undefined) this.fail(token.pos, `malformed character constant: ${token.value}`);
    } else value = parseNumber(token.value);
    if (value === undefined || !Number.isFinite(value)) this.fail(token.pos, `illegal number syntax: "${token.value}"`);
    return { type: 'number', pos: token.pos, value, text: token.value };
  }

  private stringValue(token: Token): string {
    const body = token.value.slice(1, -1);
    if (token.value.startsWith('`')) return body.replaceAll('\r', '');
    const value = unescape(body);
    if (value === undefined) this.fail(token.pos, `invalid syntax: ${token.value}`);
    return value;
  }
}

export function parse(name: string, source: string): Tree {
  const parser = new Parser(name, source, lex(name, source));
  const root = parser.parseTop();
  return { name, source, root, defined: parser.defined };
}
