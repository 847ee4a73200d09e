/**
 * Go text/template's executor over YAML-shaped data. A field missing from a map yields
 * `<no value>` (Go's default) unless `missingKey: 'error'`; every key printed that way is
 * reported in `noValue`, so that a caller can refuse to send `<no value>` anywhere.
 */
import { lineOf, TemplateError } from './errors.js';
import { formatValue } from './format.js';
import { BUILTINS, CallError } from './functions.js';
import type { Command, ControlNode, Node, Operand, Pipeline, Tree } from './nodes.js';
import { isMap, isTrue, NoValue, sortedKeys, typeName } from './values.js';

export interface ExecuteOptions {
  /** Go's `missingkey` option: `default` prints `<no value>`, `error` stops. */
  missingKey?: 'default' | 'error';
  /** Bounds the work (nodes visited) so that recursive `template` calls cannot run for ever. */
  maxSteps?: number;
}

export interface Rendered {
  output: string;
  /** Map keys (or pipelines) whose missing or nil value was printed as `<no value>`, in order. */
  noValue: string[];
}

const NONE = Symbol('no final value');
const MAX_TEMPLATE_DEPTH = 200;
/** Well past any emcoctl file, well short of JavaScript's longest string. */
const MAX_OUTPUT = 64 * 1024 * 1024;

class LoopSignal {
  constructor(readonly kind: 'break' | 'continue') {}
}

interface Variable {
  name: string;
  value: unknown;
}

class Execution {
  private vars: Variable[];
  private readonly out: string[] = [];
  private outLength = 0;
  readonly noValue: string[] = [];
  private at: { pos: number; text: string } = { pos: 0, text: '' };
  private executing: string;
  private depth = 0;
  private steps = 0;

  constructor(
    private readonly tree: Tree,
    data: unknown,
    private readonly options: ExecuteOptions,
  ) {
    this.vars = [{ name: '$', value: data }];
    this.executing = tree.name;
  }

  run(): string {
    this.walk(this.tree.root, this.vars[0]?.value);
    return this.out.join('');
  }

  private fail(what: string): never {
    const { line, column } = lineOf(this.tree.source, this.at.pos);
    throw new TemplateError(
      `template: ${this.tree.name}:${line}:${column}: executing "${this.executing}" at <${this.at.text}>: ${what}`,
    );
  }

  private walk(nodes: Node[], dot: unknown): void {
    for (const node of nodes) {
      this.step();
      this.walkOne(node, dot);
    }
  }

  /** Counts work: every node visited and every range iteration, even of an empty body. */
  private step(): void {
    if (++this.steps > (this.options.maxSteps ?? 10_000_000)) this.fail('execution took too many steps');
  }

  private walkOne(node: Node, dot: unknown): void {
    switch (node.type) {
      case 'text':
        this.write(node.text);
        return;
      case 'action': {
        const value = this.pipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.print(value, node.pipe);
        return;
      }
      case 'if':
      case 'with':
        return this.ifOrWith(node, dot);
      case 'range':
        return this.range(node, dot);
      case 'template':
        return this.template(node, dot);
      default:
        throw new LoopSignal(node.type);
    }
  }

  private print(value: unknown, pipe: Pipeline): void {
    if (value === null || value === undefined || value instanceof NoValue) {
      this.noValue.push(value instanceof NoValue ? value.key : pipe.text);
      this.write('<no value>');
    } else this.write(formatValue(value));
  }

  private write(text: string): void {
    this.outLength += text.length;
    if (this.outLength > MAX_OUTPUT) this.fail(`output exceeds ${MAX_OUTPUT} characters`);
    this.out.push(text);
  }

  private ifOrWith(node: ControlNode, dot: unknown): void {
    const mark = this.vars.length;
    const value = this.pipeline(dot, node.pipe);
    if (isTrue(value)) this.walk(node.list, node.type === 'with' ? value : dot);
    else if (node.elseList) this.walk(node.elseList, dot);
    this.vars.length = mark;
  }

  /** What range visits, as [index or key, element]; integers (Go 1.22) are counted lazily. */
  private items(value: unknown, variables: number): Iterable<[unknown, unknown]> & { empty: boolean } {
    const of = (entries: [unknown, unknown][]) => Object.assign(entries, { empty: entries.length === 0 });
    if (Array.isArray(value)) return of(value.map((item, index) => [index, item]));
    if (isMap(value)) return of(sortedKeys(value).map((key) => [key, value[key]]));
    if (value === null || value === undefined || value instanceof NoValue) return of([]);
    if (typeof value === 'number' && Number.isInteger(value)) {
      if (variables > 1) this.fail(`can't use ${value} to iterate over more than one variable`);
      return {
        empty: value <= 0,
        *[Symbol.iterator]() {
          for (let index = 0; index < value; index += 1) yield [index, index];
        },
      };
    }
    this.fail(`range can't iterate over ${formatValue(value)}`);
  }

  private range(node: ControlNode, dot: unknown): void {
    const mark = this.vars.length;
    const { decl, isAssign } = node.pipe;
    const items = this.items(this.pipeline(dot, node.pipe), decl.length);
    if (items.empty && node.elseList) this.walk(node.elseList, dot);
    for (const [key, item] of items) {
      this.step();
      const values = decl.length > 1 ? [key, item] : [item];
      decl.forEach((name, position) => {
        if (isAssign) this.setVar(name, values[position]);
        else (this.vars[mark + position] as Variable).value = values[position];
      });
      const iteration = this.vars.length;
      try {
        this.walk(node.list, item);
      } catch (signal) {
        if (!(signal instanceof LoopSignal)) throw signal;
        if (signal.kind === 'break') break;
      } finally {
        this.vars.length = iteration;
      }
    }
    this.vars.length = mark;
  }

