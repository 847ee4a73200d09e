/**
 * The connectivity map (`GET /v2/map`): what the intents say should talk to what,
 * placed on the fleet, each declared call with the data-plane model's verdict.
 * One schema serves the types here and the OpenAPI document (adapters/http/map-routes.ts).
 */
import { Type, type Static } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const MapCluster = Type.Object({
  key: Type.String({ description: 'provider/cluster' }),
  provider: Type.String(),
  name: Type.String(),
  locality: Nullable(Type.String({ description: 'region/zone (region alone when no zone)' })),
  labels: Type.Record(Type.String(), Type.String(), {
    description: "The cluster's EMCO labels; EMCO labels are names without values, so each maps to an empty string",
  }),
  gateway: Type.Object({
    address: Nullable(
      Type.String({ description: 'The east-west gateway address; null when neither spec nor kv-pairs say' }),
    ),
    port: Nullable(Type.Integer()),
  }),
  istioVersion: Nullable(Type.String()),
  network: Nullable(Type.String()),
  meshId: Nullable(Type.String()),
});

export const MapService = Type.Object({
  id: Type.String({ description: 'Stable: the same service in the same cluster has the same id in every answer' }),
  name: Type.String({ description: 'The Kubernetes Service name' }),
  app: Type.String(),
  project: Type.String(),
  compositeApp: Type.String(),
  version: Type.String({ description: 'The composite app version' }),
  group: Type.String({ description: 'The deployment intent group' }),
  cluster: Type.String({ description: 'provider/cluster it is placed in' }),
  namespace: Type.String(),
  serviceAccount: Type.String(),
  ports: Type.Array(Type.Integer(), { description: "The Service's ports, one per inbound intent" }),
  intents: Type.Array(Type.String(), { description: 'Resource keys of the inbound intents that declare it' }),
});

export const MapCaller = Type.Object({
  id: Type.String({ description: 'Stable, like a service id' }),
  app: Type.String(),
  project: Type.String(),
  compositeApp: Type.String(),
  version: Type.String(),
  group: Type.String({ description: 'The deployment intent group that places it' }),
  cluster: Type.String(),
  namespace: Type.String(),
  serviceAccount: Type.String(),
  principal: Type.String(),
  sidecar: Type.Boolean(),
});

export const EDGE_MODES = ['local', 'shared', 'federated'] as const;

export const MapEdge = Type.Object({
  id: Type.String({ description: 'Stable: GET /v2/map/edges/{id}/trace and /objects take it' }),
  from: Type.String({ description: 'A caller id' }),
  to: Type.String({ description: 'A service id' }),
  host: Type.String({ description: 'The name the caller uses' }),
  port: Type.Integer(),
  request: Type.Object(
    { method: Type.String(), path: Type.String() },
    { description: "The call traced: the intent's first allowed method and path for this caller, or GET /" },
  ),
  mode: Type.Union(
    EDGE_MODES.map((mode) => Type.Literal(mode)),
    {
      description:
        'local: caller and service in one cluster; shared: one multi-primary mesh (istiod discovers the endpoints); federated: through the east-west gateway',
    },
  ),
  gateway: Nullable(Type.String({ description: 'provider/cluster whose east-west gateway carries it' })),
  share: Type.Union([Type.Number(), Type.Null()], {
    description: "Percent of the caller's calls to the host, for a weighted route's destination; null otherwise",
  }),
  verdict: Type.Union([Type.Literal('delivered'), Type.Literal('refused')]),
  reason: Nullable(Type.String({ description: 'Why it is refused; the admitting rule when delivered' })),
  hop: Nullable(Type.String({ description: 'The hop that refuses it (dns, route, outbound, …); null when delivered' })),
  hopCluster: Nullable(Type.String({ description: 'provider/cluster where that hop is' })),
  intent: Type.String({ description: 'Resource key of the intent that declares it (inbound or routing intent)' }),
  client: Nullable(Type.String({ description: 'Resource key of the client intent, for a declared caller' })),
});

export const MapDiagnostic = Type.Object({
  severity: Type.String(),
  code: Type.String(),
  message: Type.String(),
  resource: Type.Union([Type.String(), Type.Null()]),
  cluster: Type.Union([Type.String(), Type.Null()]),
});

export const MapView = Type.Object({
  clusters: Type.Array(MapCluster),
  services: Type.Array(MapService),
  callers: Type.Array(MapCaller),
  edges: Type.Array(MapEdge),
  diagnostics: Type.Array(MapDiagnostic),
});

export type MapClusterView = Static<typeof MapCluster>;
export type MapServiceView = Static<typeof MapService>;
export type MapCallerView = Static<typeof MapCaller>;
export type MapEdgeView = Static<typeof MapEdge>;
export type MapDiagnosticView = Static<typeof MapDiagnostic>;
export type MapViewBody = Static<typeof MapView>;

/** `GET /v2/map`'s query: every field narrows. */
export interface MapFilter {
  project?: string;
  compositeApp?: string;
  /** A deployment intent group's name. */
  group?: string;
  /** provider/cluster: services and callers there, and edges with an end there. */
  cluster?: string;
  /** A service's name (Kubernetes Service name or app). */
  service?: string;
}

/** Which projects the reader may see: every one, or these. */
export type Readable = 'all' | ReadonlySet<string>;
