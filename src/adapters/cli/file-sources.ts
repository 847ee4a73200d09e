/**
 * kubectl's `-f`: a file, `-` for standard input, or a folder, which stands for every
 * `.yaml`, `.yml` and `.json` file directly in it, in lexical order (not recursive, as
 * kubectl without `-R`). Several `-f` are read in the order given; the documents of all
 * of them are numbered on from one file to the next, so every document has one number.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FileError, parseDocuments, valuesOf, type FileDocument } from './emcoctl-file.js';

const DOCUMENT_FILE = /\.(ya?ml|json)$/i;

export interface FileSource {
  /** The path as it is named in messages; `-` for standard input. */
  name: string;
  text: string;
  /** Where relative `file:` uploads of its documents are resolved. */
  folder: string;
}

async function sourcesOf(argument: string, stdin: () => Promise<string>): Promise<FileSource[]> {
  if (argument === '-') return [{ name: '-', text: await stdin(), folder: process.cwd() }];
  const info = await stat(argument).catch((error: Error) => {
    throw new FileError(`cannot read ${argument}: ${error.message}`);
  });
  if (!info.isDirectory()) {
    const text = await readFile(argument, 'utf8').catch((error: Error) => {
      throw new FileError(`cannot read ${argument}: ${error.message}`);
    });
    return [{ name: argument, text, folder: dirname(argument) }];
  }
  const names = (await readdir(argument, { withFileTypes: true }))
    .filter((entry) => entry.isFile() && DOCUMENT_FILE.test(entry.name))
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) throw new FileError(`${argument} holds no .yaml, .yml or .json file`);
  return Promise.all(
    names.map(async (name) => ({
      name: join(argument, name),
      text: await readFile(join(argument, name), 'utf8'),
      folder: argument,
    })),
  );
}

/** Every document named by the `-f` arguments, in order; standard input is read at most once. */
export async function readFileArguments(
  files: string[],
  valuesPath: string | undefined,
  stdin: () => Promise<string>,
): Promise<FileDocument[]> {
  if (files.filter((file) => file === '-').length > 1) throw new FileError('standard input (-f -) can be read once');
  const values = await valuesOf(valuesPath);
  const sources = (await Promise.all(files.map((file) => sourcesOf(file, stdin)))).flat();
  const documents: FileDocument[] = [];
  let offset = 0;
  for (const source of sources) {
    let parsed: FileDocument[];
    try {
      parsed = parseDocuments(
        source.text,
        source.folder,
        values,
        source.name === '-' ? 'stdin' : basename(source.name),
      );
    } catch (error) {
      throw sources.length > 1 ? new FileError(`${source.name}: ${(error as Error).message}`) : error;
    }
    for (const document of parsed) documents.push({ ...document, index: offset + document.index });
    offset = documents.at(-1)?.index ?? offset;
  }
  return documents;
}

/** Commander's collector for a repeatable `-f`. */
export const fileArgument = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** The whole of the process's standard input. */
export async function processStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
