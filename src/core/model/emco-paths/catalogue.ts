/**
 * EMCO's REST paths, per component: every `HandleFunc(path, ...).Methods(...)` of the routers of
 * emco-base at commit f12558f54b776ebc60a239af7f55bbec9d5502ab (2022-11-18, "Additional fixes to
 * go mod stuff"), read by `scripts/emco-paths.mjs`, which says how to read them again.
 * The paths follow `/v2` and keep EMCO's own `{variable}` names; a route EMCO registers with
 * `.Queries(...)` and no methods is a GET with query parameters and counts as GET.
 * meshbridge answers a path listed here that it has no route for with a 404 naming the
 * component that owns it and what to do (`adapters/http/not-found.ts`); the workflow client's
 * test server (`src/tools/workflowclient`) is not a component and is left out.
 */

/** The deployment intent group every intent controller hangs its intents under. */
const CAV = '/projects/{project}/composite-apps/{compositeApp}/{compositeAppVersion}';
const DIG = `${CAV}/deployment-intent-groups/{deploymentIntentGroup}`;
/** hpa-plc names the same variables its own way. */
const HPA_DIG =
  '/projects/{project-name}/composite-apps/{composite-app-name}/{composite-app-version}/deployment-intent-groups/{deployment-intent-group-name}';

export interface EmcoComponent {
  /** Its folder under emco-base's `src/`. */
  id: string;
  /** The router file its paths come from. */
  source: string;
  title: string;
  /** meshbridge serves some of this component's paths (the rest are answered with `advice`). */
  partOfMeshbridge: boolean;
  /** What the component keeps, in a few words. */
  role: string;
  /** What to do with a document for one of its paths that meshbridge does not serve. */
  advice: string;
  /** Advice for the paths whose last fixed segment is the key, where it differs from `advice`. */
  adviceFor?: Readonly<Record<string, string>>;
  /** `METHODS /path`, as EMCO's router registers them. */
  paths: readonly string[];
}

