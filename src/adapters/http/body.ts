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

async function readParts(request: FastifyRequest): Promise<{ raw: unknown; file?: StoredFile }> {
  let raw: unknown;
  let file: StoredFile | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      file = { fileName: part.filename, contentType: part.mimetype, data: await part.toBuffer() };
    } else if (JSON_PARTS.has(part.fieldname)) {
      raw = await parseJsonText(String(part.value), `the multipart field "${part.fieldname}"`);
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

async function readMultipart(request: FastifyRequest): Promise<RequestDocument> {
  const { raw, file } = await readParts(request).catch((error: unknown) => {
    throw asClientError(error);
  });
  if (raw === undefined) {
    throw new ValidationError('the multipart body has no JSON document', [
      { path: '(body)', message: 'send the document as a multipart field named "metadata"' },
    ]);
  }
  return file ? { raw, file } : { raw };
}

export async function readDocument(request: FastifyRequest): Promise<RequestDocument> {
  if (request.isMultipart()) return readMultipart(request);
  if (request.body === undefined || request.body === null || request.body === '') {
    throw new ValidationError('the body is empty', [
      { path: '(body)', message: 'send a JSON document with metadata and spec' },
    ]);
  }
  return { raw: request.body };
}
