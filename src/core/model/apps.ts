/** Composite apps, their apps, deployment intent groups and placement (EMCO's orchestrator). */
import { Type } from '@sinclair/typebox';
import type { Issue } from '../errors.js';
import { Metadata, Name, Obj } from '../validation/schema.js';
import { byMetadataName, metadataName, specOf, type Reference, type ResourceBody, type ResourceKind } from './kind.js';
import { childKey, clusterKey, compositeAppKey, joinKey, logicalCloudKey } from './keys.js';

export const compositeAppKind: ResourceKind = {
  kind: 'compositeApp',
  label: 'composite app',
  parent: 'project',
  segment: 'composite-apps',
  params: ['compositeApp', 'compositeAppVersion'],
  schema: Obj({
    metadata: Metadata(),
    spec: Obj({ compositeAppVersion: Name() }),
  }),
  itemSegments: (body) => [metadataName(body), String(specOf(body).compositeAppVersion ?? '')],
  itemFields: ['metadata.name', 'spec.compositeAppVersion'],
};

export const appKind: ResourceKind = {
  kind: 'app',
  label: 'app',
  parent: 'compositeApp',
  segment: 'apps',
  params: ['app'],
  schema: Obj({
    metadata: Metadata(),
    spec: Type.Optional(
      Obj({
        serviceAccount: Type.Optional(
          Type.String({
            pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
            maxLength: 253,
            'x-pattern-message': 'must be a Kubernetes service account name',
          }),
        ),
      }),
    ),
  }),
  itemSegments: byMetadataName,
  complete: (body) => ({ ...body, spec: { serviceAccount: metadataName(body), ...specOf(body) } }),
};

export const deploymentIntentGroupKind: ResourceKind = {
  kind: 'deploymentIntentGroup',
  label: 'deployment intent group',
  parent: 'compositeApp',
  segment: 'deployment-intent-groups',
  params: ['deploymentIntentGroup'],
  schema: Obj({
    metadata: Metadata(),
    spec: Obj({
      logicalCloud: Name(),
      version: Type.Optional(Type.String({ maxLength: 63 })),
      compositeProfile: Type.Optional(Name()),
      // EMCO's OverrideValues (`deployment_intent_groups.go`): `{app, values: {"image.repository": "..."}}`.
      overrideValues: Type.Optional(
        Type.Array(
          Obj({ app: Name(), values: Type.Object({}, { additionalProperties: Type.String({ maxLength: 128 }) }) }),
        ),
      ),
    }),
  }),
  itemSegments: byMetadataName,
  references: (body, { params }) => groupReferences(body, params),
};

function groupReferences(body: ResourceBody, params: Record<string, string>): Reference[] {
  const spec = specOf(body);
  const references: Reference[] = [
    {
      path: 'spec.logicalCloud',
      what: 'logical cloud',
      key: logicalCloudKey(params.project as string, String(spec.logicalCloud)),
    },
  ];
  if (typeof spec.compositeProfile === 'string') {
    const compositeApp = compositeAppKey(
      params.project as string,
      params.compositeApp as string,
      params.compositeAppVersion as string,
    );
    references.push({
      path: 'spec.compositeProfile',
      what: 'composite profile of this composite app version',
      key: childKey(compositeApp, 'composite-profiles', spec.compositeProfile),
    });
  }
  return references;
}

/** EMCO's `{dig}/intents`: which intent each controller uses. Kept for EMCO files. */
export const groupIntentKind: ResourceKind = {
  kind: 'groupIntent',
  label: 'group intent',
  parent: 'deploymentIntentGroup',
  segment: 'intents',
  params: ['groupIntent'],
  schema: Obj({
    metadata: Metadata(),
    spec: Obj({ intent: Type.Object({}, { additionalProperties: Type.String() }) }),
  }),
  itemSegments: byMetadataName,
};

export const genericPlacementIntentKind: ResourceKind = {
  kind: 'genericPlacementIntent',
  label: 'generic placement intent',
  parent: 'deploymentIntentGroup',
  segment: 'generic-placement-intents',
  params: ['genericPlacementIntent'],
  schema: Obj({
    metadata: Metadata(),
    spec: Type.Optional(Obj({ logicalCloud: Type.Optional(Name()) })),
  }),
  itemSegments: byMetadataName,
};

