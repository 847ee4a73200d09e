/**
 * Property-based fuzzing of every POST and PUT route: the resource tree of every
 * kind in the registry (collection POST, item PUT of an existing and of a new
 * resource) and seed 000's traffic paths. Random JSON, mutated real bodies, text
 * that is not JSON and bodies of other content types must never get a 5xx; every
 * 4xx carries `{error, message, details}`; and a rejected request changes nothing
 * in the store. Accepted requests are fine: the store snapshot is simply taken again.
 *
 * fast-check prints the seed and the shrunk request of any failure; rerun one with
 * `FUZZ_SEED=<seed> npx vitest run src/adapters/http/fuzz.test.ts` (with the same FUZZ_SCALE, if any).
 */
import { createHash } from 'node:crypto';
import type { TSchema } from '@sinclair/typebox';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import type { ResourceBody, ResourceKind } from '../../core/model/kind.js';
import { KINDS, kindOf, routePatterns } from '../../core/model/registry.js';
import { foldKey } from '../../core/validation/normalize.js';
import { describeOnBothDatabases, sqliteApi, type ApiHarness } from '../../test-support/api.js';
import { EXAMPLE_FILES, exampleDocuments } from '../../test-support/examples.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Target extends fc.WithToStringMethod {
  method: 'POST' | 'PUT';
  url: string;
  kind: ResourceKind;
  /** Bodies that are (or were) accepted here: as written in the example files, and as GET returns them. */
  bases: JsonObject[];
}

interface FuzzRequest {
  method: 'POST' | 'PUT';
  url: string;
  contentType: string | undefined;
  payload: string;
  /** What the generator did, for the counterexample report. */
  note: string;
}

const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** `FUZZ_SCALE=10` for a longer hunt; the default keeps the file near a minute on SQLite. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const VERSION_PATH = '/projects/:project/composite-apps/:compositeApp/:compositeAppVersion';
/** Seed 000's traffic routes that take a body (see adapters/http/seed-routes.ts). */
const SEED_ROUTES: { method: 'POST' | 'PUT'; pattern: string }[] = [
  { method: 'POST', pattern: `${VERSION_PATH}/traffic-intent-set/inbound-intents` },
  { method: 'PUT', pattern: `${VERSION_PATH}/traffic-intent-set/inbound-intents/:name` },
  { method: 'POST', pattern: `${VERSION_PATH}/traffic-group-intent/outbound-intents` },
  { method: 'POST', pattern: `${VERSION_PATH}/traffic-group-intent/outbound-intents/:inboundService` },
  { method: 'PUT', pattern: `${VERSION_PATH}/traffic-group-intent/outbound-intents/:inboundService/:client` },
];

// ---------------------------------------------------------------------------
// Setup: both example files, plus one resource of each kind they do not have.

interface AppliedDocument {
  anchor: string;
  body: JsonObject;
  key: string;
  kind: ResourceKind;
}

const REPLICA_CLIENT =
  'projects/replicas/composite-apps/headers-app/v1/deployment-intent-groups/bar-group/traffic-group-intents/replication/inbound-intents/serviceserver01/clients/sleep';

/** Kinds the example files do not use, so that their routes have real bodies and items too. */
const EXTRA_DOCUMENTS: { anchor: string; body: JsonObject }[] = [
  { anchor: 'controllers', body: { metadata: { name: 'rsync' }, spec: { host: 'rsync.emco.svc', port: 9031 } } },
  {
    anchor: 'dtc-controllers',
    body: {
      metadata: { name: 'istio-dtc', description: 'istio' },
      spec: { host: 'istio-dtc', port: 9053, type: 'action', priority: 1 },
    },
  },
  { anchor: 'cluster-providers/edge/clusters/cluster01/labels', body: { clusterLabel: 'edge-east' } },
  {
    anchor: 'projects/demo/composite-apps/blue-app/v1/deployment-intent-groups/lc01-group/intents',
    body: {
      metadata: { name: 'lc01-intents' },
      spec: { intent: { genericPlacementIntent: 'placement', dtc: 'traffic' } },
    },
  },
  {
    anchor: `${REPLICA_CLIENT}/access-points`,
    body: { metadata: { name: 'headers', description: 'GET /headers' }, spec: { url: '/headers', access: ['GET'] } },
  },
  {
    anchor: 'projects/demo/logical-clouds/logicalcloud01/user-permissions',
    body: {
      metadata: { name: 'primary' },
      spec: { namespace: 'namespace01', apiGroups: ['', 'apps'], resources: ['*'], verbs: ['get', 'list'] },
    },
  },
  {
    anchor: 'projects/demo/logical-clouds/logicalcloud01/cluster-quotas',
    body: { metadata: { name: 'quota' }, spec: { pods: '10', 'limits.cpu': '2', 'count/deployments.apps': '5' } },
  },
  { anchor: 'projects/demo/composite-apps/blue-app/v1/composite-profiles', body: { metadata: { name: 'profile' } } },
  {
    anchor: 'projects/demo/composite-apps/blue-app/v1/composite-profiles/profile/profiles',
    body: { metadata: { name: 'httpbin-profile' }, spec: { app: 'httpbin' } },
  },
  // Seed 000's path on a composite app whose group has no "default" traffic group yet:
  // creating one there writes two rows, which a rejected request must roll back.
  {
    anchor: 'projects/replicas/composite-apps/headers-app/v1/traffic-intent-set/inbound-intents',
    body: {
      metadata: { name: 'fuzz-replica-inbound' },
      spec: {
        application: 'serviceserver03',
        servicename: 'serviceserver03-seed',
        protocol: 'HTTP',
        port: '8080',
        mutualTLS: 'MUTUAL',
      },
    },
  },
];

