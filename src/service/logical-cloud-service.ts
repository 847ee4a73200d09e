/**
 * A logical cloud's instantiate, terminate and status (EMCO's DCM). The rules are the core's
 * (`core/deploy/cloud-lifecycle.ts`); this reads the facts they need and files the state in the deploy records,
 * under the cloud's key, on the same database as everything else.
 *
 * A deployment intent group may be instantiated whether or not its cloud is: meshbridge deploys a group's
 * objects, namespaces included, without anything from the cloud's instantiation, and files and scenarios written
 * before clouds had a lifecycle instantiate groups only.
 */
import {
  checkCloudInstantiate,
  checkCloudTerminate,
  CLOUD_RECORD_KEY,
  cloudStateOf,
  groupHoldsCloud,
  type CloudRecord,
  type CloudState,
} from '../core/deploy/cloud-lifecycle.js';
import type { GroupState } from '../core/deploy/records.js';
import type { PathParams } from '../core/model/kind.js';
import { specOf } from '../core/model/kind.js';
import { projectKey } from '../core/model/keys.js';
import { cloudLevel, cloudNamespace, logicalCloudKind } from '../core/model/tenancy.js';
import type { DeployRecords } from './deploy/deploy-records.js';
import type { DeployState } from './deploy/deploy-state.js';
import { getOrThrow } from './resource-service.js';
import type { StoredResource, Store } from './store.js';

export interface CloudStatus {
  project: string;
  logicalCloud: string;
  level: '0' | '1';
  /** Where the cloud's services live: its namespace, or `default` for an admin cloud that names none. */
  namespace: string;
  state: CloudState;
  /** When the cloud entered `state` (absent while `Created`). */
  at?: string;
  clusters: { clusterReference: string; clusterProvider: string; cluster: string }[];
}

export class LogicalCloudService {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly records: DeployRecords,
    private readonly groups: DeployState,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  async status(params: PathParams): Promise<CloudStatus> {
    const cloud = await getOrThrow(this.store, logicalCloudKind, params);
    const references = await this.store.listChildren(cloud.key, 'clusterReference');
    const { state, at } = cloudStateOf(await this.record(cloud), cloud.createdAt);
    return {
      project: params.project as string,
      logicalCloud: cloud.name,
      level: cloudLevel(cloud.body),
      namespace: cloudNamespace(cloud.body),
      state,
      ...(at === undefined ? {} : { at }),
      clusters: references.map((reference) => {
        const spec = specOf(reference.body) as { clusterProvider: string; cluster: string };
        return { clusterReference: reference.name, clusterProvider: spec.clusterProvider, cluster: spec.cluster };
      }),
    };
  }

  instantiate(params: PathParams): Promise<CloudStatus> {
    return this.change(params, async (cloud, state) => {
      const permissions = await this.store.listChildren(cloud.key, 'userPermission');
      checkCloudInstantiate({
        cloud: cloud.body,
        state,
        clusterReferences: (await this.store.listChildren(cloud.key, 'clusterReference')).length,
        permissionNamespaces: permissions.map((permission) => specOf(permission.body).namespace as string | undefined),
      });
      return 'Instantiated';
    });
  }

  terminate(params: PathParams): Promise<CloudStatus> {
    return this.change(params, async (cloud, state) => {
      checkCloudTerminate(state, await this.holdingGroups(params.project as string, cloud.name));
      return 'Terminated';
    });
  }

  /** Requests of one cloud take turns, so two of them never both pass the check before either records. */
  private async change(
    params: PathParams,
    decide: (cloud: StoredResource, state: CloudState) => Promise<CloudRecord['state']>,
  ): Promise<CloudStatus> {
    const cloud = await getOrThrow(this.store, logicalCloudKind, params);
    const previous = this.locks.get(cloud.key) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const current = await getOrThrow(this.store, logicalCloudKind, params);
        const state = await decide(current, cloudStateOf(await this.record(current), current.createdAt).state);
        const record: CloudRecord = { state, at: this.now(), cloudCreatedAt: current.createdAt };
        await this.records.write([{ group: current.key, key: CLOUD_RECORD_KEY, body: record }]);
      });
    this.locks.set(cloud.key, next);
    try {
      await next;
    } finally {
      if (this.locks.get(cloud.key) === next) this.locks.delete(cloud.key);
    }
    return this.status(params);
  }

  private async record(cloud: StoredResource): Promise<CloudRecord | undefined> {
    return (await this.records.get(cloud.key, CLOUD_RECORD_KEY))?.body as CloudRecord | undefined;
  }

  /** The project's groups that deploy into the cloud and are instantiated (or on their way in or out). */
  private async holdingGroups(project: string, cloud: string): Promise<{ key: string; state: GroupState }[]> {
    const groups = await this.store.listByKind('deploymentIntentGroup', `${projectKey(project)}/`);
    const holding: { key: string; state: GroupState }[] = [];
    for (const group of groups) {
      if (specOf(group.body).logicalCloud !== cloud) continue;
      const record = await this.groups.group(group.key);
      if (groupHoldsCloud(record)) holding.push({ key: group.key, state: record.state });
    }
    return holding;
  }
}
