#!/usr/bin/env node
/**
 * Builds the web page (src/adapters/web/page/) into dist/web/: one script (Cytoscape.js and
 * js-yaml bundled in; no CDN), one stylesheet, both named by their content's hash so that
 * they can be cached for good, and index.html pointing at them. manifest.json lists the
 * files: the server serves those and nothing else (src/adapters/web/static-files.ts).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = process.cwd();
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const outdir = values.outdir ? resolve(values.outdir) : join(root, 'dist', 'web');
const page = join(root, 'src', 'adapters', 'web', 'page');

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const result = await build({
  entryPoints: { app: join(page, 'main.ts'), style: join(page, 'style.css') },
  outdir,
  entryNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
const js = outputs.find((name) => /^app-.*\.js$/.test(name));
const css = outputs.find((name) => /^style-.*\.css$/.test(name));
if (!js || !css) throw new Error(`the web bundle lacks its script or stylesheet: ${outputs.join(', ')}`);
const html = readFileSync(join(page, 'index.html'), 'utf8')
  .replace('{{js}}', `/web/${js}`)
  .replace('{{css}}', `/web/${css}`);
writeFileSync(join(outdir, 'index.html'), html);
const files = ['index.html', ...outputs].sort();
writeFileSync(join(outdir, 'manifest.json'), `${JSON.stringify({ files }, null, 2)}\n`);