async function applyAll(api: ApiHarness): Promise<AppliedDocument[]> {
  const documents: { anchor: string; body: JsonObject }[] = [];
  for (const file of EXAMPLE_FILES) {
    for (const document of await exampleDocuments(file))
      documents.push({ anchor: document.anchor, body: document.body as JsonObject });
  }
  documents.push(...EXTRA_DOCUMENTS);
  const applied: AppliedDocument[] = [];
  for (const document of documents) {
    const response = await send(
      api,
      'POST',
      `/v2/${document.anchor}`,
      'application/json',
      JSON.stringify(document.body),
    );
    if (response.status !== 201)
      throw new Error(`setup: POST /v2/${document.anchor} answered ${response.status}: ${response.body}`);
    const key = String(response.headers['content-location']).replace(/^\/v2\//, '');
    const stored = await api.store.get(key);
    if (!stored) throw new Error(`setup: ${key} was not stored`);
    applied.push({ anchor: document.anchor, body: document.body, key, kind: kindOf(stored.kind) });
  }
  return applied;
}

// ---------------------------------------------------------------------------
// Targets: every POST and PUT route, with bodies to mutate.

const NEW_NAME = 'fuzz-new';

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function renamed(kind: ResourceKind, body: JsonObject, name: string): JsonObject {
  const copy = clone(body);
  if (kind.kind === 'clusterLabel') copy.clusterLabel = name;
  else if (isObject(copy.metadata)) copy.metadata.name = name;
  // A second inbound intent for the same service would make seed 000's client paths ambiguous.
  if (kind.kind === 'inboundIntent' && isObject(copy.spec)) {
    for (const key of Object.keys(copy.spec)) if (foldKey(key) === 'servicename') copy.spec[key] = name;
  }
  // A composite profile has one profile per app.
  if (kind.kind === 'appProfile' && isObject(copy.spec)) copy.spec.app = name;
  return copy;
}

async function buildTargets(api: ApiHarness, applied: AppliedDocument[]): Promise<Target[]> {
  const targets = new Map<string, Target>();
  const add = (method: 'POST' | 'PUT', url: string, kind: ResourceKind, ...bases: JsonObject[]) => {
    const id = `${method} ${url}`;
    const target = targets.get(id) ?? { method, url, kind, bases: [], [fc.toStringMethod]: () => id };
    for (const base of bases) {
      if (!target.bases.some((known) => JSON.stringify(known) === JSON.stringify(base))) target.bases.push(base);
    }
    targets.set(id, target);
  };
  // A new name takes the body of the first document of its collection only: a second one
  // could be refused for what the first left there (seed 000 keeps an intent in its group).
  const addNew = (url: string, kind: ResourceKind, base: JsonObject) => {
    if (!targets.has(`PUT ${url}`)) add('PUT', url, kind, base);
  };

  for (const document of applied) {
    const { anchor, body, kind } = document;
    const canonical = (await send(api, 'GET', `/v2/${document.key}`)).json as JsonObject;
    const name = kind.itemSegments(canonical as ResourceBody)[0] as string;
    if (!anchor.endsWith('/traffic-group-intent/outbound-intents')) add('POST', `/v2/${anchor}`, kind, body, canonical);
    else add('POST', `/v2/${anchor}`, kind, body);

    if (anchor.endsWith('/traffic-intent-set/inbound-intents')) {
      add('PUT', `/v2/${anchor}/${name}`, kind, body, canonical);
      addNew(`/v2/${anchor}/${NEW_NAME}`, kind, renamed(kind, body, NEW_NAME));
    } else if (anchor.endsWith('/traffic-group-intent/outbound-intents')) {
      const service = String((body.spec as JsonObject).inboundServiceName);
      // GET leaves out inboundServiceName, which this path needs to find the inbound intent.
      const named = { ...canonical, spec: { ...(canonical.spec as JsonObject), inboundServiceName: service } };
      add('POST', `/v2/${anchor}`, kind, named);
      add('POST', `/v2/${anchor}/${service}`, kind, body, canonical);
      add('PUT', `/v2/${anchor}/${service}/${name}`, kind, body, canonical);
      addNew(`/v2/${anchor}/${service}/${NEW_NAME}`, kind, renamed(kind, body, NEW_NAME));
    } else if (/\/traffic-group-intent\/outbound-intents\/[^/]+$/.test(anchor)) {
      add('PUT', `/v2/${anchor}/${name}`, kind, body, canonical);
      addNew(`/v2/${anchor}/${NEW_NAME}`, kind, renamed(kind, body, NEW_NAME));
    } else {
      add('PUT', `/v2/${document.key}`, kind, body, canonical);
      const segments = kind.itemSegments(canonical as ResourceBody);
      addNew(`/v2/${anchor}/${[NEW_NAME, ...segments.slice(1)].join('/')}`, kind, renamed(kind, body, NEW_NAME));
    }
  }
  return [...targets.values()];
}

/** `/v2/projects/demo/logical-clouds` matches `/projects/:project/logical-clouds`. */
function matches(pattern: string, url: string): boolean {
  const regex = new RegExp(`^/v2${pattern.replace(/:[A-Za-z]+/g, '[^/]+')}$`);
  return regex.test(url);
}

// ---------------------------------------------------------------------------
// Sending requests, and what the store holds.

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
  json: unknown;
}

