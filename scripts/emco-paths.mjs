#!/usr/bin/env node
// Reads EMCO's REST routers (gorilla/mux `HandleFunc(path, ...).Methods(...)`) from a git
// checkout of emco-base and prints every path with its methods, per component, as JSON.
// src/core/model/emco-paths/catalogue.ts is written from this output; run it again to
// check the catalogue against a newer EMCO:
//   node scripts/emco-paths.mjs /work/.mirror/project-emco+emco-base/repo HEAD
// A route with `.Queries(...)` and no `.Methods(...)` is a GET handler with query parameters
// in every case EMCO has; it is counted as GET on its path.
import { execFileSync } from 'node:child_process';

const [gitDir, commit = 'HEAD'] = process.argv.slice(2);
if (!gitDir) {
  console.error('usage: node scripts/emco-paths.mjs <emco-base git dir> [commit]');
  process.exit(2);
}

/** Each component and the files of its router (the workflow client's test server is not a component). */
const COMPONENTS = {
  orchestrator: ['src/orchestrator/api/api.go'],
  clm: ['src/clm/api/api.go'],
  dcm: ['src/dcm/api/api.go'],
  ncm: ['src/ncm/api/api.go'],
  dtc: ['src/dtc/api/api.go'],
  ovnaction: ['src/ovnaction/api/api.go'],
  genericactioncontroller: ['src/genericactioncontroller/api/api.go'],
  'hpa-plc': ['src/hpa-plc/api/api.go'],
  sfc: ['src/sfc/api/api.go'],
  sfcclient: ['src/sfcclient/api/api.go'],
  tac: ['src/tac/api/api.go'],
  workflowmgr: ['src/workflowmgr/api/api.go'],
  'ca-certs': ['src/ca-certs/api/api.go', 'src/ca-certs/api/routes.go'],
};

const git = (...args) => execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8' });

/** Go source without comments, each statement on one line (calls and `+` concatenations joined). */
function flatten(source) {
  const lines = source
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .map((line) => line.replace(/\s\/\/[^"]*$/, ''));
  return lines.join('\n').replace(/([(,+])\s*\n\s*/g, '$1');
}

/** A Go string expression: literals and names of string constants joined by `+`. */
function evaluate(expression, strings) {
  return expression
    .split('+')
    .map((part) => part.trim())
    .map((part) => (part.startsWith('"') ? part.slice(1, -1) : strings.get(part)))
    .reduce((joined, part) => (part === undefined || joined === undefined ? undefined : joined + part), '');
}

const STRING_EXPRESSION = String.raw`(?:"[^"]*"|\w+)(?:\s*\+\s*(?:"[^"]*"|\w+))*`;

function routesOf(source) {
  const text = flatten(source);
  const strings = new Map();
  for (const match of text.matchAll(
    new RegExp(String.raw`(\w+)\s*(?:string\s*)?:?=\s*(${STRING_EXPRESSION})\s*$`, 'gm'),
  ))
    strings.set(match[1], evaluate(match[2], strings));
  const prefixes = new Map();
  for (const match of text.matchAll(/(\w+)\s*:?=?\s*\w+\.PathPrefix\("([^"]*)"\)\.Subrouter\(\)/g))
    prefixes.set(match[1], match[2]);
  const routes = [];
  const call = new RegExp(
    String.raw`(\w+)\.HandleFunc\((${STRING_EXPRESSION}),[^)]*\)\.(Methods|Queries)\(([^)]*)\)`,
    'g',
  );
  for (const match of text.matchAll(call)) {
    const [, router, expression, kind, args] = match;
    const path = evaluate(expression, strings);
    if (path === undefined) throw new Error(`cannot evaluate ${expression}`);
    const methods = kind === 'Methods' ? [...args.matchAll(/"(\w+)"/g)].map((m) => m[1]) : ['GET'];
    routes.push({ prefix: prefixes.get(router), path, methods });
  }
  // Every registration must have been read: a call written another way fails loudly here.
  const registrations = text.split('.HandleFunc(').length - 1;
  if (registrations !== routes.length) throw new Error(`read ${routes.length} of ${registrations} HandleFunc calls`);
  return { routes, prefixes };
}

const catalogue = {};
for (const [component, files] of Object.entries(COMPONENTS)) {
  const byPath = new Map();
  let prefixes = new Map();
  const found = files.map((file) => routesOf(git('show', `${commit}:${file}`)));
  for (const { prefixes: more } of found) prefixes = new Map([...prefixes, ...more]);
  for (const { routes } of found) {
    for (const route of routes) {
      const prefix = route.prefix ?? prefixes.get('router') ?? '';
      const full = (prefix + route.path).replace(/\/$/, '');
      if (!full.startsWith('/v2/')) throw new Error(`${component}: ${full} is not under /v2`);
      const path = full.slice('/v2'.length);
      const methods = byPath.get(path) ?? new Set();
      for (const method of route.methods) methods.add(method);
      byPath.set(path, methods);
    }
  }
  catalogue[component] = [...byPath].map(([path, methods]) => [[...methods].sort().join(','), path]);
}
const revision = git('rev-parse', commit).trim();
console.log(JSON.stringify({ commit: revision, catalogue }, null, 1));
