/**
 * What the page reads from `GET /v2/map` (the data-plane model's view of every declared
 * caller → service edge). The server's own types live with its routes; the page keeps
 * this copy so that the browser bundle imports no server code.
 */
export type Verdict = 'delivered' | 'refused';

export interface MapCluster {
  /** `provider/cluster` */
  key: string;
  provider: string;
  name: string;
  /** `region/zone`, or null when the cluster has no locality. */
  locality: string | null;
  labels: Record<string, string>;
  gateway: { address: string | null; port: number | null };
}

export interface MapService {
  id: string;
  name: string;
  project: string;
  compositeApp: string;
  version: string;
  group: string;
  cluster: string;
  namespace: string;
  ports: number[];
}

export interface MapCaller {
  id: string;
  app: string;
  project: string;
  compositeApp: string;
  version: string;
  group: string;
  cluster: string;
  namespace: string;
  serviceAccount: string;
}

export interface MapEdge {
  id: string;
  from: string;
  to: string;
  host: string;
  port: number;
  mode: 'local' | 'shared' | 'federated';
  gateway: string | null;
  share: number | null;
  verdict: Verdict;
  reason: string | null;
  hop: string | null;
  /** provider/cluster where the refusing hop is. */
  hopCluster?: string | null;
  /** The call traced: the intent's first allowed method and path. */
  request?: { method: string; path: string };
  intent: string;
  /** The client intent, for a declared caller. */
  client?: string | null;
}

export interface Diagnostic {
  severity: string;
  code: string;
  message: string;
  resource: string | null;
  cluster?: string | null;
}

export interface MapData {
  clusters: MapCluster[];
  services: MapService[];
  callers: MapCaller[];
  edges: MapEdge[];
  diagnostics: Diagnostic[];
}

/** The filters of `GET /v2/map`, each one a query parameter; empty means all. */
export interface MapFilters {
  project: string;
  compositeApp: string;
  group: string;
  cluster: string;
  service: string;
}

export const FILTER_NAMES = ['project', 'compositeApp', 'group', 'cluster', 'service'] as const;
