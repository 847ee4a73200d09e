import { expect, test } from 'vitest';
import { resolveGateway } from './gateway.js';

const kv = (name: string, ...entries: Record<string, string>[]) => ({
  name,
  body: { metadata: { name }, spec: { kv: entries } },
});

test('the spec gateway wins, and a disagreeing kv-pair is reported', () => {
  const cluster = { spec: { mesh: { gateway: { address: '10.0.0.1', port: 32001, internalPort: 15443 } } } };
  expect(resolveGateway(cluster, [kv('gw', { istioIngressGatewayAddress: '10.0.0.2' })])).toEqual({
    address: '10.0.0.1',
    port: 32001,
    internalPort: 15443,
    source: 'spec.mesh.gateway',
    warnings: ['kv-pairs/gw says istioIngressGatewayAddress=10.0.0.2; spec.mesh.gateway.address wins'],
  });
});

test('EMCO kv-pairs give the gateway when the spec has none, searched across every kv-pair resource', () => {
  const pairs = [
    kv('other', { foo: 'bar' }),
    kv(
      'gw',
      { istioIngressGatewayAddress: '172.25.55.50' },
      { istioIngressGatewayPort: '32001' },
      { istioIngressGatewayInternalPort: '15443' },
    ),
  ];
  expect(resolveGateway({ spec: {} }, pairs)).toEqual({
    address: '172.25.55.50',
    port: 32001,
    internalPort: 15443,
    source: 'kv-pairs/gw',
    warnings: [],
  });
});

test('no gateway at all is said plainly', () => {
  expect(resolveGateway({}, [])).toMatchObject({ address: null, source: 'none', port: 15443 });
});
