/**
 * Seed 000 writes traffic intents at paths that name no deployment intent group:
 *   /v2/projects/{p}/composite-apps/{ca}/{v}/traffic-intent-set/inbound-intents[/{name}]
 *   /v2/projects/{p}/composite-apps/{ca}/{v}/traffic-group-intent/outbound-intents[/{inboundService}[/{client}]]
 * They are views of the EMCO tree. An inbound intent goes to the group that places
 * its app, under a traffic group named `default`; a client goes under the inbound
 * intent it calls. Names on these paths are unique within the composite app version.
 */
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import { appIntentKind, appKind, deploymentIntentGroupKind } from '../core/model/apps.js';
import { inboundClientKind } from '../core/model/clients.js';
import { inboundIntentKind, trafficGroupIntentKind } from '../core/model/inbound.js';
import { metadataName, specOf, type PathParams, type ResourceBody, type ResourceKind } from '../core/model/kind.js';
import { childKey, compositeAppKey } from '../core/model/keys.js';
import { prepareBody } from '../core/model/prepare.js';
import { itemKey, paramsFromKey, paramsUnder, parentKeyFromParams } from '../core/model/registry.js';
import {
  checkVersion,
  createIn,
  replaceIn,
  requireAncestors,
  type WriteOptions,
  type WriteResult,
} from './resource-service.js';
import type { Store, StoredResource, StoreReader, StoreWriter } from './store.js';

export const DEFAULT_TRAFFIC_GROUP = 'default';
const DEFAULT_GROUP_DESCRIPTION = 'Created by meshbridge for the intents written on the seed 000 paths.';

/**
 * The `default` traffic group that meshbridge created goes with its last intent, so
 * deleting what was applied on the seed paths leaves nothing behind. One a user
 * wrote (another description) stays.
 */
async function removeDefaultGroupIfEmpty(tx: StoreWriter, groupKey: string | null): Promise<void> {
  if (groupKey === null || !groupKey.endsWith(`/traffic-group-intents/${DEFAULT_TRAFFIC_GROUP}`)) return;
  const group = await tx.get(groupKey);
  const description = (group?.body.metadata as { description?: string } | undefined)?.description;
  if (group && description === DEFAULT_GROUP_DESCRIPTION && !(await tx.hasChildren(groupKey)))
    await tx.delete(groupKey);
}

type VersionParams = PathParams & { project: string; compositeApp: string; compositeAppVersion: string };

function versionKey(params: VersionParams): string {
  return compositeAppKey(params.project, params.compositeApp, params.compositeAppVersion);
}

function emcoInboundPath(params: VersionParams): string {
  return `/v2/${versionKey(params)}/deployment-intent-groups/{group}/traffic-group-intents/{trafficGroup}/inbound-intents`;
}

export class SeedPathService {
  constructor(private readonly store: Store) {}

  listInbound(params: VersionParams): Promise<StoredResource[]> {
    return this.store.transaction(async (tx) => {
      await requireVersion(tx, params);
      return tx.listByKind('inboundIntent', `${versionKey(params)}/`);
    });
  }

  getInbound(params: VersionParams, name: string): Promise<StoredResource> {
    return findInboundByName(this.store, params, name);
  }

  async createInbound(params: VersionParams, raw: unknown): Promise<WriteResult> {
    const body = prepareBody(inboundIntentKind, raw, { parentKey: null, params });
    return this.store.transaction(async (tx) => {
      await requireVersion(tx, params);
      await requireFreeInboundName(tx, params, metadataName(body));
      return createInboundIn(tx, params, body);
    });
  }

  async replaceInbound(params: VersionParams, name: string, raw: unknown, options: WriteOptions): Promise<WriteResult> {
    return this.store.transaction(async (tx) => {
      await requireVersion(tx, params);
      const existing = await findInboundOrNothing(tx, params, name);
      checkVersion(existing, options.ifMatch, inboundIntentKind);
      const body = prepareBody(
        inboundIntentKind,
        raw,
        { parentKey: existing?.parentKey ?? null, params },
        existing?.body,
      );
      requireName(body, name);
      if (!existing) return createInboundIn(tx, params, body);
      await requireSameGroup(tx, params, existing, body);
      return replaceIn(tx, inboundIntentKind, existing, body);
    });
  }

  async removeInbound(params: VersionParams, name: string, options: WriteOptions): Promise<void> {
    await this.store.transaction(async (tx) => {
      const existing = await findInboundByName(tx, params, name);
      checkVersion(existing, options.ifMatch, inboundIntentKind);
      await tx.delete(existing.key);
      await removeDefaultGroupIfEmpty(tx, existing.parentKey);
    });
  }

