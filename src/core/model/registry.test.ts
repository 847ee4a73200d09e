import fc from 'fast-check';
import { expect, test } from 'vitest';
import { itemKey, KINDS, kindOf, paramsFromKey, parentKeyFromParams, routePatterns } from './registry.js';

test('every kind has a parent that exists, unique params and a unique route', () => {
  const routes = new Set<string>();
  for (const kind of KINDS) {
    if (kind.parent) expect(kindOf(kind.parent)).toBeDefined();
    routes.add(routePatterns(kind).item);
  }
  expect(routes.size).toBe(KINDS.length);
  expect(routePatterns(kindOf('accessPoint')).item).toBe(
    '/projects/:project/composite-apps/:compositeApp/:compositeAppVersion/deployment-intent-groups/:deploymentIntentGroup/traffic-group-intents/:trafficGroupIntent/inbound-intents/:inboundIntent/clients/:inboundClient/access-points/:accessPoint',
  );
});

test('keys and path parameters convert both ways for every kind', () => {
  const name = fc.stringMatching(/^[A-Za-z0-9][-A-Za-z0-9_.]{0,10}$/);
  fc.assert(
    fc.property(fc.constantFrom(...KINDS), fc.array(name, { minLength: 12, maxLength: 12 }), (kind, names) => {
      const params: Record<string, string> = {};
      let index = 0;
      for (const pattern of routePatterns(kind).item.matchAll(/:([A-Za-z]+)/g))
        params[pattern[1] as string] = names[index++] as string;
      const key = itemKey(
        kind,
        parentKeyFromParams(kind, params),
        kind.params.map((param) => params[param] as string),
      );
      expect(paramsFromKey(kind, key)).toEqual(params);
      expect(`/${key}`).toBe(
        routePatterns(kind).item.replace(/:([A-Za-z]+)/g, (_, param: string) => params[param] as string),
      );
    }),
  );
});
