import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { prepareIssues } from '../../test-support/prepare-issues.js';
import { formatPath } from '../validation/path.js';
import { CLUSTER_QUOTA_KEYS, clusterQuotaKind, userPermissionKind } from './cloud-access.js';
import { prepareBody } from './prepare.js';

const context = { parentKey: 'projects/proj1/logical-clouds/lc1', params: { project: 'proj1', logicalCloud: 'lc1' } };

describe('user permission (EMCO DCM UPSpec)', () => {
  test("EMCO's example permission is accepted and stored as sent", () => {
    const body = {
      metadata: { name: 'permission-1', description: 'primary' },
      spec: { namespace: 'ns1', apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
    };
    expect(prepareBody(userPermissionKind, body, context)).toEqual(body);
  });

  test('the core API group "" is a group; no namespace (a ClusterRole in EMCO) and no lists are fine', () => {
    expect(
      prepareIssues(
        userPermissionKind,
        { metadata: { name: 'p' }, spec: { apiGroups: ['', 'apps'], resources: ['pods'], verbs: ['get', 'list'] } },
        context,
      ),
    ).toEqual([]);
    expect(prepareIssues(userPermissionKind, { metadata: { name: 'p' }, spec: {} }, context)).toEqual([]);
  });

  test('every bad field is named: a namespace that is not one, a verb too long, a resource that is not a string, extras', () => {
    const issues = prepareIssues(
      userPermissionKind,
      {
        metadata: { name: 'p' },
        spec: {
          namespace: 'Not_A_Namespace',
          resources: [{ name: 'pods' }],
          verbs: ['x'.repeat(254)],
          roles: ['admin'],
        },
      },
      context,
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'spec.namespace',
      'spec.resources[0]',
      'spec.roles',
      'spec.verbs[0]',
    ]);
  });
});

describe('cluster quota (EMCO DCM cluster-quota.json)', () => {
  const cloud = (level: string) => ({ metadata: { name: 'lc1' }, spec: { level, namespace: 'ns1' } });

  test("every key of EMCO's schema is accepted with a string value", () => {
    const spec = Object.fromEntries(CLUSTER_QUOTA_KEYS.map((key, index) => [key, String(index + 1)]));
    expect(prepareBody(clusterQuotaKind, { metadata: { name: 'q' }, spec }, context).spec).toEqual(spec);
    expect(CLUSTER_QUOTA_KEYS).toContain('count/deployments.apps');
    expect(CLUSTER_QUOTA_KEYS).toHaveLength(23);
  });

  test('any key outside the schema is refused by name (an allow-list), whatever its value', () => {
    const known = new Set<string>(CLUSTER_QUOTA_KEYS);
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }).filter((key) => !known.has(key)),
        fc.string({ minLength: 1, maxLength: 20 }),
        (key, value) => {
          const issues = prepareIssues(clusterQuotaKind, { metadata: { name: 'q' }, spec: { [key]: value } }, context);
          expect(issues.map((issue) => issue.path)).toContain(formatPath(['spec', key]));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a value is a string of at most 128 characters (EMCO: maxLength 128); a YAML number is taken as its text', () => {
    expect(prepareBody(clusterQuotaKind, { metadata: { name: 'q' }, spec: { pods: 10 } }, context).spec).toEqual({
      pods: '10',
    });
    const issues = prepareIssues(
      clusterQuotaKind,
      { metadata: { name: 'q' }, spec: { pods: ['10'], 'limits.cpu': { cores: 2 }, secrets: 'x'.repeat(129) } },
      context,
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual(['spec.pods', 'spec.secrets', 'spec["limits.cpu"]']);
  });

  test('an admin (level "0") cloud takes no quota, as EMCO refuses it; a standard one does', () => {
    const body = { metadata: { name: 'q' }, spec: { pods: '10' } };
    expect(clusterQuotaKind.fitParent?.(body, cloud('0')).issues).toEqual([
      expect.objectContaining({ path: 'spec', message: expect.stringContaining('admin (level "0")') }),
    ]);
    expect(clusterQuotaKind.fitParent?.(body, cloud('1'))).toEqual({ body, issues: [] });
    expect(clusterQuotaKind.fitParent?.(body, { metadata: { name: 'lc' }, spec: { namespace: 'n' } }).issues).toEqual(
      [],
    );
  });
});