  listClients(params: VersionParams, inboundService?: string): Promise<StoredResource[]> {
    return this.store.transaction(async (tx) => {
      await requireVersion(tx, params);
      if (inboundService === undefined) return tx.listByKind('inboundClient', `${versionKey(params)}/`);
      const inbound = await findInboundByService(tx, params, inboundService, 'path');
      return tx.listChildren(inbound.key, 'inboundClient');
    });
  }

  getClient(params: VersionParams, inboundService: string, name: string): Promise<StoredResource> {
    return this.store.transaction(async (tx) => findClient(tx, params, inboundService, name));
  }

  /** `inboundService` comes from the path; without it, from the body's `inboundServiceName`. */
  async createClient(params: VersionParams, inboundService: string | undefined, raw: unknown): Promise<WriteResult> {
    const body = prepareBody(inboundClientKind, raw, { parentKey: null, params });
    const named = inboundService ?? (specOf(body).inboundServiceName as string | undefined);
    if (named === undefined) {
      throw new ValidationError('the client does not say which inbound service it calls', [
        {
          path: 'spec.inboundServiceName',
          message: 'is required on this path (or POST to .../outbound-intents/{inboundService})',
        },
      ]);
    }
    return this.store.transaction(async (tx) => {
      await requireVersion(tx, params);
      const inbound = await findInboundByService(tx, params, named, inboundService === undefined ? 'body' : 'path');
      return createIn(tx, inboundClientKind, paramsUnder(inboundClientKind, inbound.key), body);
    });
  }

  async replaceClient(
    params: VersionParams,
    inboundService: string,
    name: string,
    raw: unknown,
    options: WriteOptions,
  ): Promise<WriteResult> {
    return this.store.transaction(async (tx) => {
      await requireVersion(tx, params);
      const inbound = await findInboundByService(tx, params, inboundService, 'path');
      const existing = await tx.get(childKey(inbound.key, 'clients', name));
      checkVersion(existing, options.ifMatch, inboundClientKind);
      const clientParams = paramsFromKey(inboundClientKind, childKey(inbound.key, 'clients', name));
      const body = prepareBody(
        inboundClientKind,
        raw,
        { parentKey: inbound.key, params: clientParams },
        existing?.body,
      );
      requireName(body, name);
      if (!existing) return createIn(tx, inboundClientKind, clientParams, body);
      return replaceIn(tx, inboundClientKind, existing, body);
    });
  }

  async removeClient(
    params: VersionParams,
    inboundService: string,
    name: string,
    options: WriteOptions,
  ): Promise<void> {
    await this.store.transaction(async (tx) => {
      const existing = await findClient(tx, params, inboundService, name);
      checkVersion(existing, options.ifMatch, inboundClientKind);
      await tx.delete(existing.key);
    });
  }
}

/** The composite app version and its project exist; the group is found, not named. */
async function requireVersion(reader: StoreReader, params: VersionParams): Promise<void> {
  await requireAncestors(reader, appKind, params);
}

function requireName(body: ResourceBody, name: string): void {
  if (metadataName(body) !== name) {
    throw new ValidationError('the name in the body does not match the URL', [
      { path: 'metadata.name', message: `says "${metadataName(body)}" but the URL says "${name}"` },
    ]);
  }
}

/** The deployment intent group above a placement intent or an inbound intent. */
function groupKeyOf(key: string, kind: ResourceKind = appIntentKind): string {
  const params = paramsFromKey(kind, key);
  return itemKey(deploymentIntentGroupKind, parentKeyFromParams(deploymentIntentGroupKind, params), [
    params.deploymentIntentGroup as string,
  ]);
}

/** The one deployment intent group whose placement intents place `app`. */
async function groupPlacing(reader: StoreReader, params: VersionParams, app: string): Promise<string> {
  const placements = await reader.listByKind('appIntent', `${versionKey(params)}/`);
  const groups = [
    ...new Set(
      placements
        .filter((placement) => specOf(placement.body).app === app)
        .map((placement) => groupKeyOf(placement.key)),
    ),
  ];
  if (groups.length === 1) return groups[0] as string;
  const where = emcoInboundPath(params);
  if (groups.length === 0) {
    throw new ValidationError(
      `app "${app}" is not placed by any deployment intent group of this composite app version`,
      [
        {
          path: 'spec.app',
          message: `is not placed: add a generic placement intent for ${app} first, or POST to ${where}`,
        },
      ],
    );
  }
  const names = groups.map((key) => key.split('/').pop()).join(', ');
  throw new ValidationError(`app "${app}" is placed by ${groups.length} deployment intent groups (${names})`, [
    { path: 'spec.app', message: `is placed by ${names}; say which one by POSTing to ${where}` },
  ]);
}

