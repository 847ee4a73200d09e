/**
 * The API in this process, without a server or a socket: the same routes Fastify serves
 * (`route.ts`), run on a request given as method, URL, document and upload, and answered
 * as the server answers (status, headers, the body's text). Offline rendering
 * (`meshbridge render -f`) applies its files and renders through it, so what a user sees
 * offline, errors included, is what a server would have said. Nothing here loads Fastify.
 *
 * What stays the server's own: authentication, the access policy and the audit log (no
 * one else shares this process), and the limits on concurrent large bodies.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { DomainError } from '../../core/errors.js';
import { compilePattern, literalCount, matchPattern, type PathPattern } from '../../core/model/emco-paths/match.js';
import { jsonDocument, multipartDocument, partName, type RequestDocument } from './body.js';
import { errorAnswer } from './errors.js';
import { parseJsonText } from './json-text.js';
import { ServedRoutes, unmatchedRequestError } from './not-found.js';
import type { Answer, Route, RouteInput } from './route.js';

export interface InProcessRequest {
  method: string;
  /** As a client would send it: `/v2/...`, percent-encoded, with its query. */
  url: URL;
  /** The document, as a client would send it as JSON (or as the `metadata` part with an upload). */
  body?: unknown;
  /** A file sent with the document, as emcoctl's multipart upload sends it. */
  upload?: string;
  ifMatch?: string;
}

export interface InProcessAnswer {
  status: number;
  headers: Record<string, string>;
  /** The body as the server would send it. */
  text: string;
}

/** A path segment as Fastify hands it to a route: decoded (kept as sent when it is not valid percent-encoding). */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The request's document as the server reads it: JSON measured and parsed, or the multipart parts. */
async function documentOf(request: InProcessRequest): Promise<RequestDocument> {
  const json = request.body === undefined ? undefined : JSON.stringify(request.body);
  if (request.upload === undefined) return jsonDocument(json === undefined ? undefined : await parseJsonText(json));
  const raw = json === undefined ? undefined : await parseJsonText(json, partName('metadata'));
  const file = {
    fileName: basename(request.upload),
    contentType: 'application/octet-stream',
    data: await readFile(request.upload),
  };
  return multipartDocument(raw, file);
}

function textOf(body: unknown): string {
  if (body === undefined) return '';
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return JSON.stringify(body);
}

interface CompiledRoute {
  route: Route;
  pattern: PathPattern;
}

export class InProcessApi {
  private readonly routes: CompiledRoute[];
  private readonly served = new ServedRoutes();

  constructor(routes: readonly Route[]) {
    this.routes = routes.map((route) => ({ route, pattern: compilePattern(route.url) }));
    for (const route of routes) this.served.add(route.method, route.url);
  }

  async exchange(request: InProcessRequest): Promise<InProcessAnswer> {
    const answer = await this.answer(request).catch((error: unknown) => {
      if (error instanceof DomainError) return errorAnswer(error);
      throw error;
    });
    return { status: answer.status, headers: answer.headers, text: textOf(answer.body) };
  }

  private async answer(request: InProcessRequest): Promise<Answer> {
    const { pathname, search } = request.url;
    const found = this.match(request.method, pathname);
    if (found === undefined) throw unmatchedRequestError(request.method, `${pathname}${search}`, this.served);
    const input: RouteInput = {
      params: Object.fromEntries(Object.entries(found.params).map(([name, value]) => [name, decoded(value)])),
      query: Object.fromEntries(request.url.searchParams),
      ifMatch: request.ifMatch,
      document: () => documentOf(request),
    };
    return found.route.run(input);
  }

  /** The route for the path; where several match, the one with more fixed segments, as a router picks. */
  private match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
    for (const { route, pattern } of this.routes) {
      if (route.method !== method) continue;
      const params = matchPattern(pattern, path);
      const literals = literalCount(pattern);
      if (params !== undefined && (best === undefined || literals > best.literals)) best = { route, params, literals };
    }
    return best;
  }
}
