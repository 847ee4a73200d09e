/** A parse or execution error of a Go text/template, worded as Go words it: `template: NAME:LINE: what`. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** 1-based line (and column) of `offset` in `text`, as Go's messages count them. */
export function lineOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset && index < text.length; index += 1) {
    if (text[index] === '\n') {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { line, column: offset - lineStart };
}

export function parseError(name: string, text: string, offset: number, what: string): TemplateError {
  return new TemplateError(`template: ${name}:${lineOf(text, offset).line}: ${what}`);
}
