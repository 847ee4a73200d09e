/**
 * With authentication off, the API trusts whoever reaches 127.0.0.1 — so a web page the operator
 * opens must not reach it through their browser. A cross-site form POST (multipart is a CORS
 * "simple request") carries an `Origin`; a DNS-rebinding page carries its own name in `Host`.
 * Either one not naming a loopback host is refused before anything runs. The CLI sends no
 * `Origin`, and a page served by meshbridge itself is same-origin.
 */
import type { FastifyRequest } from 'fastify';
import { ForbiddenError } from '../../core/errors.js';

const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?$/i;

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

export function rejectCrossSite(request: FastifyRequest, authenticationOff: boolean): void {
  if (!authenticationOff) return;
  const host = request.headers.host ?? '';
  if (!LOOPBACK_HOST.test(host))
    throw new ForbiddenError('authentication is off: only requests to a loopback host name are served');
  const origin = request.headers.origin;
  if (origin === undefined) return;
  const from = originHost(origin);
  if (from === undefined || !LOOPBACK_HOST.test(from))
    throw new ForbiddenError('authentication is off: requests from other sites (Origin) are refused');
}
