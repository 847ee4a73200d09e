import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { OpenedDatabase } from '../../adapters/storage/database.js';
import { openSqliteDatabase } from '../../adapters/storage/sqlite.js';
import { clusterRecordKey, type ClusterRecord, type ObjectEntry } from '../../core/deploy/records.js';
import { DeployState } from './deploy-state.js';

const entry = (name: string, host?: string): ObjectEntry => ({
  ref: { apiVersion: 'networking.istio.io/v1beta1', kind: 'ServiceEntry', namespace: 'ns', name },
  state: 'applied',
  ...(host === undefined ? {} : { holds: { host, address: '240.0.0.1' } }),
});

const record = (cluster: string, objects: ObjectEntry[]): ClusterRecord => ({
  cluster,
  name: cluster,
  target: 'kubernetes',
  revision: 1,
  state: 'applied',
  objects: Object.fromEntries(objects.map((object) => [object.ref.name, object])),
});

describe('DeployState.heldClaims', () => {
  let database: OpenedDatabase;
  beforeEach(async () => {
    database = await openSqliteDatabase(':memory:');
  });
  afterEach(async () => database.close());

  test('every held address of every group, from the records as written, and from records older than held hosts', async () => {
    const state = new DeployState(database.deployRecords);
    const edge = 'cluster-providers/p/clusters/edge';
    const core = 'cluster-providers/p/clusters/core';
    await state.write('groups/a', {
      clusters: [record(edge, [entry('one', 'a.global'), entry('plain'), entry('two', 'b.global')]), record(core, [])],
    });
    // Written as before migration 0008: no held hosts beside the body, which must then be opened.
    await database.deployRecords.write([
      { group: 'groups/b', key: clusterRecordKey(core), body: record(core, [entry('three', 'c.global')]) },
    ]);
    expect(await state.heldClaims()).toEqual([
      { cluster: edge, host: 'a.global', owner: 'deployed:groups/a' },
      { cluster: edge, host: 'b.global', owner: 'deployed:groups/a' },
      { cluster: core, host: 'c.global', owner: 'deployed:groups/b' },
    ]);
    await state.write('groups/a', { clusters: [record(edge, [entry('two', 'b.global')])], removeClusters: [core] });
    expect(await state.heldClaims()).toEqual([
      { cluster: edge, host: 'b.global', owner: 'deployed:groups/a' },
      { cluster: core, host: 'c.global', owner: 'deployed:groups/b' },
    ]);
  });
});
