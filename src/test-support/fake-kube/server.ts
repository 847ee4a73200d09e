/**
 * The HTTP side of the fake: a `node:http` server on 127.0.0.1 that records every call,
 * applies injected faults, checks the bearer token and RBAC (`rbac.ts`), answers discovery
 * and dispatches resource requests to the verbs in `reads.ts` / `writes.ts`. Errors are
 * Status bodies. After each successful write of a Secret or ServiceAccount the token controller (`token-controller.ts`)
 * runs, after `tokenController.delayMs` (0 by default; `tokenController: false` turns it off).
 *
 * `down()`/`up()` stop and resume listening on the same port (keeping state); `close()`
 * and `down()` destroy open sockets and pending delays so nothing keeps the process alive.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions, serverVersion } from './discovery.js';
import { FaultBook, failsRequest, faultStatus } from './faults.js';
import { editObject, getObject, putObject, removeObject, seedNamespaces } from './hand.js';
import { kubeconfigFor } from './kubeconfig.js';
import { get, list, remove, removeCollection } from './reads.js';
import { parseBody, type Reply, type ResourceRequest } from './requests.js';
import { authorize, identify, rightName, type Identity } from './rbac.js';
import { parseRoute, type Route } from './routes.js';
import { KubeError, failureStatus } from './status.js';
import { ObjectStore } from './store.js';
import { fillServiceAccountTokens } from './token-controller.js';
import type { FakeKube, FakeKubeOptions, FaultRule, KubeObject, ObjectRef, RecordedCall } from './types.js';
import { create, patch, replace } from './writes.js';

export const DEFAULT_TOKEN = 'fake-token';
/** The writes after which a token Secret may be fillable: to Secrets or ServiceAccounts (the others need no scan). */
const TOKEN_WRITES = /\/(secrets|serviceaccounts)(\/|$)/;
export const DEFAULT_NAMESPACES = ['default', 'kube-system', 'istio-system'];

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function recordedBody(raw: string, contentType: string): unknown {
  try {
    return parseBody(raw, contentType);
  } catch {
    return raw;
  }
}

function methodNotAllowed(): KubeError {
  return new KubeError(405, 'the server does not allow this method on the requested resource', 'MethodNotAllowed');
}

function discovery(route: Route, serverAddress: string): Reply {
  if (route.kind === 'health') return { status: 200, body: undefined, text: 'ok' };
  let body: unknown;
  if (route.kind === 'version') body = serverVersion();
  else if (route.kind === 'apiVersions') body = apiVersions(serverAddress);
  else if (route.kind === 'apiGroupList') body = apiGroupList();
  else if (route.kind === 'apiGroup') body = apiGroupDocument(route.group);
  else if (route.kind === 'resourceList') body = apiResourceList(route.group, route.version);
  if (body === undefined) throw new KubeError(404, 'the server could not find the requested resource', 'NotFound');
  return { status: 200, body };
}

/** Like a real cluster, anonymous requests may read the version and health checks; a wrong token may not. */
function isPublic(route: Route, method: string): boolean {
  return method === 'GET' && (route.kind === 'version' || route.kind === 'health');
}

function dispatch(store: ObjectStore, request: ResourceRequest): Reply {
  const item = request.route.name !== undefined;
  switch (request.method) {
    case 'GET':
      return item ? get(store, request) : list(store, request);
    case 'POST':
      if (item) throw methodNotAllowed();
      return create(store, request);
    case 'PUT':
      if (!item) throw methodNotAllowed();
      return replace(store, request);
    case 'PATCH':
      if (!item) throw methodNotAllowed();
      return patch(store, request);
    case 'DELETE':
      return item ? remove(store, request) : removeCollection(store, request);
    default:
      throw methodNotAllowed();
  }
}

interface Incoming {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string;
  raw: string;
  headers: IncomingHttpHeaders;
}

