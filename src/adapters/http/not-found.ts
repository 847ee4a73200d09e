/**
 * What meshbridge answers when no route matched the request (Fastify's not-found handler,
 * which runs only then: a served route always wins):
 * - a path meshbridge serves, asked with another method: 405 with `Allow`;
 * - a path EMCO has and meshbridge does not serve: 404 `NotServedByMeshbridge`, naming the
 *   EMCO component that owns it and what to do (`core/model/emco-paths/`);
 * - anything else: the ordinary 404 `NotFound`.
 * Each depends on the path's shape only, never on what is stored. The status codes are
 * decided in `errors.ts`, like every other.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MethodNotAllowedError, NotFoundError, type DomainError } from '../../core/errors.js';
import { findEmcoPath, notServedError, pathAfterV2 } from '../../core/model/emco-paths/lookup.js';
import { compilePattern, matchPattern, pathSegments, type PathPattern } from '../../core/model/emco-paths/match.js';

export interface ServedRoute {
  method: string;
  /** Fastify's pattern: `/v2/projects/:project`. */
  url: string;
}

/** Every route the server registered, to tell "no such path" from "not with this method". */
export class ServedRoutes {
  private readonly routes: (ServedRoute & { pattern: PathPattern })[] = [];

  add(method: string | string[], url: string): void {
    for (const one of [method].flat()) this.routes.push({ method: one, url, pattern: compilePattern(url) });
  }

  list(): readonly ServedRoute[] {
    return this.routes.map(({ method, url }) => ({ method, url }));
  }

  /** The methods some route serves on `path`, sorted; [] when none has the path. */
  methodsOn(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) if (matchPattern(route.pattern, path) !== undefined) methods.add(route.method);
    // Fastify answers HEAD wherever it answers GET.
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }
}

function pathOf(url: string): string {
  return `/${pathSegments(url).join('/')}`;
}

function methodNotAllowed(method: string, url: string, allowed: string[]): MethodNotAllowedError {
  const path = pathOf(url);
  const after = pathAfterV2(url);
  const emco = after === undefined ? undefined : findEmcoPath(after);
  const emcoHasIt = emco !== undefined && emco.methods.includes(method);
  const also = emcoHasIt ? ` EMCO's ${emco.component.title} has ${method} here, and meshbridge does not.` : '';
  return new MethodNotAllowedError(
    `${method} is not served on ${path}; meshbridge serves ${allowed.join(', ')} there.${also}`,
    allowed,
  );
}

/** The error for a request no route matched. */
export function unmatchedRequestError(method: string, url: string, served: ServedRoutes): DomainError {
  const allowed = served.methodsOn(url);
  if (allowed.length > 0) return methodNotAllowed(method, url, allowed);
  return notServedError(method, url) ?? new NotFoundError(`no such path: ${method} ${url.split(/[?#]/)[0]}`);
}

const servedBy = new WeakMap<FastifyInstance, ServedRoutes>();

/** The routes `app` registered after `registerNotFound` (for tests that walk every route). */
export function servedRoutesOf(app: FastifyInstance): ServedRoutes | undefined {
  return servedBy.get(app);
}

/** Call before any route is added: routes are collected as they are registered. */
export function registerNotFound(app: FastifyInstance): ServedRoutes {
  const served = new ServedRoutes();
  servedBy.set(app, served);
  app.addHook('onRoute', (route) => served.add(route.method, route.url));
  app.setNotFoundHandler(async (request: FastifyRequest) => {
    throw unmatchedRequestError(request.method, request.url, served);
  });
  return served;
}