/** One placement criterion: a named cluster, every cluster with a label, or any one of a list. */
export interface PlacementEntry {
  clusterProvider?: string;
  cluster?: string;
  clusterLabel?: string;
  anyOf?: PlacementEntry[];
}

const clusterSelector = {
  clusterProvider: Type.Optional(Name()),
  cluster: Type.Optional(Name()),
  clusterLabel: Type.Optional(Name()),
};

/** EMCO nests one level: an entry may be `{anyOf: [...]}` of plain entries. */
const placementEntry = Obj({ ...clusterSelector, anyOf: Type.Optional(Type.Array(Obj(clusterSelector))) });

function checkPlacementEntry(entry: PlacementEntry, path: string, issues: Issue[]): void {
  if (entry.anyOf) {
    if (entry.cluster || entry.clusterLabel) {
      issues.push({ path, message: 'has anyOf together with cluster or clusterLabel; use one of them' });
    }
    entry.anyOf.forEach((inner, index) => checkPlacementEntry(inner, `${path}.anyOf[${index}]`, issues));
    return;
  }
  if (!entry.clusterProvider) issues.push({ path: `${path}.clusterProvider`, message: 'is required' });
  if (Boolean(entry.cluster) === Boolean(entry.clusterLabel)) {
    issues.push({ path, message: 'must name exactly one of cluster or clusterLabel' });
  }
}

function placementEntries(body: ResourceBody): { path: string; entry: PlacementEntry }[] {
  const intent = (specOf(body).intent ?? {}) as { allOf?: PlacementEntry[]; anyOf?: PlacementEntry[] };
  const out: { path: string; entry: PlacementEntry }[] = [];
  const visit = (entry: PlacementEntry, path: string) => {
    out.push({ path, entry });
    entry.anyOf?.forEach((inner, index) => visit(inner, `${path}.anyOf[${index}]`));
  };
  intent.allOf?.forEach((entry, index) => visit(entry, `spec.intent.allOf[${index}]`));
  intent.anyOf?.forEach((entry, index) => visit(entry, `spec.intent.anyOf[${index}]`));
  return out;
}

function checkAppIntent(body: ResourceBody): Issue[] {
  const intent = (specOf(body).intent ?? {}) as { allOf?: PlacementEntry[]; anyOf?: PlacementEntry[] };
  const issues: Issue[] = [];
  if ((intent.allOf?.length ?? 0) + (intent.anyOf?.length ?? 0) === 0) {
    issues.push({ path: 'spec.intent', message: 'must place the app: give allOf or anyOf with at least one entry' });
  }
  intent.allOf?.forEach((entry, index) => checkPlacementEntry(entry, `spec.intent.allOf[${index}]`, issues));
  intent.anyOf?.forEach((entry, index) => checkPlacementEntry(entry, `spec.intent.anyOf[${index}]`, issues));
  return issues;
}

function appIntentReferences(body: ResourceBody, params: Record<string, string>): Reference[] {
  const compositeApp = joinKey(
    'projects',
    params.project as string,
    'composite-apps',
    params.compositeApp as string,
    params.compositeAppVersion as string,
  );
  const app = String(specOf(body).app);
  const references: Reference[] = [{ path: 'spec.app', what: 'app', key: childKey(compositeApp, 'apps', app) }];
  for (const { path, entry } of placementEntries(body)) {
    if (entry.clusterProvider && entry.cluster) {
      references.push({
        path: `${path}.cluster`,
        what: 'cluster',
        key: clusterKey(entry.clusterProvider, entry.cluster),
      });
    } else if (entry.clusterProvider && entry.clusterLabel) {
      references.push({
        path: `${path}.clusterProvider`,
        what: 'cluster provider',
        key: joinKey('cluster-providers', entry.clusterProvider),
      });
    }
  }
  return references;
}

export const appIntentKind: ResourceKind = {
  kind: 'appIntent',
  label: 'app placement intent',
  parent: 'genericPlacementIntent',
  segment: 'app-intents',
  params: ['appIntent'],
  schema: Obj({
    metadata: Metadata(),
    spec: Obj({
      app: Name(),
      intent: Obj({
        allOf: Type.Optional(Type.Array(placementEntry)),
        anyOf: Type.Optional(Type.Array(placementEntry)),
      }),
    }),
  }),
  itemSegments: byMetadataName,
  check: checkAppIntent,
  references: (body, { params }) => appIntentReferences(body, params),
};
