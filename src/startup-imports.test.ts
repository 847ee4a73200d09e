/**
 * The CLI starts without the server side: what main.ts imports statically (following
 * relative imports, not `import type`, not dynamic `import()`) holds no server package
 * and not the composition root. bench/startup.ts measures what this buys.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { expect, test } from 'vitest';

const SERVER_SIDE = [
  'fastify',
  'kysely',
  'pg',
  'better-sqlite3',
  'simple-git',
  '@kubernetes/client-node',
  'jose',
  'ajv',
];

function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+'([^']+)'/gms)) {
      const specifier = match[1] as string;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:'))
        packages.add(
          specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  };
  visit(entry);
  return { files, packages };
}

test('main.ts loads commander and yaml, not the server, until a command needs it', () => {
  const src = dirname(new URL(import.meta.url).pathname);
  const { files, packages } = staticGraph(join(src, 'main.ts'));
  expect(files.has(join(src, 'adapters', 'cli', 'program.ts'))).toBe(true);
  expect(files.has(join(src, 'compose.ts'))).toBe(false);
  expect([...packages].filter((name) => SERVER_SIDE.includes(name))).toEqual([]);
  expect([...packages].sort()).toEqual(['commander', 'yaml']);
  // Node's fetch loads undici on first use (about 0.1 s): the CLI's client is on node:http.
  const fetching = [...files].filter((file) => /(?<![.\w])fetch\(/.test(readFileSync(file, 'utf8')));
  expect(fetching).toEqual([]);
});

test('the server loads the Kubernetes client at its first deploy, not at start (render -f never does)', () => {
  const src = dirname(new URL(import.meta.url).pathname);
  const { packages } = staticGraph(join(src, 'compose.ts'));
  expect(packages.has('fastify')).toBe(true); // the walker sees packages where they are
  expect(packages.has('@kubernetes/client-node')).toBe(false);
  expect(packages.has('simple-git')).toBe(false); // the GitOps target, too, loads at its first session
});
