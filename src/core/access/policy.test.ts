import fc from 'fast-check';
import { expect, test } from 'vitest';
import { denial, readableProjects, requirementOf, type MatchedRequest } from './policy.js';
import { ADMIN, parseGrant, ROLES, type Principal } from './principal.js';

const GROUP =
  '/v2/projects/:project/composite-apps/:compositeApp/:compositeAppVersion/deployment-intent-groups/:deploymentIntentGroup';

/** A concrete URL of the tests as the router would match it: project names become `:project`. */
function asMatched(method: string, url: string, showSecrets = false): MatchedRequest {
  const path = url.split('?')[0]!;
  const project = /^\/v2\/projects\/([^/]+)/.exec(path)?.[1];
  const route = project === undefined ? path : path.replace(`/v2/projects/${project}`, '/v2/projects/:project');
  return { method, route, project, showSecrets };
}

function principal(grants: string[], readSecrets = false): Principal {
  return { name: 'token:t', via: 'token', grants: grants.map((text) => parseGrant(text)!), readSecrets };
}

const allowed = (who: Principal, method: string, url: string, showSecrets = false) =>
  denial(who, requirementOf(asMatched(method, url, showSecrets))) === undefined;

test.each([
  // who, method, url, allowed
  [['viewer:p1'], 'GET', `${GROUP.replace(':project', 'p1')}/status`, true],
  [['viewer:p1'], 'GET', '/v2/projects/p2', false],
  [['viewer:p1'], 'PUT', '/v2/projects/p1/composite-apps/ca/v1', false],
  [['editor:p1'], 'PUT', '/v2/projects/p1/composite-apps/ca/v1', true],
  [['editor:p1'], 'POST', `${GROUP.replace(':project', 'p1')}/instantiate`, false],
  [['editor:p1'], 'POST', `${GROUP.replace(':project', 'p1')}/status?refresh=true`, false],
  [['deployer:p1'], 'POST', `${GROUP.replace(':project', 'p1')}/instantiate`, true],
  [['deployer:p1'], 'POST', `${GROUP.replace(':project', 'p1')}/rollback`, true],
  [['deployer:p1'], 'DELETE', GROUP.replace(':project', 'p1'), false],
  [['deployer:p2'], 'POST', `${GROUP.replace(':project', 'p1')}/approve`, false],
  // A logical cloud's instantiate and terminate are lifecycle verbs too (EMCO's DCM); its status is a read.
  [['editor:p1'], 'POST', '/v2/projects/p1/logical-clouds/lc/instantiate', false],
  [['deployer:p1'], 'POST', '/v2/projects/p1/logical-clouds/lc/instantiate', true],
  [['deployer:p1'], 'POST', '/v2/projects/p1/logical-clouds/lc/terminate', true],
  [['deployer:p1'], 'POST', '/v2/projects/p1/logical-clouds/lc/user-permissions', false],
  [['editor:p1'], 'POST', '/v2/projects/p1/logical-clouds/lc/user-permissions', true],
  [['viewer:p1'], 'GET', '/v2/projects/p1/logical-clouds/lc/status', true],
  [['editor'], 'POST', '/v2/projects', true],
  [['editor:p1'], 'POST', '/v2/projects', false],
  [['viewer:p1'], 'GET', '/v2/projects', false],
  [['viewer'], 'GET', '/v2/projects', true],
  [['viewer:p1'], 'GET', '/v2/cluster-providers/prov/clusters/c1', true],
  [['viewer:p1'], 'GET', '/v2/cluster-providers/prov/clusters/c1/render', false],
  [['editor'], 'PUT', '/v2/cluster-providers/prov/clusters/c1', false],
  [['admin:p1'], 'PUT', '/v2/cluster-providers/prov/clusters/c1', false],
  [['admin'], 'PUT', '/v2/cluster-providers/prov/clusters/c1', true],
  [['viewer:p1'], 'GET', '/v2/render', false],
  [['viewer'], 'GET', '/v2/check-route?from=a', true],
  [['admin:p1'], 'GET', '/v2/audit', false],
  [['admin'], 'POST', '/v2/tokens', true],
  [['editor'], 'GET', '/v2/tokens', false],
  // The map shows each reader its own projects only (readableProjects), so any reading grant may ask.
  [['viewer:p1'], 'GET', '/v2/map', true],
  [['viewer:p1'], 'GET', '/v2/map/clusters/prov/c1/objects', true],
  [[], 'GET', '/v2/map', false],
  [['editor'], 'POST', '/v2/map', false],
  [['viewer:p1'], 'GET', '/v2/openapi.json', true],
  [[], 'GET', '/v2/openapi.json', false],
  [['viewer:p1'], 'GET', '/v2/version', true],
  [[], 'GET', '/v2/version', false],
  [['viewer'], 'GET', '/metrics', true],
  [['viewer:p1'], 'GET', '/metrics', false],
  [['admin:p1'], 'GET', '/metrics', false],
  [[], 'GET', '/metrics', false],
])('%j %s %s → %s', (grants, method, url, expected) => {
  expect(allowed(principal(grants.filter((g) => parseGrant(g) !== undefined)), method, url)).toBe(expected);
});

