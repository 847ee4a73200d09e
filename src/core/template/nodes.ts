/** The parse tree of a Go text/template. `pos` is the offset in the source, for messages. */

export type Operand =
  | { type: 'field'; pos: number; names: string[] }
  | { type: 'variable'; pos: number; name: string; names: string[] }
  | { type: 'pipe'; pos: number; pipe: Pipeline; names: string[] }
  | { type: 'dot'; pos: number }
  | { type: 'nil'; pos: number }
  | { type: 'bool'; pos: number; value: boolean }
  | { type: 'number'; pos: number; value: number; text: string }
  | { type: 'string'; pos: number; value: string }
  | { type: 'identifier'; pos: number; name: string };

export interface Command {
  pos: number;
  /** The source text, for "executing ... at <...>" messages. */
  text: string;
  args: Operand[];
}

export interface Pipeline {
  pos: number;
  text: string;
  /** Declared (`:=`) or assigned (`=`) variables, with their `$`. */
  decl: string[];
  isAssign: boolean;
  commands: Command[];
}

export interface ControlNode {
  type: 'if' | 'with' | 'range';
  pos: number;
  pipe: Pipeline;
  list: Node[];
  elseList?: Node[];
}

export type Node =
  | { type: 'text'; text: string }
  | { type: 'action'; pos: number; pipe: Pipeline }
  | ControlNode
  | { type: 'template'; pos: number; name: string; pipe?: Pipeline }
  | { type: 'break' | 'continue'; pos: number };

export interface Tree {
  name: string;
  source: string;
  root: Node[];
  /** Templates declared with `define` or `block`, by name. */
  defined: Map<string, Node[]>;
}
