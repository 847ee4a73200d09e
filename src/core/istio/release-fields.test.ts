import { describe, expect, test } from 'vitest';
import { releaseFieldIssues } from './release-fields.js';
import { validateObject } from './validate.js';

const rule = (spec: Record<string, unknown>) => ({
  apiVersion: 'networking.istio.io/v1alpha3',
  kind: 'DestinationRule',
  metadata: { name: 'r', namespace: 'ns' },
  spec: { host: 'h.ns.svc.cluster.local', ...spec },
});

describe('fields a release does not have', () => {
  test('a 1.7 DestinationRule with workloadSelector is caught; the same on 1.14 is not', () => {
    const object = rule({ workloadSelector: { matchLabels: { app: 'a' } }, exportTo: ['.'] });
    expect(validateObject(object, { istioMinor: 7 })).toEqual([
      {
        path: 'spec.workloadSelector',
        message: "is not in Istio 1.7's CRD (it came in 1.14): the API server drops it",
      },
    ]);
    expect(validateObject(object, { istioMinor: 14 })).toEqual([]);
  });

  test('ringHash before 1.16, LEAST_REQUEST before 1.14, credentialName before 1.7, also under port settings', () => {
    const object = rule({
      trafficPolicy: {
        loadBalancer: { simple: 'LEAST_REQUEST' },
        portLevelSettings: [
          { port: { number: 80 }, loadBalancer: { consistentHash: { ringHash: { minimumRingSize: 8 } } } },
        ],
        tls: { mode: 'SIMPLE', credentialName: 'c' },
      },
    });
    expect(releaseFieldIssues(object, 5).map((issue) => issue.path)).toEqual([
      'spec.trafficPolicy.loadBalancer.simple',
      'spec.trafficPolicy.portLevelSettings[0].loadBalancer.consistentHash.ringHash',
      'spec.trafficPolicy.tls.credentialName',
    ]);
    expect(releaseFieldIssues(object, 15).map((issue) => issue.path)).toEqual([
      'spec.trafficPolicy.portLevelSettings[0].loadBalancer.consistentHash.ringHash',
    ]);
    expect(releaseFieldIssues(object, 16)).toEqual([]);
  });

  test('LEAST_CONN is no issue on any release', () => {
    expect(releaseFieldIssues(rule({ trafficPolicy: { loadBalancer: { simple: 'LEAST_CONN' } } }), 5)).toEqual([]);
  });
});