  private template(node: Extract<Node, { type: 'template' }>, dot: unknown): void {
    this.at = { pos: node.pos, text: `template "${node.name}"` };
    const list = this.tree.defined.get(node.name);
    if (!list) this.fail(`no such template "${node.name}"`);
    if (this.depth >= MAX_TEMPLATE_DEPTH) this.fail(`exceeded maximum template depth (${MAX_TEMPLATE_DEPTH})`);
    const value = node.pipe ? this.pipeline(dot, node.pipe) : null;
    const [vars, executing] = [this.vars, this.executing];
    this.vars = [{ name: '$', value }];
    this.executing = node.name;
    this.depth += 1;
    try {
      this.walk(list, value);
    } finally {
      this.depth -= 1;
      [this.vars, this.executing] = [vars, executing];
    }
  }

  private pipeline(dot: unknown, pipe: Pipeline): unknown {
    let value: unknown = NONE;
    for (const command of pipe.commands) value = this.command(dot, command, value);
    for (const name of pipe.decl) {
      if (pipe.isAssign) this.setVar(name, value);
      else this.vars.push({ name, value });
    }
    return value;
  }

  private setVar(name: string, value: unknown): void {
    const variable = this.vars.findLast((candidate) => candidate.name === name);
    if (!variable) this.fail(`undefined variable: ${name}`);
    variable.value = value;
  }

  private variable(name: string): unknown {
    const variable = this.vars.findLast((candidate) => candidate.name === name);
    if (!variable) this.fail(`undefined variable: ${name}`);
    return variable.value;
  }

  private notAFunction(command: Command, final: unknown): void {
    if (command.args.length > 1 || final !== NONE)
      this.fail(`can't give argument to non-function ${command.text.split(/\s/)[0]}`);
  }

  private command(dot: unknown, command: Command, final: unknown): unknown {
    const [first, ...args] = command.args as [Operand, ...Operand[]];
    this.at = { pos: command.pos, text: command.text };
    const hasArgs = args.length > 0 || final !== NONE;
    switch (first.type) {
      case 'field':
        return this.fields(dot, first.names, hasArgs);
      case 'variable':
      case 'pipe':
        if (first.names.length === 0) this.notAFunction(command, final);
        return this.fields(this.operand(dot, { ...first, names: [] }), first.names, hasArgs);
      case 'identifier':
        return this.call(dot, first.name, args, final);
      case 'nil':
        return this.fail('nil is not a command');
      default:
        this.notAFunction(command, final);
        return this.operand(dot, first);
    }
  }

  private fields(receiver: unknown, names: string[], hasArgs: boolean): unknown {
    let value = receiver;
    names.forEach((name, position) => {
      value = this.field(value, name, hasArgs && position === names.length - 1);
    });
    return value;
  }

  private field(receiver: unknown, name: string, hasArgs: boolean): unknown {
    if (receiver instanceof NoValue) return receiver;
    if (receiver === null || receiver === undefined) this.fail(`nil pointer evaluating interface {}.${name}`);
    if (!isMap(receiver)) this.fail(`can't evaluate field ${name} in type ${typeName(receiver)}`);
    if (hasArgs) this.fail(`${name} is not a method but has arguments`);
    if (Object.hasOwn(receiver, name)) return receiver[name];
    if (this.options.missingKey === 'error') this.fail(`map has no entry for key "${name}"`);
    return new NoValue(name);
  }

  private operand(dot: unknown, operand: Operand): unknown {
    switch (operand.type) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'field':
        return this.fields(dot, operand.names, false);
      case 'variable':
        return this.fields(this.variable(operand.name), operand.names, false);
      case 'pipe': {
        const at = this.at;
        const value = this.fields(this.pipeline(dot, operand.pipe), operand.names, false);
        this.at = at;
        return value;
      }
      case 'identifier':
        return this.call(dot, operand.name, [], NONE);
      default:
        return operand.value;
    }
  }

  private call(dot: unknown, name: string, args: Operand[], final: unknown): unknown {
    const builtin = BUILTINS[name];
    if (!builtin) return this.fail(`"${name}" is not a defined function`);
    const count = args.length + (final === NONE ? 0 : 1);
    if (count < builtin.min || count > builtin.max) {
      const want = builtin.min === builtin.max ? `${builtin.min}` : `at least ${builtin.min}`;
      this.fail(`wrong number of args for ${name}: want ${want} got ${count}`);
    }
    const at = this.at;
    if (name === 'and' || name === 'or') return this.lazy(dot, name === 'and', args, final);
    const values = args.map((arg) => this.operand(dot, arg));
    if (final !== NONE) values.push(final);
    this.at = at;
    try {
      return builtin.run(values.map((value) => (value instanceof NoValue ? null : value)));
    } catch (error) {
      if (error instanceof CallError) this.fail(`error calling ${name}: ${error.message}`);
      throw error;
    }
  }

  /** `and` stops at the first false argument and `or` at the first true one; either returns it. */
  private lazy(dot: unknown, isAnd: boolean, args: Operand[], final: unknown): unknown {
    let value: unknown = NONE;
    for (const arg of args) {
      value = this.operand(dot, arg);
      if (isTrue(value) !== isAnd) return value;
    }
    return final === NONE ? value : final;
  }
}

export function execute(tree: Tree, data: unknown, options: ExecuteOptions = {}): Rendered {
  const execution = new Execution(tree, data, options);
  const output = execution.run();
  return { output, noValue: execution.noValue };
}
