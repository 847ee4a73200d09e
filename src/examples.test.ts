/**
 * examples/ is a copy of shared/examples (the contract) kept in the repository so that
 * the tests run anywhere. When shared/ is there, the copy must not have drifted.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EXAMPLE_FILES, examplePath, sharedExamplePath } from './test-support/examples.js';

const sharedFolder = dirname(sharedExamplePath(EXAMPLE_FILES[0]));
const localFolder = dirname(examplePath(EXAMPLE_FILES[0]));
const sharedPresent = existsSync(sharedFolder);
const yamlIn = async (folder: string) => (await readdir(folder)).filter((file) => /\.ya?ml$/.test(file)).sort();

describe('examples/', () => {
  test('holds exactly the example files the tests know about', async () => {
    expect(await yamlIn(localFolder)).toEqual([...EXAMPLE_FILES].sort());
  });

  test.skipIf(!sharedPresent)(
    sharedPresent
      ? 'has the same files as shared/examples'
      : 'has the same files as shared/examples (shared/ not present)',
    async () => {
      expect(await yamlIn(localFolder)).toEqual(await yamlIn(sharedFolder));
    },
  );

  test.skipIf(!sharedPresent).each(EXAMPLE_FILES)(
    sharedPresent
      ? 'examples/%s matches shared/examples byte for byte'
      : 'examples/%s matches shared/examples (shared/ not present)',
    async (file) => {
      const local = await readFile(examplePath(file));
      const shared = await readFile(sharedExamplePath(file));
      expect(local.equals(shared), `examples/${file} differs from ${sharedExamplePath(file)}: copy it again`).toBe(
        true,
      );
    },
  );
});
