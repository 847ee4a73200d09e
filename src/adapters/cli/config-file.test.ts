/** The CLI config file: read, written 0600 at once, and a bad one named by file and field. */
import { chmod, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { configPath, parseConfig, readConfig, serializeConfig, writeConfig, type CliConfig } from './config-file.js';

const folder = () => mkdtemp(join(tmpdir(), 'mb-config-'));

describe('where the config file is', () => {
  test.each([
    [{ MESHBRIDGE_CONFIG: '/etc/mb.yaml', XDG_CONFIG_HOME: '/x', HOME: '/h' }, '/etc/mb.yaml'],
    [{ XDG_CONFIG_HOME: '/x', HOME: '/h' }, '/x/meshbridge/config.yaml'],
    [{ HOME: '/h' }, '/h/.config/meshbridge/config.yaml'],
    [{}, undefined],
  ])('%j → %s', (env, path) => {
    expect(configPath(env)).toBe(path);
  });
});

describe('a bad config file is named, with every bad field', () => {
  test.each([
    ['contexts: [1', /^\/cfg.yaml: not YAML: /],
    ['- a\n- b', /^\/cfg.yaml: must be a mapping with current-context and contexts$/],
    [
      'current-context: prod\ncontexts:\n  - name: dev\n    server: ftp://x\n    password: p\n  - server: https://a',
      /^\/cfg.yaml: contexts\[0\]\.password: is not a context field \(name, server, token, token-file\); contexts\[0\]\.server: must be an http:\/\/ or https:\/\/ URL; contexts\[1\]: needs name and server; current-context: prod is not the name of a context$/,
    ],
    [
      'contexts:\n  - {name: a, server: h:1, token: t, token-file: f}\n  - {name: a, server: h:2, token: "has space"}',
      /contexts\[0\]: has both token and token-file; keep one; contexts\[1\]\.token: must be printable characters without spaces; contexts\[1\]\.name: a is already the name of a context/,
    ],
    ['kind: Config\ncontexts: {}', /kind: is not a setting \(current-context, contexts\); contexts: must be a list/],
  ])('%j', (text, message) => {
    expect(() => parseConfig(text, '/cfg.yaml')).toThrow(message);
  });

  test('an empty file is an empty config', () => {
    expect(parseConfig('', '/cfg.yaml')).toEqual({ contexts: [] });
  });
});

describe('writing', () => {
  test('the file is 0600 in a 0700 folder, and no temporary file is left', async () => {
    const file = join(await folder(), 'meshbridge', 'config.yaml');
    await writeConfig(file, { currentContext: 'a', contexts: [{ name: 'a', server: 'https://a', token: 't0k' }] });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(file, '..'))).mode & 0o777).toBe(0o700);
    await writeConfig(file, { contexts: [] });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(file, '..'))).toEqual(['config.yaml']);
  });

  test('a config with a token that others can read is read, with a warning on stderr', async () => {
    const file = join(await folder(), 'config.yaml');
    await writeFile(file, 'contexts:\n  - {name: a, server: "https://a", token: t0k}\n');
    await chmod(file, 0o644);
    const warnings: string[] = [];
    expect((await readConfig(file, (text) => warnings.push(text))).contexts).toHaveLength(1);
    expect(warnings).toEqual([
      `warning: ${file} holds a token and is readable by others (mode 644): chmod 600 ${file}`,
    ]);
    await chmod(file, 0o600);
    await readConfig(file, (text) => warnings.push(text));
    expect(warnings).toHaveLength(1);
  });

  test('a missing file is an empty config', async () => {
    expect(await readConfig(join(await folder(), 'none.yaml'), () => {})).toEqual({ contexts: [] });
  });

  test('property: any valid names, servers and tokens round-trip through write and read', async () => {
    const dir = await folder();
    const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._@:/-]{0,40}$/);
    const server = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: false }),
      fc.tuple(fc.domain(), fc.integer({ min: 1, max: 65535 })).map(([host, port]) => `${host}:${port}`),
    );
    const token = fc.stringMatching(/^[\x21-\x7e]{1,60}$/);
    const contexts = fc.uniqueArray(
      fc.record({
        name,
        server,
        secret: fc.option(
          fc.oneof(
            token.map((t) => ({ token: t })),
            fc.constant({ tokenFile: '~tok' }),
          ),
        ),
      }),
      { selector: (entry) => entry.name, maxLength: 5 },
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(contexts, fc.boolean(), async (entries, withCurrent) => {
        const config: CliConfig = {
          ...(withCurrent && entries[0] ? { currentContext: entries[0].name } : {}),
          contexts: entries.map(({ name, server, secret }) => ({ name, server, ...secret })),
        };
        expect(parseConfig(serializeConfig(config), 'x.yaml')).toEqual(config);
        // The file itself, for some of them (disk is slow on a shared machine).
        if (run++ % 10 !== 0) return;
        const file = join(dir, `c${run}.yaml`);
        await writeConfig(file, config);
        expect(await readConfig(file, () => {})).toEqual(config);
      }),
      { numRuns: 300 },
    );
  });
});