async function send(
  api: ApiHarness,
  method: string,
  url: string,
  contentType?: string,
  payload?: string,
): Promise<Answer> {
  const response = await api.app.inject({
    method: method as 'POST',
    url,
    ...(payload === undefined ? {} : { payload }),
    headers: contentType === undefined ? {} : { 'content-type': contentType },
  });
  let json: unknown;
  try {
    json = response.body === '' ? undefined : JSON.parse(response.body);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, body: response.body, json };
}

/**
 * Every row of every kind: key, version and body; with `withFiles`, also the uploaded
 * file of apps, app profiles and clusters (only multipart requests can send one, so only they pay for it).
 */
async function snapshot(api: ApiHarness, withFiles = false): Promise<Map<string, string>> {
  const rows = new Map<string, string>();
  const byKind = await Promise.all(
    KINDS.map(async (kind) => ({ kind, resources: await api.store.listByKind(kind.kind) })),
  );
  for (const { kind, resources } of byKind) {
    for (const resource of resources) {
      let file = '';
      if (withFiles && (kind.kind === 'app' || kind.kind === 'appProfile' || kind.kind === 'cluster')) {
        const stored = await api.store.getFile(resource.key);
        if (stored) file = ` file=${stored.fileName}:${createHash('sha1').update(stored.data).digest('hex')}`;
      }
      rows.set(resource.key, `${resource.kind} v${resource.version} ${JSON.stringify(resource.body)}${file}`);
    }
  }
  return rows;
}

function describeDifference(before: Map<string, string>, after: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const [key, row] of after) {
    if (!before.has(key)) lines.push(`added   ${key}: ${row}`);
    else if (before.get(key) !== row) lines.push(`changed ${key}:\n  was ${before.get(key)}\n  now ${row}`);
  }
  for (const key of before.keys()) if (!after.has(key)) lines.push(`removed ${key}`);
  return lines;
}

function short(text: string, max = 400): string {
  return text.length > max ? `${text.slice(0, max)}... (${text.length} characters)` : text;
}

/**
 * Sends one request and checks the invariants. Returns the store as it is after the
 * request (the same map when it was rejected).
 */
/** How many answers of each status the fuzzing saw, reported at the end. */
const statuses = new Map<number, number>();