export class FakeKubeServer implements FakeKube {
  readonly calls: RecordedCall[] = [];
  url = '';
  kubeconfig = '';
  private readonly store = new ObjectStore();
  private readonly faults = new FaultBook();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; cancel: () => void }>();
  private readonly server: Server;
  private readonly token: string;
  private readonly tokenDelayMs: number | undefined;
  private port = 0;
  private closed = false;

  constructor(options: FakeKubeOptions = {}) {
    this.token = options.token ?? DEFAULT_TOKEN;
    this.tokenDelayMs = options.tokenController === false ? undefined : (options.tokenController?.delayMs ?? 0);
    seedNamespaces(this.store, options.namespaces ?? DEFAULT_NAMESPACES);
    this.server = createServer((request, response) => {
      this.handle(request, response).catch(() => response.destroy());
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    await this.listen(0);
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
    this.kubeconfig = kubeconfigFor(this.url, this.token);
    return this;
  }

  objects(): KubeObject[] {
    return this.store.all();
  }

  get(ref: ObjectRef): KubeObject | undefined {
    return getObject(this.store, ref);
  }

  put(object: KubeObject): KubeObject {
    return putObject(this.store, object);
  }

  edit(ref: ObjectRef, mutate: (object: KubeObject) => void, manager?: string): void {
    editObject(this.store, ref, mutate, manager);
  }

  remove(ref: ObjectRef): boolean {
    return removeObject(this.store, ref);
  }

  fault(rule: FaultRule): void {
    this.faults.add(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  async down(): Promise<void> {
    const closed = this.server.listening
      ? new Promise<void>((resolve) => this.server.close(() => resolve()))
      : Promise.resolve();
    this.dropConnections();
    await closed;
  }

  async up(): Promise<void> {
    if (this.closed) throw new Error('fake-kube: up() after close()');
    if (!this.server.listening) await this.listen(this.port);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.down();
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  private dropConnections(): void {
    for (const pending of this.timers) pending.cancel();
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.server.closeAllConnections();
  }

  /** Resolves true after `ms`, or false when the server goes down first. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const pending = {
        timer: setTimeout(() => {
          this.timers.delete(pending);
          resolve(true);
        }, ms),
        cancel: () => {
          clearTimeout(pending.timer);
          resolve(false);
        },
      };
      this.timers.add(pending);
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request).catch(() => '');
    const url = new URL(request.url ?? '/', 'http://fake-kube');
    const incoming: Incoming = {
      method: (request.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: mediaType(request.headers['content-type']),
      raw,
      headers: request.headers,
    };
    const call: RecordedCall = {
      method: incoming.method,
      path: incoming.path,
      query: incoming.query,
      status: 0,
      at: Date.now(),
    };
    if (request.headers['content-type'] !== undefined) call.contentType = request.headers['content-type'];
    if (raw !== '') call.body = recordedBody(raw, incoming.contentType);
    this.calls.push(call);

    const rule = this.faults.take(incoming.method, incoming.path);
    if (rule?.delayMs !== undefined && !(await this.sleep(rule.delayMs))) return;
    const reply =
      rule && failsRequest(rule) ? { status: rule.status ?? 500, body: faultStatus(rule) } : this.serve(incoming, call);
    call.status = reply.status;
    if (incoming.method !== 'GET' && reply.status < 300 && TOKEN_WRITES.test(incoming.path)) this.runTokenController();
    const headers: Record<string, string> = {
      'Content-Type': reply.text === undefined ? 'application/json' : 'text/plain; charset=utf-8',
    };
    if (reply.status === 429) headers['Retry-After'] = '1';
    response.writeHead(reply.status, headers);
    response.end(reply.text ?? JSON.stringify(reply.body));
  }

  private runTokenController(): void {
    if (this.tokenDelayMs === undefined) return;
    void this.sleep(this.tokenDelayMs).then((awake) => awake && fillServiceAccountTokens(this.store));
  }

  private authenticate(incoming: Incoming, route: Route): Identity | undefined {
    const authorization = incoming.headers.authorization;
    const identity = identify(this.store, authorization, this.token);
    const anonymousOk = authorization === undefined && isPublic(route, incoming.method);
    if (!identity && !anonymousOk) throw new KubeError(401, 'Unauthorized', 'Unauthorized');
    return identity;
  }

  private serve(incoming: Incoming, call: RecordedCall): Reply {
    try {
      const route = parseRoute(incoming.path);
      const identity = this.authenticate(incoming, route);
      if (identity) call.user = identity.user;
      if (route.kind === 'notFound')
        throw new KubeError(404, 'the server could not find the requested resource', 'NotFound');
      if (route.kind !== 'resource') {
        if (incoming.method !== 'GET') throw methodNotAllowed();
        return discovery(route, `127.0.0.1:${this.port}`);
      }
      const checked = identity ? authorize(this.store, identity, { ...incoming, route }) : [];
      if (identity?.serviceAccount) call.rights = checked.map((right) => rightName(right));
      const userAgent = String(incoming.headers['user-agent'] ?? '');
      return dispatch(this.store, { ...incoming, route, userAgent });
    } catch (error) {
      if (error instanceof KubeError) return { status: error.code, body: error.toStatus() };
      return { status: 500, body: failureStatus(500, `Internal error occurred: ${(error as Error).message}`) };
    }
  }
}
