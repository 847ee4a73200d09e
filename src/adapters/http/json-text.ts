/**
 * A JSON body, measured before it is parsed (core/validation/json-shape.ts) and measured in
 * slices of 64 KB with a turn of the event loop between them, so that any number of clients
 * sending 4 MB documents at the limits never keep `/healthz` waiting. Only a document within the
 * limits is handed to `JSON.parse`, whose work those limits keep small.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MalformedBodyError, ValidationError } from '../../core/errors.js';
import { JsonShapeScanner } from '../../core/validation/json-shape.js';

const SLICE = 64 * 1024;

export async function parseJsonText(text: string, what = 'the body'): Promise<unknown> {
  const scanner = new JsonShapeScanner(text);
  for (let end = SLICE; !scanner.done; end += SLICE) {
    scanner.scan(end);
    if (!scanner.done) await nextTurn();
  }
  const issues = scanner.issues();
  if (issues.length > 0) throw new ValidationError(`${what} is too large`, issues);
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedBodyError(`${what} is not valid JSON`);
  }
}