async function checkRequest(
  api: ApiHarness,
  request: FuzzRequest,
  before: Map<string, string>,
  withFiles = false,
): Promise<Map<string, string>> {
  const answer = await send(api, request.method, request.url, request.contentType, request.payload);
  statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  const where = `${request.method} ${request.url} [${request.note}] content-type=${String(request.contentType)} body=${short(request.payload)}`;
  if (answer.status >= 500) throw new Error(`${answer.status} for ${where}: ${short(answer.body)}`);
  if (answer.status < 200 || (answer.status >= 300 && answer.status < 400))
    throw new Error(`unexpected ${answer.status} for ${where}`);

  const after = await snapshot(api, withFiles);
  if (answer.status >= 400) {
    const error = answer.json as { error?: unknown; message?: unknown; details?: unknown } | undefined;
    const shaped =
      isObject(error) &&
      typeof error.error === 'string' &&
      typeof error.message === 'string' &&
      Array.isArray(error.details) &&
      error.details.every(
        (detail) => isObject(detail) && typeof detail.path === 'string' && typeof detail.message === 'string',
      );
    if (!shaped)
      throw new Error(`${answer.status} without {error, message, details} for ${where}: ${short(answer.body)}`);
    const difference = describeDifference(before, after);
    if (difference.length > 0) {
      throw new Error(
        `rejected with ${answer.status} (${short(answer.body)}) but the store changed, for ${where}:\n${difference.join('\n')}`,
      );
    }
    return before;
  }
  // Accepted: a POST or PUT writes, it never removes anything.
  const removed = [...before.keys()].filter((key) => !after.has(key));
  if (removed.length > 0) throw new Error(`${answer.status} for ${where} removed ${removed.join(', ')}`);
  if (!isObject(answer.json))
    throw new Error(`${answer.status} for ${where} did not answer a JSON object: ${short(answer.body)}`);
  return after;
}

// ---------------------------------------------------------------------------
// Generators.

/** Values that tend to break things: wrong types, limits, odd text. */
const nastyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    '',
    ' ',
    0,
    -1,
    -80,
    65535,
    65536,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    0.5,
    true,
    false,
    'true',
    'no',
    '80',
    '-1',
    [],
    {},
    [null],
    [[]],
    [{}],
    '<redacted>',
    '*',
    '/',
    '/status*',
    '../../etc/passwd',
    'a/b',
    '%2F',
    'UPPER-Case_name',
    'x'.repeat(64),
    'y'.repeat(1025),
    'z'.repeat(100_000),
    '\u0000',
    '\ud800',
    'é',
    '🙂',
    '\u202e',
    "' or 1=1 --",
    '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
    JSON.parse('{"__proto__": {"polluted": true}}') as Json,
    { constructor: { prototype: { polluted: true } } },
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

/** Keys for fields that should not be there; some collide with Object.prototype. */
const strangeKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '',
    ' ',
    'status',
    'kind',
    'apiVersion',
    'id',
    'version',
    'spec',
    'metadata',
    'a.b',
    'x-secret',
  ),
  fc.string({ minLength: 1, maxLength: 20 }),
);

type MutationOp = 'delete' | 'replace' | 'addField' | 'recase' | 'wrapInArray' | 'toString' | 'duplicateKey';

interface Mutation {
  op: MutationOp;
  /** Which node of the body (index into its paths, modulo their number). */
  at: number;
  value: Json;
  key: string;
  casing: number;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom<MutationOp>(
    'delete',
    'delete',
    'replace',
    'replace',
    'replace',
    'addField',
    'recase',
    'wrapInArray',
    'toString',
    'duplicateKey',
  ),
  at: fc.nat(),
  value: nastyValue,
  key: strangeKey,
  casing: fc.nat(5),
});

type Path = (string | number)[];

function pathsOf(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...prefix, index], out));
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  return out;
}

function at(root: Json, path: Path): Json {
  let node: Json = root;
  for (const step of path) node = (node as Record<string | number, Json>)[step] as Json;
  return node;
}

/** Sets an own property, even one named `__proto__`. */
function define(object: JsonObject, key: string, value: Json): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function recase(key: string, casing: number): string {
  switch (casing) {
    case 0:
      return key.toUpperCase();
    case 1:
      return key.toLowerCase();
    case 2:
      return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    case 3:
      return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    case 4:
      return key.charAt(0).toUpperCase() + key.slice(1);
    default:
      return [...key].map((char, index) => (index % 2 === 0 ? char.toUpperCase() : char.toLowerCase())).join('');
  }
}

/** Replaces the key of `parent[oldKey]`, keeping the key order. */
function renameKey(parent: JsonObject, oldKey: string, newKey: string): void {
  const entries = Object.entries(parent);
  for (const key of Object.keys(parent)) delete parent[key];
  for (const [key, value] of entries) define(parent, key === oldKey ? newKey : key, value);
}

