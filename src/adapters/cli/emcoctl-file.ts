/**
 * emcoctl's file format: multi-document YAML, each document
 * `{version: emco/v2, resourceContext: {anchor}, metadata, spec}` (or `clusterLabel`
 * for labels, `file` for an uploaded file), run first through Go's text/template with the
 * values file as data, as emcoctl does (`template.ParseFiles` then `Execute`, no extra functions).
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import type { ApiDocument } from '../../core/model/addresses.js';
import { renderTemplate, TemplateError } from '../../core/template/index.js';

export interface FileDocument extends ApiDocument {
  /** 1-based position in the file, for messages. */
  index: number;
  /** A file to upload with the document (multipart), resolved against the YAML file's folder. */
  upload?: string;
}

export class FileError extends Error {}

/**
 * Go text/template over the values. Where Go would print `<no value>` (a key the values
 * do not define, or a nil one) emcoctl sends that text to the server; we refuse instead
 * and name the keys, since `<no value>` in an anchor or a spec is never what was meant.
 * `{{ if .Optional }}` on a missing key stays false, as in Go.
 */
export function fillTemplate(text: string, values: Record<string, unknown>, name = 'template'): string {
  let rendered;
  try {
    rendered = renderTemplate(name, text, values);
  } catch (error) {
    if (error instanceof TemplateError) throw new FileError(error.message);
    throw error;
  }
  if (rendered.noValue.length > 0)
    throw new FileError(`the values file does not define: ${[...new Set(rendered.noValue)].join(', ')}`);
  return rendered.output;
}

function toDocument(raw: unknown, index: number, folder: string): FileDocument | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new FileError(`document ${index} is not a mapping`);
  const { version, resourceContext, file, files, ...body } = raw as Record<string, unknown>;
  if (version !== undefined && version !== 'emco/v2')
    throw new FileError(`document ${index}: version must be emco/v2 (it is ${String(version)})`);
  const anchor = (resourceContext as { anchor?: unknown } | undefined)?.anchor;
  if (typeof anchor !== 'string' || anchor.trim() === '')
    throw new FileError(`document ${index} has no resourceContext.anchor`);
  const upload =
    typeof file === 'string' ? file : Array.isArray(files) && typeof files[0] === 'string' ? files[0] : undefined;
  return {
    index,
    anchor: anchor.trim().replace(/^\/+|\/+$/g, ''),
    body,
    ...(upload ? { upload: resolve(folder, upload) } : {}),
  };
}

async function readValues(path: string): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = parseYaml(await readFile(path, 'utf8')) ?? {};
  } catch (error) {
    throw new FileError(`cannot read the values file ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FileError(`the values file ${path} is not a mapping of names to values`);
  }
  return parsed as Record<string, unknown>;
}

export async function readDocuments(path: string, valuesPath?: string): Promise<FileDocument[]> {
  const text = await readFile(path, 'utf8').catch((error: Error) => {
    throw new FileError(`cannot read ${path}: ${error.message}`);
  });
  return parseDocuments(text, dirname(path), valuesPath ? await readValues(valuesPath) : {}, basename(path));
}

/** Values for `{{.Key}}` from a YAML file; none without one. */
export async function valuesOf(valuesPath: string | undefined): Promise<Record<string, unknown>> {
  return valuesPath ? readValues(valuesPath) : {};
}

/** The documents of one file's text; `folder`: where its `file:` uploads are resolved. */
export function parseDocuments(
  text: string,
  folder: string,
  values: Record<string, unknown>,
  name: string,
): FileDocument[] {
  const parsed = parseAllDocuments(fillTemplate(text, values, name));
  const documents: FileDocument[] = [];
  let index = 0;
  for (const document of Array.isArray(parsed) ? parsed : [parsed]) {
    index += 1;
    if (document.errors.length > 0)
      throw new FileError(`document ${index} is not valid YAML: ${document.errors[0]?.message}`);
    const converted = toDocument(document.toJS(), index, folder);
    if (converted) documents.push(converted);
  }
  return documents;
}
