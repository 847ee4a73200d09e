/**
 * The NetworkPolicy of one inbound intent, structurally: which clusters get it, its name, its peers and
 * its port, and the diagnostics where EMCO's controller would render none (or fail).
 */
import { describe, expect, test } from 'vitest';
import type { ClientSpec } from '../../model/clients.js';
import type { InboundSpec } from '../../model/inbound.js';
import { validateObject } from '../../istio/validate.js';
import type { K8sObject } from '../../istio/objects.js';
import type { ClientModel, ServiceModel } from '../services.js';
import type { ClusterFacts } from '../snapshot.js';
import type { GroupInfo, Placement } from '../topology.js';
import { NETWORK_POLICY_LABEL, networkPolicyName, renderNetworkPolicies } from './network-policy.js';

const GROUP_KEY = 'projects/p/composite-apps/ca/v1/deployment-intent-groups/dig';

const cluster = (name: string, labels: string[] = [NETWORK_POLICY_LABEL]): ClusterFacts =>
  ({
    key: `cluster-providers/edge/clusters/${name}`,
    provider: 'edge',
    name,
    labels,
    body: { metadata: { name }, spec: {} },
  }) as unknown as ClusterFacts;

const group = { key: GROUP_KEY, project: 'p', compositeApp: 'ca', compositeAppVersion: 'v1', name: 'dig' } as GroupInfo;

const placement = (where: ClusterFacts, app: string, namespace = 'shop'): Placement => ({
  cluster: where,
  namespace,
  logicalCloud: 'lc',
  group,
  app,
  serviceAccount: app,
});

function client(app: string, spec: Partial<ClientSpec> = {}, placements: Placement[] = []): ClientModel {
  return {
    key: `${GROUP_KEY}/traffic-group-intents/testdtc/inbound-intents/serverin/clients/${app}`,
    name: app,
    spec: {
      app,
      appLabel: `app=${app}`,
      serviceName: app,
      type: 'istio',
      headless: false,
      namespaces: [],
      cidrs: [],
      serviceAccountAccess: {},
      ...spec,
    },
    placements,
    accessPoints: [],
  };
}

function service(spec: Partial<InboundSpec>, servers: Placement[], clients: ClientModel[]): ServiceModel {
  return {
    key: `${GROUP_KEY}/traffic-group-intents/testdtc/inbound-intents/serverin`,
    name: 'serverin',
    group,
    namespace: 'shop',
    spec: {
      app: 'http-server',
      appLabel: 'app=http-server',
      serviceName: 'http-service',
      port: 3333,
      protocol: 'TCP',
      headless: false,
      serviceMesh: 'none',
      management: { sidecarProxy: true, tlsType: 'MUTUAL' },
      namespaces: [],
      serviceAccountAccess: {},
      ...spec,
    },
    servers,
    clients,
    ports: [],
  };
}

const labelled = cluster('cluster1');
const plain = cluster('cluster2', ['edge-cluster2']);

describe('renderNetworkPolicies', () => {
  test("EMCO's policy: in labelled clusters only, named <traffic group>-<intent>, client pods and 0.0.0.0/0 on the port", () => {
    const output = renderNetworkPolicies(
      service({}, [placement(labelled, 'http-server'), placement(plain, 'http-server')], [client('http-client')]),
    );
    expect([...output.byCluster.keys()]).toEqual([labelled.key]);
    const [policy] = output.byCluster.get(labelled.key) ?? [];
    expect(policy).toMatchObject({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'testdtc-serverin', namespace: 'shop', labels: { 'meshbridge.io/intent': 'serverin' } },
      spec: {
        podSelector: { matchLabels: { app: 'http-server' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { app: 'http-client' } } }, { ipBlock: { cidr: '0.0.0.0/0' } }],
            ports: [{ protocol: 'TCP', port: 3333 }],
          },
        ],
      },
    });
    expect(validateObject(policy as unknown as K8sObject)).toEqual([]);
    expect(output.diagnostics).toEqual([]);
  });

  test('clients in another namespace of the cluster, listed namespaces, and with externalSupport the cidrs instead of 0.0.0.0/0', () => {
    const elsewhere = placement(labelled, 'sleep', 'tools');
    const output = renderNetworkPolicies(
      service(
        { externalSupport: true, externalName: 'web.example.com', protocol: 'UDP', targetPort: 5353 },
        [placement(labelled, 'http-server')],
        [
          client('sleep', { namespaces: ['ops'], cidrs: ['10.0.0.7', '192.168.0.0/16'] }, [
            elsewhere,
            placement(plain, 'sleep', 'far'),
          ]),
        ],
      ),
    );
    const [policy] = output.byCluster.get(labelled.key) ?? [];
    expect(policy?.spec).toMatchObject({
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { app: 'sleep' } } },
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tools' } },
              podSelector: { matchLabels: { app: 'sleep' } },
            },
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } } },
            { ipBlock: { cidr: '10.0.0.7/32' } },
            { ipBlock: { cidr: '192.168.0.0/16' } },
          ],
          ports: [{ protocol: 'UDP', port: 5353 }],
        },
      ],
    });
    expect(validateObject(policy as unknown as K8sObject)).toEqual([]);
  });

  test('no clients: no policy, as in EMCO, and a diagnostic that says so', () => {
    const output = renderNetworkPolicies(service({}, [placement(labelled, 'http-server')], []));
    expect(output.byCluster.size).toBe(0);
    expect(output.diagnostics).toEqual([expect.objectContaining({ code: 'NetworkPolicyWithoutClients' })]);
  });

  test('a client appLabel Kubernetes cannot select by is left out, by name', () => {
    const output = renderNetworkPolicies(
      service({}, [placement(labelled, 'http-server')], [client('odd', { appLabel: 'not a label' }), client('ok')]),
    );
    const [policy] = output.byCluster.get(labelled.key) ?? [];
    expect(JSON.stringify(policy?.spec)).not.toContain('odd');
    expect(output.diagnostics).toEqual([
      expect.objectContaining({ code: 'NetworkPolicyClientSkipped', message: expect.stringContaining('client odd') }),
    ]);
  });

  test('with externalSupport and no caller it can name, the policy admits nobody: an empty `from` would admit all', () => {
    const output = renderNetworkPolicies(
      service(
        { externalSupport: true },
        [placement(labelled, 'http-server')],
        [client('odd', { appLabel: 'not a label' })],
      ),
    );
    const [policy] = output.byCluster.get(labelled.key) ?? [];
    expect(policy?.spec).toEqual({
      podSelector: { matchLabels: { app: 'http-server' } },
      policyTypes: ['Ingress'],
      ingress: [],
    });
    expect(validateObject(policy as unknown as K8sObject)).toEqual([]);
    expect(output.diagnostics.map((diagnostic) => diagnostic.code)).toEqual([
      'NetworkPolicyClientSkipped',
      'NetworkPolicyNoCallers',
    ]);
  });

  test('names EMCO would give that Kubernetes refuses become a stable valid name', () => {
    const odd = {
      ...service({}, [], []),
      key: `${GROUP_KEY}/traffic-group-intents/My_DTC/inbound-intents/Server.In`,
      name: 'Server.In',
    };
    const name = networkPolicyName(odd);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    expect(networkPolicyName(odd)).toBe(name);
  });
});
