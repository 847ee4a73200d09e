/** How stored resources are shown: canonical body, write-only fields redacted, version as ETag. */
import { kindOf } from '../../core/model/registry.js';
import { redact } from '../../core/model/secrets.js';
import type { StoredResource } from '../../service/store.js';
import type { WriteResult } from '../../service/resource-service.js';
import type { Answer } from './route.js';

export function view(resource: StoredResource) {
  return redact(kindOf(resource.kind), resource.body);
}

export function etag(resource: StoredResource): string {
  return `"${resource.version}"`;
}

export function answerOne(resource: StoredResource, status = 200, headers: Record<string, string> = {}): Answer {
  return {
    status,
    headers: { ...headers, etag: etag(resource), 'content-location': `/v2/${resource.key}` },
    body: view(resource),
  };
}

export function answerWrite(result: WriteResult): Answer {
  const created = result.outcome === 'created';
  return answerOne(result.resource, created ? 201 : 200, {
    'meshbridge-outcome': result.outcome,
    ...(created ? { location: `/v2/${result.resource.key}` } : {}),
  });
}

export function answerList(resources: StoredResource[]): Answer {
  return { status: 200, headers: {}, body: resources.map(view) };
}

export const NO_CONTENT: Answer = { status: 204, headers: {} };
