/**
 * What a request needs, from its method and path alone, and whether a principal has it.
 * One pure function for the whole API, so the rules can be read (and tested) in one place:
 *
 * - reading a project's resources needs `viewer` of that project (or of every project);
 * - writing them needs `editor`; the lifecycle verbs of a deployment intent group (approve,
 *   instantiate, update, terminate, rollback, status refresh) and of a logical cloud (instantiate,
 *   terminate) need `deployer` — editing and shipping are separate duties;
 * - cluster providers, clusters and their gateways can be read by anyone with a grant
 *   (logical clouds name them) and written only by a global `admin`;
 * - what spans every project (the project list, a cluster's or the fleet's render, `/metrics`) needs a global grant;
 * - the connectivity map (`/v2/map`) can be read with any grant, and shows only the projects the
 *   principal may read (`readableProjects`);
 * - tokens and the audit log are a global `admin`'s;
 * - `showSecrets=true` needs `readSecrets` as well, whatever else the request needs.
 */
import type { Grant, Principal, Role } from './principal.js';

export type Permission = 'read' | 'write' | 'deploy' | 'admin';

export interface Requirement {
  permission: Permission;
  /** The project the request is about; undefined means every project (a global grant is needed). */
  project?: string;
  /** Any grant will do (reading the fleet's clusters, the API description). */
  anyGrant?: boolean;
  readSecrets: boolean;
}

const PERMISSIONS_OF: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ['read'],
  editor: ['read', 'write'],
  deployer: ['read', 'deploy'],
  admin: ['read', 'write', 'deploy', 'admin'],
};

const LIFECYCLE_VERBS = new Set(['approve', 'instantiate', 'update', 'terminate', 'rollback', 'status']);
const READING = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The request as the router matched it: never the raw URL, which the router normalizes its own way. */
export interface MatchedRequest {
  method: string;
  /** The route's pattern (`/v2/projects/:project/...`); undefined when no route matched. */
  route: string | undefined;
  /** The decoded `:project` parameter, when the route has one. */
  project: string | undefined;
  showSecrets: boolean;
}

function projectRequirement(reading: boolean, segments: string[], request: MatchedRequest): Requirement {
  const readSecrets = request.showSecrets;
  if (segments[2] !== ':project' || request.project === undefined)
    return { permission: reading ? 'read' : 'write', readSecrets };
  // A literal verb ends the pattern only on the lifecycle routes; a resource named `update` is a parameter.
  const last = segments[segments.length - 1] ?? '';
  const lifecycleOwner = segments[segments.length - 3];
  const isLifecycle =
    !reading &&
    LIFECYCLE_VERBS.has(last) &&
    (segments.includes('deployment-intent-groups') || lifecycleOwner === 'logical-clouds');
  const permission: Permission = reading ? 'read' : isLifecycle ? 'deploy' : 'write';
  return { permission, project: request.project, readSecrets };
}

function clusterRequirement(reading: boolean, segments: string[], request: MatchedRequest): Requirement {
  if (!reading) return { permission: 'admin', readSecrets: false };
  // A cluster's render holds every project's objects.
  if (segments[segments.length - 1] === 'render') return { permission: 'read', readSecrets: request.showSecrets };
  return { permission: 'read', anyGrant: true, readSecrets: request.showSecrets };
}

export function requirementOf(request: MatchedRequest): Requirement {
  const verb = request.method.toUpperCase();
  const reading = READING.has(verb);
  // Nothing matched: the answer is a 404 for anyone authenticated, and it must not be worth more.
  if (request.route === undefined) return { permission: 'read', anyGrant: true, readSecrets: false };
  const segments = request.route.split('/').filter((segment) => segment !== '');
  const [root, area] = segments;
  // Metrics name every project's groups and every cluster: a global grant, as for the fleet's render.
  if (root === 'metrics') return { permission: 'read', readSecrets: false };
  if (root !== 'v2') return { permission: reading ? 'read' : 'admin', anyGrant: reading, readSecrets: false };
  if (area === 'projects') return projectRequirement(reading, segments, request);
  if (area === 'tokens' || area === 'audit') return { permission: 'admin', readSecrets: false };
  if (area === 'cluster-providers') return clusterRequirement(reading, segments, request);
  if (area === 'openapi.json' || area === 'version') return { permission: 'read', anyGrant: true, readSecrets: false };
  // The map shows each reader only the projects it may read (readableProjects), so any reading grant will do.
  if (area === 'map' && reading) return { permission: 'read', anyGrant: true, readSecrets: request.showSecrets };
  return { permission: reading ? 'read' : 'admin', readSecrets: request.showSecrets };
}

function grantCovers(grant: Grant, requirement: Requirement): boolean {
  if (!PERMISSIONS_OF[grant.role].includes(requirement.permission)) return false;
  if (requirement.anyGrant) return true;
  return grant.project === undefined || grant.project === requirement.project;
}

/** Undefined when allowed; otherwise why not, in words that name no secret. */
export function denial(principal: Principal, requirement: Requirement): string | undefined {
  if (requirement.readSecrets && !principal.readSecrets)
    return 'showing secrets needs the read-secrets permission; ask an admin for a token that has it';
  if (principal.grants.some((grant) => grantCovers(grant, requirement))) return undefined;
  const roles = (Object.keys(PERMISSIONS_OF) as Role[]).filter((role) =>
    PERMISSIONS_OF[role].includes(requirement.permission),
  );
  const where =
    requirement.anyGrant === true
      ? 'any project'
      : requirement.project === undefined
        ? 'every project (a global grant)'
        : `project ${requirement.project}`;
  return `this needs ${roles.join(' or ')} in ${where}`;
}

/** The projects a principal may read: every one with a global grant, else those its grants name. */
export function readableProjects(principal: Principal): 'all' | Set<string> {
  const reading = principal.grants.filter((grant) => PERMISSIONS_OF[grant.role].includes('read'));
  if (reading.some((grant) => grant.project === undefined)) return 'all';
  return new Set(reading.map((grant) => grant.project as string));
}
