/**
 * A JSON document held as a whole text (a multipart field, the in-process API's documents),
 * measured before it is parsed (core/validation/json-shape.ts) in slices of 16 KB with a turn of
 * the event loop between them, so that any number of clients sending 4 MB documents at the limits
 * never keep `/healthz` waiting. Only a document within the limits is handed to `JSON.parse`,
 * whose work those limits keep small; for a text of more than one slice, parsing has a turn of
 * its own, and what reads the document (the core's normalizing and checks) starts in the next.
 * A JSON request body is measured on its bytes as they arrive instead (json-body.ts), and parsed
 * here (`parseMeasuredText`) once it has passed.
 */
import { nextTurn } from './turns.js';
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
  return parseMeasuredText(text, what);
}

/** `JSON.parse` of a text the scanner has passed: for more than one slice, in a turn of its own. */
export async function parseMeasuredText(text: string, what = 'the body'): Promise<unknown> {
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
