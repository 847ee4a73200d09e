import { describe, expect, test } from 'vitest';
import { prepareIssues } from '../../test-support/prepare-issues.js';
import { deploymentIntentGroupKind } from './apps.js';
import { prepareBody } from './prepare.js';
import { appProfileKind, compositeProfileKind } from './profiles.js';

const params = { project: 'proj1', compositeApp: 'ca', compositeAppVersion: 'v1' };
const compositeApp = 'projects/proj1/composite-apps/ca/v1';
const context = { parentKey: compositeApp, params };
const profileContext = {
  parentKey: `${compositeApp}/composite-profiles/cp`,
  params: { ...params, compositeProfile: 'cp' },
};

describe('composite profile (EMCO CompositeProfile)', () => {
  test('metadata is all it has, as in emcoctl files', () => {
    const body = { metadata: { name: 'collection-composite-profile', description: 'test', userData1: 'test1' } };
    expect(prepareBody(compositeProfileKind, body, context)).toEqual(body);
    expect(prepareIssues(compositeProfileKind, { metadata: { name: 'cp' }, spec: { app: 'x' } }, context)).toEqual([
      expect.objectContaining({ path: 'spec.app' }),
    ]);
  });
});

describe('app profile (EMCO AppProfile)', () => {
  test('names its app in spec.app, the JSON name of AppProfileSpec.AppName', () => {
    const body = { metadata: { name: 'http-client-profile' }, spec: { app: 'http-client' } };
    expect(prepareBody(appProfileKind, body, profileContext)).toEqual(body);
    expect(
      prepareIssues(appProfileKind, { metadata: { name: 'p' }, spec: { appName: 'http-client' } }, profileContext),
    ).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'spec.app' })]));
  });

  test('is unique per app within its composite profile, as EMCO refuses a second one ("App already has an AppProfile")', () => {
    const unique = appProfileKind.unique;
    expect(unique?.scope(profileContext)).toBe(`${compositeApp}/composite-profiles/cp/profiles/`);
    const a = { metadata: { name: 'a' }, spec: { app: 'http-client' } };
    const b = { metadata: { name: 'b' }, spec: { app: 'http-client' } };
    const c = { metadata: { name: 'c' }, spec: { app: 'http-server' } };
    expect(unique?.identity(a)).toBe(unique?.identity(b));
    expect(unique?.identity(a)).not.toBe(unique?.identity(c));
    expect(unique?.field).toBe('spec.app');
  });
});

describe("a deployment intent group's composite profile and override values (EMCO DepSpecData)", () => {
  const group = (spec: Record<string, unknown>) => ({ metadata: { name: 'g' }, spec: { logicalCloud: 'lc', ...spec } });

  test('compositeProfile, when set, is a reference to a composite profile of the same composite app version', () => {
    const references = deploymentIntentGroupKind.references?.(group({ compositeProfile: 'cp1' }), context) ?? [];
    expect(references).toContainEqual(
      expect.objectContaining({ path: 'spec.compositeProfile', key: `${compositeApp}/composite-profiles/cp1` }),
    );
    const without = deploymentIntentGroupKind.references?.(group({}), context) ?? [];
    expect(without.map((reference) => reference.path)).toEqual(['spec.logicalCloud']);
  });

  test("the examples' overrideValues are accepted as EMCO has them: a list of {app, values: {key: string}}", () => {
    const spec = {
      compositeProfile: 'collection-composite-profile',
      version: 'r1',
      overrideValues: [
        { app: 'http-server', values: { 'image.repository': 'registry.example/server' } },
        { app: 'http-client', values: { 'image.repository': 'registry.example/client' } },
      ],
    };
    expect(prepareBody(deploymentIntentGroupKind, group(spec), context).spec).toEqual({ logicalCloud: 'lc', ...spec });
  });

  test('override values of another shape are named: a map instead of a list, a value that is an object or too long', () => {
    expect(
      prepareIssues(deploymentIntentGroupKind, group({ overrideValues: { app: 'a', values: {} } }), context).map(
        (issue) => issue.path,
      ),
    ).toContain('spec.overrideValues');
    const issues = prepareIssues(
      deploymentIntentGroupKind,
      group({ overrideValues: [{ app: 'a', values: { image: { repository: 'r' }, tag: 'x'.repeat(129) } }] }),
      context,
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'spec.overrideValues[0].values.image',
      'spec.overrideValues[0].values.tag',
    ]);
  });
});