/** An intent stays in its group; giving it an app that another group places would put it where the app is not. */
async function requireSameGroup(
  reader: StoreReader,
  params: VersionParams,
  existing: StoredResource,
  body: ResourceBody,
): Promise<void> {
  const app = String(specOf(body).app);
  if (app === specOf(existing.body).app) return;
  const current = groupKeyOf(existing.key, inboundIntentKind);
  const wanted = await groupPlacing(reader, params, app);
  if (wanted === current) return;
  throw new ValidationError(`app "${app}" is placed by another deployment intent group`, [
    {
      path: 'spec.app',
      message: `is placed by ${wanted.split('/').pop()}, but this intent is in ${current.split('/').pop()}; delete it and create it again, or use the EMCO paths`,
    },
  ]);
}

async function createInboundIn(tx: StoreWriter, params: VersionParams, body: ResourceBody): Promise<WriteResult> {
  const groupKey = await groupPlacing(tx, params, String(specOf(body).app));
  const trafficGroupKey = childKey(groupKey, 'traffic-group-intents', DEFAULT_TRAFFIC_GROUP);
  if (!(await tx.get(trafficGroupKey))) {
    const trafficGroup = { metadata: { name: DEFAULT_TRAFFIC_GROUP, description: DEFAULT_GROUP_DESCRIPTION } };
    await createIn(tx, trafficGroupIntentKind, paramsFromKey(trafficGroupIntentKind, trafficGroupKey), trafficGroup);
  }
  return createIn(tx, inboundIntentKind, paramsUnder(inboundIntentKind, trafficGroupKey), body);
}

async function findInboundOrNothing(
  reader: StoreReader,
  params: VersionParams,
  name: string,
): Promise<StoredResource | undefined> {
  const matches = (await reader.listByKind('inboundIntent', `${versionKey(params)}/`)).filter(
    (inbound) => inbound.name === name,
  );
  if (matches.length > 1) {
    throw new ConflictError(
      `inbound intent "${name}" exists in ${matches.length} places; use its EMCO path: ${matches.map((match) => `/v2/${match.key}`).join(', ')}`,
    );
  }
  return matches[0];
}

async function findInboundByName(reader: StoreReader, params: VersionParams, name: string): Promise<StoredResource> {
  await requireVersion(reader, params);
  const found = await findInboundOrNothing(reader, params, name);
  if (!found) throw new NotFoundError(`inbound intent "${name}" not found`);
  return found;
}

async function requireFreeInboundName(reader: StoreReader, params: VersionParams, name: string): Promise<void> {
  const existing = await findInboundOrNothing(reader, params, name);
  if (existing) throw new ConflictError(`inbound intent "${name}" already exists`, { existingKey: existing.key });
}

/** An inbound intent by its service name (as seed 000 names it) or, failing that, by its own name. */
async function findInboundByService(
  reader: StoreReader,
  params: VersionParams,
  service: string,
  namedIn: 'path' | 'body',
): Promise<StoredResource> {
  const inbound = await reader.listByKind('inboundIntent', `${versionKey(params)}/`);
  let matches = inbound.filter((candidate) => specOf(candidate.body).serviceName === service);
  if (matches.length === 0) matches = inbound.filter((candidate) => candidate.name === service);
  if (matches.length === 1) return matches[0] as StoredResource;
  const problem =
    matches.length === 0
      ? `no inbound intent serves "${service}" in this composite app version`
      : `${matches.length} inbound intents serve "${service}": ${matches.map((match) => `/v2/${match.key}`).join(', ')}; use the EMCO path of one`;
  if (namedIn === 'path' && matches.length === 0) throw new NotFoundError(problem);
  throw new ValidationError(problem, [
    { path: namedIn === 'path' ? '(path)' : 'spec.inboundServiceName', message: problem },
  ]);
}

async function findClient(
  reader: StoreReader,
  params: VersionParams,
  inboundService: string,
  name: string,
): Promise<StoredResource> {
  await requireVersion(reader, params);
  const inbound = await findInboundByService(reader, params, inboundService, 'path');
  const client = await reader.get(childKey(inbound.key, 'clients', name));
  if (!client) throw new NotFoundError(`client "${name}" of inbound service "${inboundService}" not found`);
  return client;
}
