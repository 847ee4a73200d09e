import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotServedError } from '../../errors.js';
import { NAME_PATTERN } from '../../validation/schema.js';
import { EMCO_COMPONENTS } from './catalogue.js';
import { EMCO_PATHS, findEmcoPath, notServedError, pathAfterV2, type EmcoPath } from './lookup.js';
import { lastLiteral, matchPattern } from './match.js';

const DIG = '/projects/p/composite-apps/ca/v1/deployment-intent-groups/dig';

/** Every fixed segment EMCO uses: names equal to one of these are the hard cases. */
const LITERALS = [
  ...new Set(EMCO_PATHS.flatMap((entry) => entry.pattern.text.split('/').filter((s) => s && !s.startsWith('{')))),
];
const emcoName = fc.stringMatching(new RegExp(NAME_PATTERN)).filter((name) => name.length <= 63);
const anyName = fc.oneof(emcoName, fc.constantFrom(...LITERALS));

function fill(entry: EmcoPath, names: string[]): string {
  let index = 0;
  return entry.pattern.text.replace(/\{[^}]+\}/g, () => names[index++ % names.length] as string);
}

/** An oracle written another way: the pattern as a regular expression. */
function regexOf(pattern: string): RegExp {
  const escaped = pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/\{[^}]+\}/g, '[^/]+')}/?$`);
}
const ORACLES = EMCO_PATHS.map((entry) => regexOf(entry.pattern.text));

describe('the EMCO path catalogue', () => {
  it('lists each EMCO component of emco-base with its paths, every one under a known method', () => {
    expect(EMCO_COMPONENTS.map((component) => component.id)).toEqual([
      'orchestrator',
      'clm',
      'dcm',
      'ncm',
      'dtc',
      'ovnaction',
      'genericactioncontroller',
      'hpa-plc',
      'sfc',
      'sfcclient',
      'tac',
      'workflowmgr',
      'ca-certs',
    ]);
    expect(EMCO_PATHS).toHaveLength(141);
    for (const entry of EMCO_PATHS) {
      expect(entry.pattern.text).toMatch(/^(\/([-a-z0-9]+|\{[-a-zA-Z0-9]+\}))+$/);
      for (const method of entry.methods) expect(['GET', 'POST', 'PUT', 'DELETE']).toContain(method);
    }
  });

  it('has no two paths of the same shape, so a path has one owner', () => {
    const shapes = EMCO_PATHS.map((entry) => entry.pattern.text.replace(/\{[^}]+\}/g, '{}'));
    expect(new Set(shapes).size).toBe(shapes.length);
  });

  it('finds every EMCO path filled with any names, and the path it was built from when no name is a fixed word', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EMCO_PATHS), fc.array(anyName, { minLength: 1, maxLength: 8 }), (entry, names) => {
        const path = fill(entry, names);
        expect(matchPattern(entry.pattern, path)).toBeDefined();
        const found = findEmcoPath(path);
        expect(found).toBeDefined();
        if (names.every((name) => !LITERALS.includes(name))) expect(found).toBe(entry);
      }),
    );
  });

  it('finds a path exactly when some EMCO pattern, read as a regular expression, matches it', () => {
    const segment = fc.oneof(anyName, fc.constantFrom('', 'v2', 'status'));
    const randomPath = fc.array(segment, { minLength: 1, maxLength: 14 }).map((segments) => `/${segments.join('/')}`);
    // Near misses: an EMCO path with one segment replaced, dropped or added.
    const nearMiss = fc
      .tuple(fc.constantFrom(...EMCO_PATHS), fc.array(anyName, { minLength: 1, maxLength: 8 }), fc.nat(), segment)
      .map(([entry, names, at, other]) => {
        const parts = fill(entry, names).split('/');
        const index = 1 + (at % (parts.length - 1));
        const edits = [
          () => parts.splice(index, 1, other),
          () => parts.splice(index, 1),
          () => parts.splice(index, 0, other),
          () => [],
        ];
        (edits[at % edits.length] as () => unknown)();
        return parts.join('/');
      });
    const seen = { found: 0, missing: 0 };
    fc.assert(
      fc.property(fc.oneof(randomPath, nearMiss), (path) => {
        const expected = ORACLES.some((oracle) => oracle.test(path));
        expect(findEmcoPath(path) !== undefined).toBe(expected);
        seen[expected ? 'found' : 'missing'] += 1;
      }),
      { numRuns: 1000 },
    );
    // Both answers were tried many times, so the property says something either way.
    expect(seen.found).toBeGreaterThan(100);
    expect(seen.missing).toBeGreaterThan(100);
  });

  it('finds nothing under a first segment EMCO does not have', () => {
    const roots = new Set(EMCO_PATHS.map((entry) => entry.pattern.text.split('/')[1]));
    fc.assert(
      fc.property(
        anyName.filter((root) => !roots.has(root)),
        fc.array(anyName, { maxLength: 12 }),
        (root, rest) => {
          expect(findEmcoPath(`/${[root, ...rest].join('/')}`)).toBeUndefined();
        },
      ),
    );
  });

  it('prefers the path with more fixed segments when a name is also a fixed word', () => {
    // `status` is the name of a composite app version here, and EMCO's DIG status path is not involved.
    expect(findEmcoPath('/projects/p/composite-apps/ca/status')?.pattern.text).toBe(
      '/projects/{project}/composite-apps/{compositeApp}/{compositeAppVersion}',
    );
    expect(findEmcoPath('/cluster-providers/cp/clusters/c/status')?.component.id).toBe('ncm');
  });
});

describe('what meshbridge says about an EMCO path it does not serve', () => {
  it('names the path, the component that owns it and what to do', () => {
    const error = notServedError('POST', `/v2${DIG}/network-controller-intent?x=1`);
    expect(error).toBeInstanceOf(NotServedError);
    expect(error?.code).toBe('NotServedByMeshbridge');
    expect(error?.message).toBe(
      `POST /v2${DIG}/network-controller-intent is a path of EMCO's ovnaction controller ` +
        '(network-controller-intent: OVN interfaces of workloads), which is not part of meshbridge; ' +
        'meshbridge renders traffic only: remove this document or apply it to EMCO',
    );
    expect(error?.details).toEqual([
      {
        path: `/v2${DIG}/network-controller-intent`,
        message:
          "EMCO's ovnaction serves GET, POST on /v2/projects/{project}/composite-apps/{compositeApp}/{compositeAppVersion}" +
          '/deployment-intent-groups/{deploymentIntentGroup}/network-controller-intent (src/ovnaction/api/api.go)',
      },
    ]);
  });

  it("says which part of a component meshbridge serves in part, with that part's own advice", () => {
    const stop = notServedError('POST', `/v2${DIG}/stop`);
    expect(stop?.message).toBe(
      `POST /v2${DIG}/stop is EMCO's orchestrator path for stop, which meshbridge does not serve; ` +
        'meshbridge has no stop: POST .../terminate removes what the group deployed, and GET .../status shows the operation in progress',
    );
    const dependency = notServedError('GET', '/v2/projects/p/composite-apps/ca/v1/apps/a/dependency/d');
    expect(dependency?.message).toContain("app dependencies order EMCO's deployment of apps");
    const kv = notServedError('GET', '/v2/projects/p/logical-clouds/lc/kv-pairs');
    expect(kv?.message).toContain(
      "is EMCO's distributed cloud manager (dcm) path for kv-pairs, which meshbridge does not serve;",
    );
    expect(kv?.message).toContain('meshbridge uses a logical cloud to know where services run');
  });

  it('has advice only for subjects its component has, so none is dead text', () => {
    for (const component of EMCO_COMPONENTS) {
      for (const subject of Object.keys(component.adviceFor ?? {})) {
        const owned = EMCO_PATHS.some(
          (entry) => entry.component === component && lastLiteral(entry.pattern) === subject,
        );
        expect(owned, `${component.id}: ${subject}`).toBe(true);
      }
    }
  });

  it('answers nothing for paths EMCO does not have or that are outside /v2', () => {
    expect(notServedError('GET', '/v2/nothing-here')).toBeUndefined();
    expect(notServedError('GET', `${DIG}/network-controller-intent`)).toBeUndefined();
    expect(notServedError('GET', `/v3${DIG}/network-controller-intent`)).toBeUndefined();
    expect(pathAfterV2('/v2')).toBeUndefined();
    expect(pathAfterV2('/v2/projects/p?q=1')).toBe('/projects/p');
  });
});