function mutate(base: JsonObject, mutations: Mutation[]): Json {
  let root: Json = clone(base);
  for (const change of mutations) {
    const paths = pathsOf(root);
    const path = paths[change.at % paths.length] as Path;
    const parentPath = path.slice(0, -1);
    const last = path[path.length - 1];
    const parent = path.length === 0 ? undefined : at(root, parentPath);
    const current = at(root, path);
    const set = (value: Json) => {
      if (path.length === 0) root = value;
      else if (Array.isArray(parent)) parent[last as number] = value;
      else define(parent as JsonObject, last as string, value);
    };
    switch (change.op) {
      case 'delete':
        if (Array.isArray(parent)) parent.splice(last as number, 1);
        else if (isObject(parent)) delete parent[last as string];
        break;
      // A copy each time: one generated value placed twice, once inside itself, would make the body cyclic.
      case 'replace':
        set(clone(change.value));
        break;
      case 'addField': {
        const holder = isObject(current) ? current : isObject(parent) ? parent : isObject(root) ? root : undefined;
        if (holder) define(holder, change.key, clone(change.value));
        break;
      }
      case 'recase':
        if (isObject(parent) && typeof last === 'string') renameKey(parent, last, recase(last, change.casing));
        break;
      case 'wrapInArray':
        set([current]);
        break;
      case 'toString':
        set(typeof current === 'string' ? Number(current) : JSON.stringify(current));
        break;
      case 'duplicateKey':
        // The same field twice, spelled differently, with another value.
        if (isObject(parent) && typeof last === 'string') define(parent, recase(last, change.casing), change.value);
        break;
    }
  }
  return root;
}

function targetArbitrary(targets: Target[]): fc.Arbitrary<Target> {
  return fc.constantFrom(...targets);
}

function randomJsonRequests(targets: Target[]): fc.Arbitrary<FuzzRequest> {
  const randomBody = fc.oneof(
    fc.jsonValue() as fc.Arbitrary<Json>,
    fc.dictionary(fc.string(), fc.jsonValue()) as fc.Arbitrary<Json>,
    fc.record({ metadata: fc.jsonValue(), spec: fc.jsonValue() }) as fc.Arbitrary<Json>,
    fc.record({
      metadata: fc.record({ name: fc.oneof(fc.string(), fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/)) }),
      spec: fc.dictionary(fc.string(), fc.jsonValue()),
    }) as fc.Arbitrary<Json>,
    fc.anything().map((value) => {
      try {
        return (JSON.parse(JSON.stringify(value) ?? 'null') as Json) ?? null;
      } catch {
        return null;
      }
    }),
  );
  return fc.tuple(targetArbitrary(targets), randomBody).map(([target, body]) => ({
    method: target.method,
    url: target.url,
    contentType: 'application/json',
    payload: JSON.stringify(body),
    note: 'random JSON',
  }));
}

function mutatedRequests(targets: Target[]): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(targetArbitrary(targets), fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([target, which, mutations]) => {
      const base = target.bases[which % target.bases.length] as JsonObject;
      return {
        method: target.method,
        url: target.url,
        contentType: 'application/json',
        payload: JSON.stringify(mutate(base, mutations)),
        note: `mutated base ${which % target.bases.length}: ${mutations.map((change) => `${change.op}@${change.at}`).join(', ')}`,
      };
    });
}

const BOUNDARY = '----meshbridge-fuzz';

interface Part {
  name: string;
  fileName?: string;
  contentType?: string;
  data: string;
}

function multipart(parts: Part[], close = true): string {
  let out = '';
  for (const part of parts) {
    out += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"${part.fileName === undefined ? '' : `; filename="${part.fileName}"`}\r\n`;
    if (part.contentType) out += `Content-Type: ${part.contentType}\r\n`;
    out += `\r\n${part.data}\r\n`;
  }
  return close ? `${out}--${BOUNDARY}--\r\n` : out;
}

