/** Go's text/template, as emcoctl runs it on its files: parse, then execute against the values. */
import { TemplateError } from './errors.js';
import { execute, type ExecuteOptions, type Rendered } from './execute.js';
import { parse } from './parser.js';

export { TemplateError } from './errors.js';
export type { ExecuteOptions, Rendered } from './execute.js';

/** Renders `source`; every failure is a TemplateError worded `template: NAME:LINE: ...`. */
export function renderTemplate(name: string, source: string, data: unknown, options: ExecuteOptions = {}): Rendered {
  try {
    return execute(parse(name, source), data, options);
  } catch (error) {
    // A pathological template can still exhaust the stack; that is the template's fault, not ours.
    if (error instanceof RangeError && /call stack/i.test(error.message))
      throw new TemplateError(`template: ${name}: nested too deeply`);
    throw error;
  }
}