test('the project is the router’s decoded parameter, and a verb is a verb only where the route says so', () => {
  const route = '/v2/projects/:project/composite-apps';
  expect(allowed(principal(['viewer:p1']), 'GET', route)).toBe(false);
  const asked = (project: string, path = route, method = 'GET') => ({
    method,
    route: path,
    project,
    showSecrets: false,
  });
  expect(denial(principal(['viewer:p1']), requirementOf(asked('p1')))).toBeUndefined();
  expect(denial(principal(['viewer:p1']), requirementOf(asked('p2')))).toBeDefined();
  const namedUpdate = `${GROUP}/generic-placement-intents/:genericPlacementIntent`;
  expect(requirementOf(asked('p1', namedUpdate, 'PUT')).permission).toBe('write');
  expect(requirementOf(asked('p1', `${GROUP}/update`, 'POST')).permission).toBe('deploy');
  expect(requirementOf({ method: 'GET', route: undefined, project: undefined, showSecrets: true })).toMatchObject({
    anyGrant: true,
    readSecrets: false,
  });
});

test('showSecrets needs readSecrets on top of the role', () => {
  expect(allowed(principal(['viewer:p1']), 'GET', `${GROUP.replace(':project', 'p1')}/render`, true)).toBe(false);
  expect(allowed(principal(['viewer:p1'], true), 'GET', `${GROUP.replace(':project', 'p1')}/render`, true)).toBe(true);
  expect(allowed(principal(['viewer:p1'], true), 'GET', '/v2/render', true)).toBe(false);
  expect(denial(principal(['admin']), requirementOf(asMatched('GET', '/v2/render', true)))).toMatch(/read-secrets/);
});

test('the denial says what is needed and where', () => {
  expect(
    denial(
      principal(['viewer:p1']),
      requirementOf(asMatched('POST', `${GROUP.replace(':project', 'p1')}/instantiate`.replace(':project', 'p1'))),
    ),
  ).toBe('this needs deployer or admin in project p1');
});

const anyMethod = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE');
const anySegment = fc.oneof(
  fc.constantFrom('v2', 'projects', 'p1', 'p2', 'cluster-providers', 'render', 'tokens', 'audit', 'instantiate', '..'),
  fc.string({ maxLength: 8 }),
);
const anyUrl = fc.array(anySegment, { maxLength: 9 }).map((segments) => `/${segments.join('/')}`);

test('the global admin with read-secrets may do anything', () => {
  fc.assert(
    fc.property(anyMethod, anyUrl, fc.boolean(), (method, url, secrets) => allowed(ADMIN, method, url, secrets)),
  );
});

test('nobody without a grant may do anything, and grants of one project never reach another', () => {
  fc.assert(
    fc.property(anyMethod, anyUrl, fc.constantFrom(...ROLES), (method, url, role) => {
      expect(allowed(principal([]), method, url)).toBe(false);
      const requirement = requirementOf(asMatched(method, url));
      if (requirement.project !== undefined && requirement.project !== 'p1' && !requirement.anyGrant)
        expect(allowed(principal([`${role}:p1`]), method, url)).toBe(false);
    }),
  );
});

test('a role never allows a write that its permissions do not name', () => {
  fc.assert(
    fc.property(fc.constantFrom('POST', 'PUT', 'DELETE'), anyUrl, (method, url) => {
      expect(allowed(principal(['viewer']), method, url)).toBe(false);
    }),
  );
});

test('readable projects: every one with a global grant of any role, else exactly those the grants name', () => {
  expect(readableProjects(ADMIN)).toBe('all');
  expect(readableProjects(principal(['deployer']))).toBe('all');
  expect(readableProjects(principal(['viewer:p1', 'editor:p2']))).toEqual(new Set(['p1', 'p2']));
  expect(readableProjects(principal([]))).toEqual(new Set());
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(...ROLES), fc.option(fc.constantFrom('p1', 'p2', 'p3')))),
      (pairs) => {
        const who = principal(pairs.map(([role, project]) => (project === null ? role : `${role}:${project}`)));
        const readable = readableProjects(who);
        for (const project of ['p1', 'p2', 'p3']) {
          const mayRead = readable === 'all' || readable.has(project);
          expect(mayRead).toBe(allowed(who, 'GET', `/v2/projects/${project}`));
        }
      },
    ),
  );
});