function rawRequests(targets: Target[]): fc.Arbitrary<FuzzRequest> {
  const notJson = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.constantFrom(
      '{',
      '[',
      '}',
      '{"metadata":',
      '{"metadata":{"name":"x"}',
      "{'metadata': {}}",
      'NaN',
      'undefined',
      '{"a":1,}',
      '\ufeff{}',
      '1e400',
      '--',
      '\u0000',
      'metadata:\n  name: x',
    ),
  );
  const text = fc.oneof(
    notJson,
    // A real body, cut short.
    fc.tuple(targetArbitrary(targets), fc.nat(), fc.nat()).map(([target, which, cut]) => {
      const full = JSON.stringify(target.bases[which % target.bases.length]);
      return full.slice(0, cut % full.length);
    }),
    // Valid JSON text that JSON.stringify never writes.
    fc.constantFrom(
      '{"metadata":{"name":"n"},"spec":{"port":1e400}}',
      '{"metadata":{"name":"n","name":"m"}}',
      '{"metadata":{"name":"\\ud800"}}',
      ' \n\t{"metadata":{"name":"ws"}} \n',
    ),
  );
  const contentType = fc.constantFrom(
    'application/json',
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'Application/JSON',
    'text/plain',
    'text/html',
    'application/yaml',
    'application/x-www-form-urlencoded',
    'application/octet-stream',
    'application/merge-patch+json',
    'multipart/form-data',
    `multipart/form-data; boundary=${BOUNDARY}`,
    '',
    ';;;',
  );
  const plain = fc.tuple(targetArbitrary(targets), text, contentType).map(([target, payload, type]) => ({
    method: target.method,
    url: target.url,
    contentType: type === '' ? undefined : type,
    payload,
    note: 'raw text',
  }));
  // Real bodies sent with another content type.
  const retyped = fc.tuple(targetArbitrary(targets), fc.nat(), contentType).map(([target, which, type]) => ({
    method: target.method,
    url: target.url,
    contentType: type === '' ? undefined : type,
    payload: JSON.stringify(target.bases[which % target.bases.length]),
    note: 'real body, other content type',
  }));
  // Multipart as emcoctl sends it, whole or broken.
  const multiparts = fc
    .tuple(
      targetArbitrary(targets),
      fc.nat(),
      fc.array(mutation, { maxLength: 2 }),
      fc.constantFrom('metadata', 'body', 'json', 'document', 'other', ''),
      fc.boolean(),
      fc.boolean(),
      fc.nat(),
    )
    .map(([target, which, mutations, field, withFile, close, cut]) => {
      const document = JSON.stringify(mutate(target.bases[which % target.bases.length] as JsonObject, mutations));
      const parts: Part[] = [{ name: field, data: document }];
      if (withFile)
        parts.push({ name: 'file', fileName: 'chart.tgz', contentType: 'application/gzip', data: 'chart\u0000bytes' });
      const body = multipart(parts, close);
      return {
        method: target.method,
        url: target.url,
        contentType: `multipart/form-data; boundary=${BOUNDARY}`,
        payload: close ? body : body.slice(0, cut % body.length),
        note: `multipart field=${field} file=${withFile} ${close ? 'closed' : 'truncated'} ${mutations.map((change) => `${change.op}@${change.at}`).join(', ')}`,
      };
    });
  return fc.oneof(plain, retyped, multiparts);
}

// ---------------------------------------------------------------------------
// Schema walking, for "an unknown field in a strict object is an error".

/** The key spellings a strict object accepts (its properties, aliases and moved keys), folded. */
function knownKeys(schema: TSchema): Set<string> {
  const keys = [
    ...Object.keys((schema.properties ?? {}) as object),
    ...Object.keys((schema['x-aliases'] ?? {}) as object),
    ...Object.keys((schema['x-moved'] ?? {}) as object),
  ];
  return new Set(keys.map(foldKey));
}

/** Paths of the objects in `body` whose schema allows no other keys. */
function strictObjects(body: Json, schema: TSchema, path: Path = [], out: { path: Path; schema: TSchema }[] = []) {
  if (isObject(body) && schema.additionalProperties === false && schema.properties) {
    out.push({ path, schema });
    const properties = schema.properties as Record<string, TSchema>;
    for (const [key, value] of Object.entries(body)) {
      const child = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (child) strictObjects(value, child, [...path, key], out);
    }
  } else if (Array.isArray(body) && schema.items) {
    body.forEach((item, index) => strictObjects(item, schema.items as TSchema, [...path, index], out));
  }
  return out;
}

// ---------------------------------------------------------------------------

function runs(open: unknown, sqlite: number): number {
  const onSqlite = open === sqliteApi;
  return Math.round(SCALE * (onSqlite ? sqlite : Math.max(50, sqlite / 4)));
}

function options(numRuns: number) {
  return { numRuns, ...(SEED === undefined ? {} : { seed: SEED }), interruptAfterTimeLimit: 150_000 * SCALE };
}

