/**
 * The scenarios of shared/examples, kept in the repository as `examples/` so that
 * tests run anywhere; `examples.test.ts` checks they still match shared/ when it is there.
 */
import { fileURLToPath } from 'node:url';
import { readDocuments, type FileDocument } from '../adapters/cli/emcoctl-file.js';

export const EXAMPLE_FILES = ['seed-two-clouds.yaml', 'seed-replication.yaml'] as const;

export function examplePath(file: string): string {
  return fileURLToPath(new URL(`../../examples/${file}`, import.meta.url));
}

export function sharedExamplePath(file: string): string {
  return fileURLToPath(new URL(`../../../shared/examples/${file}`, import.meta.url));
}

export function exampleDocuments(file: string): Promise<FileDocument[]> {
  return readDocuments(examplePath(file));
}
