/** How stored resources are shown: canonical body, write-only fields redacted, version as ETag. */
import type { FastifyReply } from 'fastify';
import { kindOf } from '../../core/model/registry.js';
import { redact } from '../../core/model/secrets.js';
import type { StoredResource } from '../../service/store.js';
import type { WriteResult } from '../../service/resource-service.js';

export function view(resource: StoredResource) {
  return redact(kindOf(resource.kind), resource.body);
}

export function etag(resource: StoredResource): string {
  return `"${resource.version}"`;
}

export function sendOne(reply: FastifyReply, resource: StoredResource, status = 200) {
  return reply
    .status(status)
    .header('etag', etag(resource))
    .header('content-location', `/v2/${resource.key}`)
    .send(view(resource));
}

export function sendWrite(reply: FastifyReply, result: WriteResult) {
  reply.header('meshbridge-outcome', result.outcome);
  if (result.outcome === 'created') reply.header('location', `/v2/${result.resource.key}`);
  return sendOne(reply, result.resource, result.outcome === 'created' ? 201 : 200);
}

export function sendList(reply: FastifyReply, resources: StoredResource[]) {
  return reply.status(200).send(resources.map(view));
}
