import { describe, expect, test } from 'vitest';
import { prepareIssues } from '../../test-support/prepare-issues.js';
import { cloudNamespace, logicalCloudKind } from './tenancy.js';

const context = { parentKey: 'projects/proj1', params: { project: 'proj1' } };

const issuesOf = (raw: unknown) => prepareIssues(logicalCloudKind, raw, context);

describe('logical cloud levels (EMCO DCM)', () => {
  test('an admin cloud (level "0") needs no namespace, and its services live in \'default\'', () => {
    const body = { metadata: { name: 'default' }, spec: { level: '0' } };
    expect(issuesOf(body)).toEqual([]);
    expect(cloudNamespace(body)).toBe('default');
  });

  test('an admin cloud that names a namespace renders into it', () => {
    expect(cloudNamespace({ metadata: { name: 'a' }, spec: { level: '0', namespace: 'edge' } })).toBe('edge');
  });

  test('a standard cloud, with level "1" or none, must name its namespace', () => {
    for (const spec of [{}, { level: '1' }]) {
      expect(issuesOf({ metadata: { name: 'std' }, spec })).toEqual([
        expect.objectContaining({ path: 'spec.namespace' }),
      ]);
    }
    expect(issuesOf({ metadata: { name: 'std' }, spec: { namespace: 'ns1' } })).toEqual([]);
  });

  test('a level other than "0" or "1" is named', () => {
    expect(issuesOf({ metadata: { name: 'x' }, spec: { level: '2', namespace: 'ns' } })).toEqual([
      expect.objectContaining({ path: 'spec.level' }),
    ]);
  });
});
