/**
 * The fake's stand-in for kube-controller-manager's token controller: a Secret of type
 * `kubernetes.io/service-account-token` whose `kubernetes.io/service-account.name` annotation
 * names a ServiceAccount of its namespace gets `data.token`, `data["ca.crt"]` and
 * `data.namespace`, and the ServiceAccount's uid as an annotation, as Kubernetes still does
 * for such Secrets made by hand (it stopped making them itself in 1.24). A Secret naming no
 * ServiceAccount is left empty (the real controller deletes it).
 *
 * It runs after every write (the server schedules it, so a client sees the Secret empty first).
 */
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { managedContent } from './apply.js';
import { RESOURCE_TYPES, type ResourceType } from './discovery.js';
import { isPlainObject } from './fields.js';
import { SERVICE_ACCOUNT_ANNOTATION, TOKEN_SECRET_TYPE } from './rbac.js';
import type { ObjectStore } from './store.js';

/** What the fake puts in `ca.crt`: a PEM-shaped placeholder (the fake serves plain HTTP, there is no real CA). */
export const FAKE_CA_PEM = '-----BEGIN CERTIFICATE-----\nZmFrZS1rdWJlIENB\n-----END CERTIFICATE-----\n';

const SECRET = RESOURCE_TYPES.find((type) => type.kind === 'Secret' && type.group === '') as ResourceType;
const SERVICE_ACCOUNT = RESOURCE_TYPES.find((type) => type.kind === 'ServiceAccount') as ResourceType;

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Fills every token Secret that waits for its token; returns how many it filled. */
export function fillServiceAccountTokens(store: ObjectStore): number {
  let filled = 0;
  for (const secret of store.list(SECRET)) {
    const data = isPlainObject(secret.data) ? secret.data : {};
    const namespace = secret.metadata.namespace;
    const account = secret.metadata.annotations?.[SERVICE_ACCOUNT_ANNOTATION];
    if (secret.type !== TOKEN_SECRET_TYPE || typeof data.token === 'string' || account === undefined) continue;
    const serviceAccount = store.find(SERVICE_ACCOUNT, namespace, account);
    if (!serviceAccount) continue;
    const content = managedContent(secret);
    const metadata = isPlainObject(content.metadata) ? content.metadata : {};
    const annotations = isPlainObject(metadata.annotations) ? metadata.annotations : {};
    store.commit({
      type: SECRET,
      apiVersion: 'v1',
      ...(namespace === undefined ? {} : { namespace }),
      name: secret.metadata.name,
      content: {
        ...content,
        metadata: {
          ...metadata,
          annotations: { ...annotations, 'kubernetes.io/service-account.uid': String(serviceAccount.metadata.uid) },
        },
        data: {
          ...data,
          token: base64(`fake-sa-${randomBytes(24).toString('base64url')}`),
          'ca.crt': base64(FAKE_CA_PEM),
          namespace: base64(namespace ?? ''),
        },
      },
      managedFields: secret.metadata.managedFields ?? [],
    });
    filled += 1;
  }
  return filled;
}
