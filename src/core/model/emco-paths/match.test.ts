import { describe, expect, it } from 'vitest';
import { compilePattern, lastLiteral, literalCount, matchPattern, pathSegments } from './match.js';

describe('path patterns', () => {
  it("reads EMCO's {variable}, Fastify's :variable and a last *", () => {
    expect(compilePattern('/projects/{project}/ca-certs/:caCert/*').segments).toEqual([
      { literal: 'projects' },
      { variable: 'project' },
      { literal: 'ca-certs' },
      { variable: 'caCert' },
      { rest: true },
    ]);
  });

  it('gives the variables of a matching path', () => {
    const pattern = compilePattern('/cluster-providers/{clusterProvider}/clusters/{cluster}/networks');
    expect(matchPattern(pattern, '/cluster-providers/edge/clusters/c1/networks')).toEqual({
      clusterProvider: 'edge',
      cluster: 'c1',
    });
  });

  it('ignores the query, the fragment and one trailing slash, as the router does', () => {
    const pattern = compilePattern('/projects/{project}/ca-certs');
    expect(matchPattern(pattern, '/projects/p/ca-certs/')).toEqual({ project: 'p' });
    expect(matchPattern(pattern, '/projects/p/ca-certs?x=1/2')).toEqual({ project: 'p' });
    expect(matchPattern(pattern, '/projects/p/ca-certs#top')).toEqual({ project: 'p' });
    expect(pathSegments('/v2/projects/?a=b')).toEqual(['v2', 'projects']);
  });

  it('refuses a different fixed segment, an empty variable, and a segment more or less', () => {
    const pattern = compilePattern('/projects/{project}/ca-certs');
    expect(matchPattern(pattern, '/projects/p/ca-cert')).toBeUndefined();
    expect(matchPattern(pattern, '/projects//ca-certs')).toBeUndefined();
    expect(matchPattern(pattern, '/projects/p/ca-certs/c')).toBeUndefined();
    expect(matchPattern(pattern, '/projects/p')).toBeUndefined();
    expect(matchPattern(pattern, '/Projects/p/ca-certs')).toBeUndefined();
  });

  it('lets * take everything below, and only below', () => {
    const pattern = compilePattern('/docs/*');
    expect(matchPattern(pattern, '/docs/static/index.html')).toEqual({});
    expect(matchPattern(pattern, '/doc/x')).toBeUndefined();
  });

  it('counts fixed segments and names the last one', () => {
    const pattern = compilePattern('/projects/{p}/composite-apps/{a}/{v}/deployment-intent-groups/{d}/hpa-intents/{i}');
    expect(literalCount(pattern)).toBe(4);
    expect(lastLiteral(pattern)).toBe('hpa-intents');
    expect(lastLiteral(compilePattern('/{a}'))).toBeUndefined();
  });
});
