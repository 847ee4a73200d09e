/**
 * The top of the OpenAPI document: info, licence, server, the bearer scheme and every
 * tag with its description. Linted under Redocly's recommended rules (openapi-lint.test.ts).
 */
import type { SwaggerOptions } from '@fastify/swagger';
import type { KindName } from '../../core/model/kind.js';
import { KINDS } from '../../core/model/registry.js';

/** One line per kind: what the resource is for. A new kind does not compile without one. */
const KIND_TAGS: Record<KindName, string> = {
  controller: "EMCO's controller registrations, kept so EMCO files apply unchanged",
  dtcController: "EMCO's DTC sub-controller registrations, kept so EMCO files apply unchanged",
  clusterProvider: 'A group of clusters, e.g. one cloud account',
  cluster: 'A Kubernetes cluster, its kubeconfig (write-only) and gateway',
  clusterLabel: 'Labels that placement intents select clusters by',
  clusterKvPair: "EMCO's key-value pairs of a cluster, e.g. its gateway address",
  project: 'A tenant: composite apps and logical clouds live in a project',
  logicalCloud: 'Namespaces across clusters that a deployment intent group deploys into',
  clusterReference: 'A cluster that belongs to a logical cloud',
  userPermission: "What a logical cloud's user may do in a namespace (EMCO's DCM; stored, not deployed)",
  clusterQuota: "A standard logical cloud's resource quota per cluster (EMCO's DCM; stored, not deployed)",
  compositeApp: 'A versioned set of apps deployed together',
  app: 'An app of a composite app, with its uploaded chart',
  compositeProfile: 'A set of app profiles that a deployment intent group names',
  appProfile: "An app's profile (EMCO: Helm values overrides), with its uploaded file",
  deploymentIntentGroup: 'What is deployed together: the intents of a composite app version into a logical cloud',
  groupIntent: 'Names the placement and traffic intents a deployment intent group uses',
  genericPlacementIntent: 'Groups the placement intents of the apps',
  appIntent: 'Which clusters an app is placed in',
  trafficGroupIntent: 'Groups the inbound intents of a deployment intent group',
  inboundIntent: 'A service that accepts calls from other apps, and how (mTLS, ports, traffic management)',
  inboundClient: 'An app allowed to call an inbound service, and on which paths and methods',
  accessPoint: 'The calls a client makes to an inbound service',
  routingIntent: 'Splits and routes calls to a service by path, header or weight',
};

const OTHER_TAGS = [
  {
    name: 'seed 000 traffic paths',
    description: "Seed 000's inbound and client paths, which name no deployment intent group",
  },
  { name: 'render', description: 'The Istio objects the intents produce, and where a call would go' },
  {
    name: 'map',
    description:
      "The fleet's intended connectivity for the web page: every declared call with its verdict, and deploy state",
  },
  {
    name: 'deploy',
    description: "A deployment intent group's lifecycle: approve, instantiate, update, terminate, status",
  },
  { name: 'access', description: "API tokens and the audit log: a global admin's" },
  { name: 'monitoring', description: 'Metrics in the Prometheus text format (docs/operations.md)' },
];

export const TAGS = [...KINDS.map((kind) => ({ name: kind.label, description: KIND_TAGS[kind.kind] })), ...OTHER_TAGS];

export function openApiOptions(version: string): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'meshbridge',
        version,
        description:
          "Declare cross-cluster traffic intents; meshbridge renders, validates, deploys and watches the Istio configuration of every cluster. It speaks the REST API of EMCO's Distributed Traffic Controller under /v2. Every error has the shape of ErrorResponse and names every bad field.",
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      },
      // The document is served by the API it describes: its paths are relative to that server.
      servers: [{ url: '/', description: 'The meshbridge that serves this document (default http://127.0.0.1:9015)' }],
      tags: TAGS,
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description:
              'The admin token (MESHBRIDGE_ADMIN_TOKEN), an API token (mb_...) or an OIDC JWT. Needed on every path once authentication is on; without it meshbridge listens on loopback only and asks for none (docs/security.md).',
          },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    // Shared schemas keep their $id as their component name: ErrorResponse, not def-0.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === 'string' ? json.$id : `def-${index}`,
    },
  };
}
