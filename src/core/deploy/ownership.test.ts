import { describe, expect, test } from 'vitest';
import { ownerLabels } from '../render/objects.js';
import {
  groupLabels,
  isClusterWide,
  isManaged,
  isOwnedBy,
  MANAGED_BY_SELECTOR,
  ownerName,
  type GroupRef,
} from './ownership.js';

const group: GroupRef = { project: 'p', compositeApp: 'app', compositeAppVersion: 'v1', deploymentIntentGroup: 'dig' };

const withLabels = (labels?: Record<string, string>) => ({ metadata: labels === undefined ? {} : { labels } });

const rendered = (intentKind: 'inbound' | 'routing') =>
  withLabels(ownerLabels({ ...group, intentKind, intent: 'orders' }));

describe('isManaged', () => {
  test.each([
    ['managed-by meshbridge', { 'app.kubernetes.io/managed-by': 'meshbridge' }, true],
    ['managed by someone else', { 'app.kubernetes.io/managed-by': 'helm' }, false],
    ['a different case', { 'app.kubernetes.io/managed-by': 'Meshbridge' }, false],
    ['only meshbridge.io labels', { 'meshbridge.io/project': 'p', 'meshbridge.io/intent-kind': 'cluster' }, false],
    ['no labels', undefined, false],
  ])('%s → %s', (_name, labels, expected) => {
    expect(isManaged(withLabels(labels))).toBe(expected);
  });

  test('the selector names exactly the managed-by label', () => {
    expect(MANAGED_BY_SELECTOR).toEqual({ 'app.kubernetes.io/managed-by': 'meshbridge' });
    expect(isManaged(withLabels(MANAGED_BY_SELECTOR))).toBe(true);
  });
});

describe('isClusterWide', () => {
  test('objects rendered without an owner are cluster-wide', () => {
    expect(isClusterWide(withLabels(ownerLabels(undefined)))).toBe(true);
  });

  test.each([
    ['an inbound object', rendered('inbound').metadata.labels],
    ['a routing object', rendered('routing').metadata.labels],
    ['the cluster intent kind without managed-by', { 'meshbridge.io/intent-kind': 'cluster' }],
    [
      'the cluster intent kind managed by someone else',
      { 'app.kubernetes.io/managed-by': 'helm', 'meshbridge.io/intent-kind': 'cluster' },
    ],
    ['no labels', undefined],
  ])('%s is not', (_name, labels) => {
    expect(isClusterWide(withLabels(labels))).toBe(false);
  });
});

describe('groupLabels', () => {
  test('names the group and meshbridge', () => {
    expect(groupLabels(group)).toEqual({
      'app.kubernetes.io/managed-by': 'meshbridge',
      'meshbridge.io/project': 'p',
      'meshbridge.io/composite-app': 'app',
      'meshbridge.io/composite-app-version': 'v1',
      'meshbridge.io/deployment-intent-group': 'dig',
    });
  });

  test('are a subset of the labels the renderer puts on the group objects', () => {
    const labels = ownerLabels({ ...group, intentKind: 'routing', intent: 'orders' });
    for (const [key, value] of Object.entries(groupLabels(group))) expect(labels[key]).toBe(value);
  });
});

describe('isOwnedBy', () => {
  test('objects the renderer made for the group are owned by it', () => {
    expect(isOwnedBy(rendered('inbound'), group)).toBe(true);
    expect(isOwnedBy(rendered('routing'), group)).toBe(true);
  });

  test('extra labels do not matter', () => {
    expect(isOwnedBy(withLabels({ ...groupLabels(group), team: 'payments' }), group)).toBe(true);
  });

  test.each([
    ['project', { project: 'q' }],
    ['composite app', { compositeApp: 'other' }],
    ['composite app version', { compositeAppVersion: 'v2' }],
    ['deployment intent group', { deploymentIntentGroup: 'dig2' }],
  ])('another %s is another owner', (_name, change) => {
    const object = withLabels(groupLabels({ ...group, ...change }));
    expect(isOwnedBy(object, group)).toBe(false);
  });

  test('every group label is required, managed-by included', () => {
    for (const key of Object.keys(groupLabels(group))) {
      const labels = { ...groupLabels(group) };
      delete labels[key];
      expect(isOwnedBy(withLabels(labels), group), key).toBe(false);
    }
  });

  test('cluster-wide objects and unlabelled objects belong to no group', () => {
    expect(isOwnedBy(withLabels(ownerLabels(undefined)), group)).toBe(false);
    expect(isOwnedBy(withLabels(undefined), group)).toBe(false);
  });
});

describe('ownerName', () => {
  test('is project/app/version/group', () => {
    expect(ownerName(rendered('routing'))).toBe('p/app/v1/dig');
  });

  test('is undefined when a part is missing', () => {
    const labels = groupLabels(group);
    delete labels['meshbridge.io/composite-app-version'];
    expect(ownerName(withLabels(labels))).toBeUndefined();
    expect(ownerName(withLabels(ownerLabels(undefined)))).toBeUndefined();
    expect(ownerName(withLabels(undefined))).toBeUndefined();
  });
});
