/** docs/api.md stays true: every canonical field of every kind is documented. */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { KINDS } from './core/model/registry.js';
import { fieldPaths } from './core/validation/fields.js';

const apiDoc = readFileSync(new URL('../docs/api.md', import.meta.url), 'utf8');

// Placement entries nest EMCO's anyOf once more with the same fields; documenting them once is enough.
const repeatedNesting = /anyOf\[\]\.anyOf|allOf\[\]\.anyOf\[\]\./;

test.each(KINDS.map((kind) => [kind.kind, kind] as const))('docs/api.md documents every field of %s', (_name, kind) => {
  const documented = fieldPaths(kind.schema)
    .filter((path) => (path.startsWith('spec.') || path === 'clusterLabel') && !repeatedNesting.test(path))
    .filter((path) => !apiDoc.includes(`\`${path}\``));
  expect(documented).toEqual([]);
});
