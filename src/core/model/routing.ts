/**
 * Weighted routing (seed 001): calls to one host, matched by path or method, split
 * by weight across the apps that serve it, wherever they are placed.
 */
import { Type } from '@sinclair/typebox';
import type { Issue } from '../errors.js';
import { Name, Obj, Port, StringEnum, StringList } from '../validation/schema.js';
import { HTTP_METHODS } from './access.js';
import { durationMillis } from './formats.js';
import { intentMetadata } from './inbound.js';
import { byMetadataName, specOf, type Reference, type ResourceBody, type ResourceKind } from './kind.js';
import { childKey, compositeAppKey } from './keys.js';

const duration = () =>
  Type.String({
    pattern: '^([0-9]+(\\.[0-9]+)?(h|m|s|ms))+$',
    'x-pattern-message': 'must be a duration such as 2s or 500ms',
  });

const match = Obj({
  uriPrefix: Type.Optional(Type.String({ minLength: 1 })),
  uriExact: Type.Optional(Type.String({ minLength: 1 })),
  uriRegex: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  method: Type.Optional(StringEnum([...HTTP_METHODS])),
  headers: Type.Optional(Type.Object({}, { additionalProperties: Type.String() })),
});

const destination = Obj({
  app: Name(),
  weight: Type.Integer({ minimum: 0, maximum: 100 }),
  port: Type.Optional(Port()),
});

const httpRoute = Obj({
  name: Type.Optional(Type.String({ maxLength: 63 })),
  match: Type.Optional(StringList(match)),
  route: Type.Array(destination, { minItems: 1 }),
  timeout: Type.Optional(duration()),
  retries: Type.Optional(
    Obj({
      attempts: Type.Integer({ minimum: 0, maximum: 100 }),
      perTryTimeout: Type.Optional(duration()),
      retryOn: Type.Optional(Type.String({ minLength: 1 })),
    }),
  ),
});

interface RouteSpec {
  host: string;
  http: {
    match?: { uriPrefix?: string; uriExact?: string; uriRegex?: string }[];
    route: { app: string; weight: number }[];
    timeout?: string;
  }[];
}

function checkRouting(body: ResourceBody): Issue[] {
  const spec = specOf(body) as unknown as RouteSpec;
  const issues: Issue[] = [];
  spec.http.forEach((rule, ruleIndex) => {
    const at = `spec.http[${ruleIndex}]`;
    rule.match?.forEach((condition, matchIndex) => {
      const uriKinds = [condition.uriPrefix, condition.uriExact, condition.uriRegex].filter(
        (value) => value !== undefined,
      );
      if (uriKinds.length > 1)
        issues.push({ path: `${at}.match[${matchIndex}]`, message: 'give one of uriPrefix, uriExact or uriRegex' });
    });
    const seen = new Set<string>();
    rule.route.forEach((target, targetIndex) => {
      if (seen.has(target.app))
        issues.push({
          path: `${at}.route[${targetIndex}].app`,
          message: `${target.app} is listed twice in this route`,
        });
      seen.add(target.app);
    });
    const total = rule.route.reduce((sum, target) => sum + target.weight, 0);
    if (rule.route.length > 1 && total === 0)
      issues.push({ path: `${at}.route`, message: 'weights add up to 0: no destination would get any call' });
    if (rule.timeout !== undefined && (durationMillis(rule.timeout) ?? 0) < 1)
      issues.push({ path: `${at}.timeout`, message: 'must be at least 1ms' });
  });
  return issues;
}

function routingReferences(body: ResourceBody, params: Record<string, string>): Reference[] {
  const spec = specOf(body) as unknown as RouteSpec;
  const compositeApp = compositeAppKey(
    params.project as string,
    params.compositeApp as string,
    params.compositeAppVersion as string,
  );
  const references: Reference[] = [{ path: 'spec.host', what: 'app', key: childKey(compositeApp, 'apps', spec.host) }];
  spec.http.forEach((rule, ruleIndex) =>
    rule.route.forEach((target, targetIndex) =>
      references.push({
        path: `spec.http[${ruleIndex}].route[${targetIndex}].app`,
        what: 'app',
        key: childKey(compositeApp, 'apps', target.app),
      }),
    ),
  );
  return references;
}

export const routingIntentKind: ResourceKind = {
  kind: 'routingIntent',
  label: 'routing intent',
  parent: 'trafficGroupIntent',
  segment: 'routing-intents',
  params: ['routingIntent'],
  schema: Obj({
    metadata: intentMetadata(),
    spec: Obj({ host: Name(), port: Type.Optional(Port()), http: Type.Array(httpRoute, { minItems: 1 }) }),
  }),
  itemSegments: byMetadataName,
  check: checkRouting,
  references: (body, { params }) => routingReferences(body, params),
};