export const EMCO_COMPONENTS: readonly EmcoComponent[] = [
  {
    id: 'orchestrator',
    source: 'src/orchestrator/api/api.go',
    title: 'orchestrator',
    partOfMeshbridge: true,
    role: 'projects, composite apps, placement, deployment intent groups',
    advice: "meshbridge serves the parts of EMCO's orchestrator that traffic needs, not this one: apply it to EMCO",
    adviceFor: {
      'composite-profiles':
        'meshbridge deploys no apps, so it keeps no Helm profiles for them: remove this document or apply it to EMCO',
      profiles:
        'meshbridge deploys no apps, so it keeps no Helm profiles for them: remove this document or apply it to EMCO',
      dependency:
        "app dependencies order EMCO's deployment of apps; meshbridge deploys no apps, only the traffic configuration between them: remove this document or apply it to EMCO",
      stop: 'meshbridge has no stop: POST .../terminate removes what the group deployed, and GET .../status shows the operation in progress',
      migrate:
        'meshbridge has no migrate: instantiate the group of the new composite app version, then terminate this one',
    },
    paths: [
      'GET,POST /projects',
      'DELETE,GET,PUT /projects/{project}',
      'GET,POST /projects/{project}/composite-apps',
      `DELETE,GET,PUT ${CAV}`,
      `GET,POST ${CAV}/apps`,
      `DELETE,GET,PUT ${CAV}/apps/{app}`,
      `GET,POST ${CAV}/composite-profiles`,
      `DELETE,GET,PUT ${CAV}/composite-profiles/{compositeProfile}`,
      `GET,POST ${CAV}/composite-profiles/{compositeProfile}/profiles`,
      `DELETE,GET,PUT ${CAV}/composite-profiles/{compositeProfile}/profiles/{appProfile}`,
      'GET,POST /controllers',
      'DELETE,GET,PUT /controllers/{controller}',
      `GET,POST ${DIG}/generic-placement-intents`,
      `DELETE,GET,PUT ${DIG}/generic-placement-intents/{genericPlacementIntent}`,
      `GET,POST ${DIG}/generic-placement-intents/{genericPlacementIntent}/app-intents`,
      `DELETE,GET,PUT ${DIG}/generic-placement-intents/{genericPlacementIntent}/app-intents/{genericAppPlacementIntent}`,
      `GET,POST ${CAV}/deployment-intent-groups`,
      `DELETE,GET,PUT ${DIG}`,
      `GET,POST ${DIG}/intents`,
      `DELETE,GET,PUT ${DIG}/intents/{groupIntent}`,
      `POST ${DIG}/approve`,
      `POST ${DIG}/terminate`,
      `POST ${DIG}/instantiate`,
      `POST ${DIG}/stop`,
      `GET ${DIG}/status`,
      `POST ${DIG}/migrate`,
      `POST ${DIG}/update`,
      `POST ${DIG}/rollback`,
      `GET,POST ${CAV}/apps/{app}/dependency`,
      `DELETE,GET,PUT ${CAV}/apps/{app}/dependency/{dependency}`,
    ],
  },
  {
    id: 'clm',
    source: 'src/clm/api/api.go',
    title: 'cluster manager (clm)',
    partOfMeshbridge: true,
    role: 'cluster providers, clusters, labels, kv-pairs',
    advice: "meshbridge serves EMCO's cluster API but not this part: apply it to EMCO",
    adviceFor: {
      'cluster-sync-objects':
        "meshbridge does not read EMCO's cluster sync objects: a cluster's GitOps repository is its spec.deploy.gitops (docs/deploy.md); remove this document",
      'clm-controllers': 'meshbridge has no cluster-lifecycle controllers to register: remove this document',
    },
    paths: [
      'GET,POST /cluster-providers',
      'DELETE,GET,PUT /cluster-providers/{clusterProvider}',
      'GET,POST /cluster-providers/{clusterProvider}/clusters',
      'DELETE,GET /cluster-providers/{clusterProvider}/clusters/{cluster}',
      'GET,POST /cluster-providers/{clusterProvider}/clusters/{cluster}/labels',
      'DELETE,GET,PUT /cluster-providers/{clusterProvider}/clusters/{cluster}/labels/{clusterLabel}',
      'GET,POST /cluster-providers/{clusterProvider}/clusters/{cluster}/kv-pairs',
      'DELETE,GET,PUT /cluster-providers/{clusterProvider}/clusters/{cluster}/kv-pairs/{clusterKv}',
      'GET,POST /cluster-providers/{clusterProvider}/cluster-sync-objects',
      'DELETE,GET,PUT /cluster-providers/{clusterProvider}/cluster-sync-objects/{clusterSyncObject}',
      'GET,POST /clm-controllers',
      'DELETE,GET,PUT /clm-controllers/{controller-name}',
    ],
  },
  {
    id: 'dcm',
    source: 'src/dcm/api/api.go',
    title: 'distributed cloud manager (dcm)',
    partOfMeshbridge: true,
    role: 'logical clouds',
    advice:
      'meshbridge uses a logical cloud to know where services run and does not set the cloud up in its clusters: remove this document or apply it to EMCO',
    adviceFor: {
      kubeconfig:
        "meshbridge issues no kubeconfigs for logical clouds: read the cluster's own kubeconfig where it was registered",
    },
    paths: [
      'GET,POST /projects/{project}/logical-clouds',
      'DELETE,GET,PUT /projects/{project}/logical-clouds/{logicalCloud}',
      'POST /projects/{project}/logical-clouds/{logicalCloud}/instantiate',
      'POST /projects/{project}/logical-clouds/{logicalCloud}/terminate',
      'POST /projects/{project}/logical-clouds/{logicalCloud}/update',
      'POST /projects/{project}/logical-clouds/{logicalCloud}/stop',
      'GET /projects/{project}/logical-clouds/{logicalCloud}/status',
      'GET,POST /projects/{project}/logical-clouds/{logicalCloud}/cluster-references',
      'DELETE,GET /projects/{project}/logical-clouds/{logicalCloud}/cluster-references/{clusterReference}',
      'GET /projects/{project}/logical-clouds/{logicalCloud}/cluster-references/{clusterReference}/kubeconfig',
      'GET,POST /projects/{project}/logical-clouds/{logicalCloud}/user-permissions',
      'DELETE,GET /projects/{project}/logical-clouds/{logicalCloud}/user-permissions/{userPermission}',
      'GET,POST /projects/{project}/logical-clouds/{logicalCloud}/cluster-quotas',
      'DELETE,GET /projects/{project}/logical-clouds/{logicalCloud}/cluster-quotas/{clusterQuota}',
      'GET,POST /projects/{project}/logical-clouds/{logicalCloud}/kv-pairs',
      'DELETE,GET /projects/{project}/logical-clouds/{logicalCloud}/kv-pairs/{logicalCloudKv}',
    ],
  },
  {
    id: 'ncm',
    source: 'src/ncm/api/api.go',
    title: 'network configuration manager (ncm)',
    partOfMeshbridge: false,
    role: 'OVN networks and provider networks of clusters',
    advice:
      'meshbridge configures no cluster networks, it renders traffic only: remove this document or apply it to EMCO',
    paths: [
      'GET,POST /cluster-providers/{clusterProvider}/clusters/{cluster}/networks',
      'DELETE,GET,PUT /cluster-providers/{clusterProvider}/clusters/{cluster}/networks/{network}',
      'GET,POST /cluster-providers/{clusterProvider}/clusters/{cluster}/provider-networks',
      'DELETE,GET,PUT /cluster-providers/{clusterProvider}/clusters/{cluster}/provider-networks/{providerNetwork}',
      'POST /cluster-providers/{clusterProvider}/clusters/{cluster}/apply',
      'POST /cluster-providers/{clusterProvider}/clusters/{cluster}/terminate',
      'POST /cluster-providers/{clusterProvider}/clusters/{cluster}/stop',
      'GET /cluster-providers/{clusterProvider}/clusters/{cluster}/status',
    ],
  },
  {
    id: 'dtc',
    source: 'src/dtc/api/api.go',
    title: 'Distributed Traffic Controller (dtc)',
    partOfMeshbridge: true,
    role: 'traffic group intents, inbound intents, clients, access points',
    advice: "meshbridge serves EMCO's DTC API but not this path: apply it to EMCO",
    paths: [
      `GET,POST ${DIG}/traffic-group-intents`,
      `DELETE,GET,PUT ${DIG}/traffic-group-intents/{trafficGroupIntent}`,
      `GET,POST ${DIG}/traffic-group-intents/{trafficGroupIntent}/inbound-intents`,
      `DELETE,GET,PUT ${DIG}/traffic-group-intents/{trafficGroupIntent}/inbound-intents/{inboundServerIntent}`,
      `GET,POST ${DIG}/traffic-group-intents/{trafficGroupIntent}/inbound-intents/{inboundServerIntent}/clients`,
      `DELETE,GET,PUT ${DIG}/traffic-group-intents/{trafficGroupIntent}/inbound-intents/{inboundServerIntent}/clients/{inboundClientsIntent}`,
      `GET,POST ${DIG}/traffic-group-intents/{trafficGroupIntent}/inbound-intents/{inboundServerIntent}/clients/{inboundClientsIntent}/access-points`,
      `DELETE,GET,PUT ${DIG}/traffic-group-intents/{trafficGroupIntent}/inbound-intents/{inboundServerIntent}/clients/{inboundClientsIntent}/access-points/{inboundClientsAccessIntent}`,
      'GET,POST /dtc-controllers',
      'DELETE,GET,PUT /dtc-controllers/{dtcController}',
    ],
  },
  {
    id: 'ovnaction',
    source: 'src/ovnaction/api/api.go',
    title: 'ovnaction controller',
    partOfMeshbridge: false,
    role: 'network-controller-intent: OVN interfaces of workloads',
    advice: 'meshbridge renders traffic only: remove this document or apply it to EMCO',
    paths: [
      `GET,POST ${DIG}/network-controller-intent`,
      `DELETE,GET,PUT ${DIG}/network-controller-intent/{netControllerIntent}`,
      `GET,POST ${DIG}/network-controller-intent/{netControllerIntent}/workload-intents`,
      `DELETE,GET,PUT ${DIG}/network-controller-intent/{netControllerIntent}/workload-intents/{workloadIntent}`,
      `GET,POST ${DIG}/network-controller-intent/{netControllerIntent}/workload-intents/{workloadIntent}/interfaces`,
      `DELETE,GET,PUT ${DIG}/network-controller-intent/{netControllerIntent}/workload-intents/{workloadIntent}/interfaces/{interfaceIntent}`,
    ],
  },
  {
    id: 'genericactioncontroller',
    source: 'src/genericactioncontroller/api/api.go',
    title: 'generic action controller',
    partOfMeshbridge: false,
    role: 'generic-k8s-intents: extra Kubernetes resources and customizations for apps',
    advice: 'meshbridge renders traffic only: remove this document or apply it to EMCO',
    paths: [
      `GET,POST ${DIG}/generic-k8s-intents`,
      `DELETE,GET,PUT ${DIG}/generic-k8s-intents/{genericK8sIntent}`,
      `GET,POST ${DIG}/generic-k8s-intents/{genericK8sIntent}/resources`,
      `DELETE,GET,PUT ${DIG}/generic-k8s-intents/{genericK8sIntent}/resources/{genericResource}`,
      `GET,POST ${DIG}/generic-k8s-intents/{genericK8sIntent}/resources/{genericResource}/customizations`,
      `DELETE,GET,PUT ${DIG}/generic-k8s-intents/{genericK8sIntent}/resources/{genericResource}/customizations/{customization}`,
    ],
  },
  {
    id: 'hpa-plc',
    source: 'src/hpa-plc/api/api.go',
    title: 'HPA placement controller (hpa-plc)',
    partOfMeshbridge: false,
    role: 'hpa-intents: placement by hardware resources',
    advice: 'meshbridge places no apps, it renders traffic only: remove this document or apply it to EMCO',
    paths: [
      `DELETE,GET,POST ${HPA_DIG}/hpa-intents`,
      `DELETE,GET,PUT ${HPA_DIG}/hpa-intents/{intent-name}`,
      `DELETE,GET,POST ${HPA_DIG}/hpa-intents/{intent-name}/hpa-resource-consumers`,
      `DELETE,GET,PUT ${HPA_DIG}/hpa-intents/{intent-name}/hpa-resource-consumers/{consumer-name}`,
      `DELETE,GET,POST ${HPA_DIG}/hpa-intents/{intent-name}/hpa-resource-consumers/{consumer-name}/resource-requirements`,
      `DELETE,GET,PUT ${HPA_DIG}/hpa-intents/{intent-name}/hpa-resource-consumers/{consumer-name}/resource-requirements/{resource-name}`,
    ],
  },
  {
    id: 'sfc',
    source: 'src/sfc/api/api.go',
    title: 'service function chaining controller (sfc)',
    partOfMeshbridge: false,
    role: 'network-chains',
    advice: 'meshbridge renders traffic only: remove this document or apply it to EMCO',
    paths: [
      `GET,POST ${DIG}/network-chains`,
      `DELETE,GET,PUT ${DIG}/network-chains/{sfcIntent}`,
      `GET,POST ${DIG}/network-chains/{sfcIntent}/links`,
      `DELETE,GET,PUT ${DIG}/network-chains/{sfcIntent}/links/{sfcLink}`,
      `GET,POST ${DIG}/network-chains/{sfcIntent}/client-selectors`,
      `DELETE,GET,PUT ${DIG}/network-chains/{sfcIntent}/client-selectors/{sfcClientSelector}`,
      `GET,POST ${DIG}/network-chains/{sfcIntent}/provider-networks`,
      `DELETE,GET,PUT ${DIG}/network-chains/{sfcIntent}/provider-networks/{sfcProviderNetwork}`,
    ],
  },
  {
    id: 'sfcclient',
    source: 'src/sfcclient/api/api.go',
    title: 'SFC client controller (sfcclient)',
    partOfMeshbridge: false,
    role: 'sfc-clients: workloads attached to network chains',
    advice: 'meshbridge renders traffic only: remove this document or apply it to EMCO',
    paths: [`GET,POST ${DIG}/sfc-clients`, `DELETE,GET,PUT ${DIG}/sfc-clients/{sfcClientIntent}`],
  },
  {
    id: 'tac',
    source: 'src/tac/api/api.go',
    title: 'temporal action controller (tac)',
    partOfMeshbridge: false,
    role: 'temporal-action-controller: Temporal workflows around lifecycle events',
    advice: 'meshbridge runs no workflows, it renders traffic only: remove this document or apply it to EMCO',
    paths: [
      `GET,POST ${DIG}/temporal-action-controller`,
      `DELETE,GET,PUT ${DIG}/temporal-action-controller/{tac-intent}`,
      `POST ${DIG}/temporal-action-controller/{tac-intent}/cancel`,
      `GET ${DIG}/temporal-action-controller/{tac-intent}/status`,
      `GET,POST ${DIG}/temporal-action-controller/{tac-intent}/workers`,
      `DELETE,GET,PUT ${DIG}/temporal-action-controller/{tac-intent}/workers/{workers}`,
    ],
  },
  {
    id: 'workflowmgr',
    source: 'src/workflowmgr/api/api.go',
    title: 'workflow manager (workflowmgr)',
    partOfMeshbridge: false,
    role: 'temporal-workflow-intents',
    advice: 'meshbridge runs no workflows, it renders traffic only: remove this document or apply it to EMCO',
    paths: [
      `GET,POST ${DIG}/temporal-workflow-intents`,
      `DELETE,GET ${DIG}/temporal-workflow-intents/{workflow-intent-name}`,
      `POST ${DIG}/temporal-workflow-intents/{workflow-intent-name}/start`,
      `GET ${DIG}/temporal-workflow-intents/{workflow-intent-name}/status`,
      `POST ${DIG}/temporal-workflow-intents/{workflow-intent-name}/cancel`,
    ],
  },
  {
    id: 'ca-certs',
    source: 'src/ca-certs/api/routes.go',
    title: 'CA certificate controller (ca-certs)',
    partOfMeshbridge: false,
    role: 'ca-certs: issuing and distributing intermediate CAs to clusters',
    advice:
      "meshbridge distributes no certificates: the clusters' meshes must already share a root CA (docs/rendering.md); remove this document or apply it to EMCO",
    paths: [
      'GET,POST /cluster-providers/{clusterProvider}/ca-certs',
      'DELETE,GET,PUT /cluster-providers/{clusterProvider}/ca-certs/{caCert}',
      'GET,POST /cluster-providers/{clusterProvider}/ca-certs/{caCert}/clusters',
      'DELETE,GET,PUT /cluster-providers/{clusterProvider}/ca-certs/{caCert}/clusters/{cluster}',
      'GET /cluster-providers/{clusterProvider}/ca-certs/{caCert}/enrollment/status',
      'POST /cluster-providers/{clusterProvider}/ca-certs/{caCert}/enrollment/instantiate',
      'POST /cluster-providers/{clusterProvider}/ca-certs/{caCert}/enrollment/terminate',
      'POST /cluster-providers/{clusterProvider}/ca-certs/{caCert}/enrollment/update',
      'GET /cluster-providers/{clusterProvider}/ca-certs/{caCert}/distribution/status',
      'POST /cluster-providers/{clusterProvider}/ca-certs/{caCert}/distribution/instantiate',
      'POST /cluster-providers/{clusterProvider}/ca-certs/{caCert}/distribution/terminate',
      'POST /cluster-providers/{clusterProvider}/ca-certs/{caCert}/distribution/update',
      'GET,POST /projects/{project}/ca-certs',
      'DELETE,GET,PUT /projects/{project}/ca-certs/{caCert}',
      'GET,POST /projects/{project}/ca-certs/{caCert}/logical-clouds',
      'DELETE,GET,PUT /projects/{project}/ca-certs/{caCert}/logical-clouds/{logicalCloud}',
      'GET,POST /projects/{project}/ca-certs/{caCert}/logical-clouds/{logicalCloud}/clusters',
      'DELETE,GET,PUT /projects/{project}/ca-certs/{caCert}/logical-clouds/{logicalCloud}/clusters/{cluster}',
      'GET /projects/{project}/ca-certs/{caCert}/enrollment/status',
      'POST /projects/{project}/ca-certs/{caCert}/enrollment/instantiate',
      'POST /projects/{project}/ca-certs/{caCert}/enrollment/terminate',
      'POST /projects/{project}/ca-certs/{caCert}/enrollment/update',
      'GET /projects/{project}/ca-certs/{caCert}/distribution/status',
      'POST /projects/{project}/ca-certs/{caCert}/distribution/instantiate',
      'POST /projects/{project}/ca-certs/{caCert}/distribution/terminate',
      'POST /projects/{project}/ca-certs/{caCert}/distribution/update',
    ],
  },
];
