/** The web page's files: only the built ones, with their types, a strict CSP and cache headers, to anyone. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../compose.js';
import { openSqliteDatabase } from '../storage/sqlite.js';
import { errorHandler } from '../http/errors.js';
import { CONTENT_SECURITY_POLICY, packageRoot, registerWebPage } from './static-files.js';

let dir: string;
let app: FastifyInstance;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshbridge-web-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>page</title>');
  await writeFile(join(dir, 'app-ABC.js'), 'console.log(1)');
  await writeFile(join(dir, 'style-DEF.css'), 'body{}');
  await writeFile(join(dir, 'secret.txt'), 'not listed');
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ files: ['index.html', 'app-ABC.js', 'style-DEF.css'] }));
  app = Fastify();
  app.setErrorHandler(errorHandler);
  registerWebPage(app, dir);
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

describe('registerWebPage', () => {
  test('/ is index.html, never cached stale, under the CSP', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<title>page</title>');
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  test('a page not built yet is a 404 that says so without naming where the server keeps its files', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'meshbridge-web-unbuilt-'));
    const unbuilt = Fastify();
    unbuilt.setErrorHandler(errorHandler);
    registerWebPage(unbuilt, empty);
    try {
      const response = await unbuilt.inject({ method: 'GET', url: '/' });
      expect(response.statusCode).toBe(404);
      expect(response.body).toContain('not built');
      expect(response.body).not.toContain(empty);
    } finally {
      await unbuilt.close();
      await rm(empty, { recursive: true, force: true });
    }
  });

  test.each([
    ['app-ABC.js', 'text/javascript; charset=utf-8'],
    ['style-DEF.css', 'text/css; charset=utf-8'],
  ])('%s is served as %s and cached for good (its name holds its hash)', async (name, type) => {
    const response = await app.inject({ method: 'GET', url: `/web/${name}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(type);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  test('a file the manifest does not list is a 404, whatever the name', async () => {
    expect((await app.inject({ method: 'GET', url: '/web/secret.txt' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/web/manifest.json' })).statusCode).toBe(404);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.constantFrom('..%2Fmanifest.json', '%2e%2e%2fsecret.txt', '..%5Csecret.txt', 'index.html%00.js'),
        ),
        async (name) => {
          const response = await app.inject({ method: 'GET', url: `/web/${encodeURI(name)}` });
          if (response.statusCode === 200)
            expect(['index.html', 'app-ABC.js', 'style-DEF.css']).toContain(decodeURIComponent(encodeURI(name)));
          else expect(response.statusCode).toBeLessThan(500);
          expect(response.body).not.toContain('not listed');
        },
      ),
      { numRuns: 100 },
    );
  });

  test('an unbuilt page says how to build it', async () => {
    const bare = Fastify();
    bare.setErrorHandler(errorHandler);
    registerWebPage(bare, join(dir, 'missing'));
    const response = await bare.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(404);
    expect(response.json().message).toContain('npm run build');
    await bare.close();
  });

  test('the package root is found from the module, not the working directory', () => {
    expect(packageRoot()).toBe(join(import.meta.dirname, '..', '..', '..'));
  });
});

test('with authentication on, the page needs no token and the API it calls still does', async () => {
  const server = await buildApp(
    await openSqliteDatabase(':memory:'),
    false,
    { reconcileSeconds: 0 },
    { adminToken: 'web-page-test-token-0123456789' },
  );
  try {
    const page = await server.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).not.toBe(401);
    expect((await server.inject({ method: 'GET', url: '/web/nothing.js' })).statusCode).toBe(404);
    expect((await server.inject({ method: 'GET', url: '/v2/projects' })).statusCode).toBe(401);
  } finally {
    await server.close();
  }
});
