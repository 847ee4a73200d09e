import { expect, test } from 'vitest';
import { itemPathOf } from './addresses.js';

test.each([
  ['cluster-providers', { metadata: { name: 'edge' } }, 'cluster-providers/edge'],
  [
    '/v2/projects/p/composite-apps/',
    { metadata: { name: 'ca' }, spec: { compositeAppVersion: 'v1' } },
    'projects/p/composite-apps/ca/v1',
  ],
  ['cluster-providers/p/clusters/c/labels', { clusterLabel: 'edge' }, 'cluster-providers/p/clusters/c/labels/edge'],
  [
    'projects/p/composite-apps/ca/v1/traffic-group-intent/outbound-intents',
    { metadata: { name: 'c' }, spec: { inboundServiceName: 'httpbin' } },
    'projects/p/composite-apps/ca/v1/traffic-group-intent/outbound-intents/httpbin/c',
  ],
  [
    'projects/p/composite-apps/ca/v1/traffic-group-intent/outbound-intents/httpbin',
    { metadata: { name: 'c' } },
    'projects/p/composite-apps/ca/v1/traffic-group-intent/outbound-intents/httpbin/c',
  ],
  ['projects', {}, undefined],
  ['projects/p/composite-apps', { metadata: { name: 'ca' } }, undefined],
])('%s + %j is found at %s', (anchor, body, expected) => {
  expect(itemPathOf({ anchor, body })).toBe(expected);
});
