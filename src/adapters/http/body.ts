/**
 * Request bodies: JSON, or multipart as emcoctl sends it (a `metadata` part with the
 * JSON document, and a file part such as an app's Helm chart).
 */
import type { FastifyRequest } from 'fastify';
import { DomainError, MalformedBodyError, ValidationError } from '../../core/errors.js';
import { parseJsonText } from './json-text.js';
import type { StoredFile } from '../../service/store.js';

export interface RequestDocument {
  raw: unknown;
  file?: StoredFile;
}

const JSON_PARTS = new Set(['metadata', 'body', 'json', 'document']);

/** What a part's JSON is called in its errors. */
export const partName = (field: string) => `the multipart field "${field}"`;

async function readParts(request: FastifyRequest): Promise<{ raw: unknown; file?: StoredFile }> {
  let raw: unknown;
  let file: StoredFile | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      file = { fileName: part.filename, contentType: part.mimetype, data: await part.toBuffer() };
    } else if (JSON_PARTS.has(part.fieldname)) {
      raw = await parseJsonText(String(part.value), partName(part.fieldname));
    }
  }
  return file ? { raw, file } : { raw };
}

/** The multipart parser throws plain errors for a missing boundary or a cut-off body: the client's fault. */
function asClientError(error: unknown): unknown {
  const status = (error as { statusCode?: number }).statusCode;
  if (error instanceof DomainError || (status !== undefined && status >= 400 && status < 500)) return error;
  return new MalformedBodyError(`the multipart body is malformed: ${(error as Error).message}`);
}

/** The document of a multipart body: its JSON part is required, its file part is not. */
export function multipartDocument(raw: unknown, file: StoredFile | undefined): RequestDocument {
  if (raw === undefined) {
    throw new ValidationError('the multipart body has no JSON document', [
      { path: '(body)', message: 'send the document as a multipart field named "metadata"' },
    ]);
  }
  return file ? { raw, file } : { raw };
}

/** The document of a JSON body (as parsed: undefined when the body was blank). */
export function jsonDocument(raw: unknown): RequestDocument {
  if (raw === undefined || raw === null || raw === '') {
    throw new ValidationError('the body is empty', [
      { path: '(body)', message: 'send a JSON document with metadata and spec' },
    ]);
  }
  return { raw };
}

async function readMultipart(request: FastifyRequest): Promise<RequestDocument> {
  const { raw, file } = await readParts(request).catch((error: unknown) => {
    throw asClientError(error);
  });
  return multipartDocument(raw, file);
}

export async function readDocument(request: FastifyRequest): Promise<RequestDocument> {
  if (request.isMultipart()) return readMultipart(request);
  return jsonDocument(request.body);
}