describeOnBothDatabases('fuzzing every POST and PUT', (open) => {
  let api: ApiHarness;
  let targets: Target[];
  let state: Map<string, string>;
  let requests = 0;

  const property = (arbitrary: fc.Arbitrary<FuzzRequest>, withFiles = false) =>
    fc.asyncProperty(arbitrary, async (request) => {
      requests += 1;
      state = await checkRequest(api, request, state, withFiles);
    });

  beforeAll(async () => {
    api = await open();
    targets = await buildTargets(api, await applyAll(api));
    state = await snapshot(api);
  });

  beforeEach(async () => {
    // Whatever an earlier test left, each starts from what the store holds now.
    state = await snapshot(api);
  });

  afterAll(async () => {
    const counts = [...statuses.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`);
    process.stderr.write(
      `fuzz [${open === sqliteApi ? 'SQLite' : 'PostgreSQL'}]: ${requests} requests to ${targets?.length ?? 0} URLs (${counts.join(', ')})\n`,
    );
    statuses.clear();
    await api?.close();
  });

  test('the targets cover every POST and PUT route of the registry and the seed 000 paths', () => {
    const routes: { method: 'POST' | 'PUT'; pattern: string }[] = [...SEED_ROUTES];
    for (const kind of KINDS) {
      const { collection, item } = routePatterns(kind);
      routes.push({ method: 'POST', pattern: collection }, { method: 'PUT', pattern: item });
    }
    const uncovered = routes.filter(
      (route) => !targets.some((target) => target.method === route.method && matches(route.pattern, target.url)),
    );
    expect(uncovered).toEqual([]);
    for (const target of targets) expect(target.bases.length, `${target.method} ${target.url}`).toBeGreaterThan(0);
  });

  test('every base body is accepted where it is sent (so mutations start from valid documents)', async () => {
    for (const target of targets) {
      for (const base of target.bases) {
        const answer = await send(api, target.method, target.url, 'application/json', JSON.stringify(base));
        // A POST of an existing name is a duplicate; everything else must be accepted.
        const expected = target.method === 'POST' ? [201, 409] : [200, 201];
        expect(expected, `${target.method} ${target.url} ${JSON.stringify(base)}: ${answer.body}`).toContain(
          answer.status,
        );
      }
    }
    state = await snapshot(api);
  });

  test('random JSON bodies', { timeout: 180_000 * SCALE }, async () => {
    await fc.assert(property(randomJsonRequests(targets)), options(runs(open, 700)));
  });

  test('mutated example bodies', { timeout: 180_000 * SCALE }, async () => {
    await fc.assert(property(mutatedRequests(targets)), options(runs(open, 2000)));
  });

  test('text that is not JSON, other content types and multipart', { timeout: 180_000 * SCALE }, async () => {
    state = await snapshot(api, true);
    await fc.assert(property(rawRequests(targets), true), options(runs(open, 700)));
  });

  test(
    'an unknown field in any strict object is rejected and stores nothing',
    { timeout: 180_000 * SCALE },
    async () => {
      const arbitrary = fc
        .tuple(targetArbitrary(targets), fc.nat(), fc.nat(), strangeKey, nastyValue)
        .map(([target, which, where, key, value]) => {
          const base = clone(target.bases[which % target.bases.length] as JsonObject);
          // Positions are taken from the canonical form, where body and schema line up.
          const objects = strictObjects(base, target.kind.schema);
          const chosen = objects[where % objects.length] as { path: Path; schema: TSchema };
          return { target, base, chosen, key, value };
        })
        .filter(({ chosen, key }) => !knownKeys(chosen.schema).has(foldKey(key)));
      await fc.assert(
        fc.asyncProperty(arbitrary, async ({ target, base, chosen, key, value }) => {
          requests += 1;
          define(at(base, chosen.path) as JsonObject, key, value);
          const request: FuzzRequest = {
            method: target.method,
            url: target.url,
            contentType: 'application/json',
            payload: JSON.stringify(base),
            note: `unknown field ${JSON.stringify(key)} at ${JSON.stringify(chosen.path)}`,
          };
          const answer = await send(api, request.method, request.url, request.contentType, request.payload);
          const after = await snapshot(api);
          if (answer.status !== 400) {
            state = after;
            throw new Error(
              `${answer.status} for ${request.method} ${request.url} [${request.note}]: expected 400 naming the unknown field; ` +
                `${answer.status === 409 || answer.status < 300 ? 'the body passed validation, so the unknown field was silently dropped' : 'answer'}: ${short(answer.body)}`,
            );
          }
          expect(describeDifference(state, after)).toEqual([]);
        }),
        options(runs(open, 400)),
      );
    },
  );

  test('fields named like Object.prototype members are unknown fields, at every route', async () => {
    const failures: string[] = [];
    for (const target of targets) {
      const base = target.bases[0] as JsonObject;
      for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        for (const where of [[], ['metadata']] as Path[]) {
          const body = clone(base);
          const holder = at(body, where);
          if (!isObject(holder)) continue;
          define(holder, key, { metadata: { name: 'smuggled' } });
          requests += 1;
          const request: FuzzRequest = {
            method: target.method,
            url: target.url,
            contentType: 'application/json',
            payload: JSON.stringify(body),
            note: `"${key}" in ${where.join('.') || 'the body'}`,
          };
          const answer = await send(api, request.method, request.url, request.contentType, request.payload);
          const after = await snapshot(api);
          const difference = describeDifference(state, after);
          state = after;
          if (answer.status !== 400 || difference.length > 0) {
            failures.push(
              `${answer.status} for ${request.method} ${request.url} with ${request.note}: ${short(answer.body, 200)}${difference.length > 0 ? ` (stored: ${difference.join('; ')})` : ''}`,
            );
          }
        }
      }
    }
    expect(failures.slice(0, 10), `${failures.length} requests did not get 400`).toEqual([]);
  });

  test('fixed hostile bodies at every route', { timeout: 180_000 * SCALE }, async () => {
    const deepArray = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const deepObject = `{"metadata":{"name":"deep"},"spec":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_001)}`;
    const payloads: { contentType: string | undefined; payload: string; note: string }[] = [
      { contentType: 'application/json', payload: '', note: 'empty' },
      { contentType: 'application/json', payload: '   ', note: 'white space' },
      { contentType: 'application/json', payload: 'null', note: 'null' },
      { contentType: 'application/json', payload: '[]', note: 'array' },
      { contentType: 'application/json', payload: '"text"', note: 'string' },
      { contentType: 'application/json', payload: '42', note: 'number' },
      { contentType: 'application/json', payload: deepArray, note: 'deeply nested array' },
      { contentType: 'application/json', payload: deepObject, note: 'deeply nested object' },
      { contentType: 'application/json', payload: `"${'x'.repeat(5 * 1024 * 1024)}"`, note: 'over the body limit' },
      { contentType: undefined, payload: '{}', note: 'no content type' },
      { contentType: 'multipart/form-data', payload: '{}', note: 'multipart without boundary' },
      { contentType: `multipart/form-data; boundary=${BOUNDARY}`, payload: 'not multipart', note: 'not multipart' },
      {
        contentType: `multipart/form-data; boundary=${BOUNDARY}`,
        payload: multipart([
          { name: 'file', fileName: 'a.tgz', data: 'a' },
          { name: 'file', fileName: 'b.tgz', data: 'b' },
        ]),
        note: 'two files',
      },
      {
        contentType: `multipart/form-data; boundary=${BOUNDARY}`,
        payload: multipart(
          [
            { name: 'metadata', data: '{"metadata":{"name":"cut"}}' },
            { name: 'file', fileName: 'chart.tgz', data: 'chart bytes' },
          ],
          false,
        ).slice(0, -4),
        note: 'multipart cut off in the file',
      },
    ];
    // The big ones once per route pattern: they test the body parser, not the kind.
    // PostgreSQL, where every check costs more, sends all of them once per route pattern.
    const onSqlite = open === sqliteApi;
    const expensive = new Set(['deeply nested array', 'deeply nested object', 'over the body limit']);
    const seenPatterns = new Set<string>();
    const failures: string[] = [];
    for (const target of targets) {
      const seedPath = /traffic-intent-set|traffic-group-intent\//.test(target.url);
      const pattern = `${target.method} ${target.kind.kind} ${seedPath ? 'seed 000' : 'EMCO'}`;
      const first = !seenPatterns.has(pattern);
      seenPatterns.add(pattern);
      for (const { contentType, payload, note } of payloads) {
        if (!first && (expensive.has(note) || !onSqlite)) continue;
        requests += 1;
        try {
          const request = { method: target.method, url: target.url, contentType, payload, note };
          if (contentType?.startsWith('multipart/')) {
            await checkRequest(api, request, await snapshot(api, true), true);
            state = await snapshot(api);
          } else {
            state = await checkRequest(api, request, state);
          }
        } catch (error) {
          failures.push((error as Error).message);
          state = await snapshot(api);
        }
      }
    }
    // Every failure at once: one per route and payload, at most a few per cause.
    expect(failures.slice(0, 10), `${failures.length} failures`).toEqual([]);
  });
});
