/**
 * A JSON body, measured before it is parsed (core/validation/json-shape.ts) and measured in
 * slices of 16 KB (a millisecond or two of scanning) with a turn of the event loop between them,
 * so that any number of clients sending 4 MB documents at the limits never keep `/healthz`
 * waiting. Only a document within the limits is handed to `JSON.parse`, whose work those limits
 * keep small; for a body of more than one slice, parsing has a turn of its own, and what reads
 * the document (the core's normalizing and checks) starts in the next.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MalformedBodyError, ValidationError } from '../../core/errors.js';
import { JsonShapeScanner } from '../../core/validation/json-shape.js';

export const SLICE = 16 * 1024;

export async function parseJsonText(text: string, what = 'the body'): Promise<unknown> {
  const scanner = new JsonShapeScanner(text);
  for (let end = SLICE; !scanner.done; end += SLICE) {
    scanner.scan(end);
    if (!scanner.done) await nextTurn();
  }
  const issues = scanner.issues();
  if (issues.length > 0) throw new ValidationError(`${what} is too large`, issues);
  const large = text.length > SLICE;
  if (large) await nextTurn();
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new MalformedBodyError(`${what} is not valid JSON`);
  }
  if (large) await nextTurn();
  return document;
}
