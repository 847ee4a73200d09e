/**
 * The OpenAPI document is complete enough to generate clients from: an operationId and
 * documented 2xx and 4xx answers on every operation, the bearer scheme, a server and the
 * licence; and Redocly CLI (recommended rules, redocly.yaml) finds no error in it.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { KINDS, routePatterns } from '../../core/model/registry.js';
import { describeProblems, lintOpenApi, openApiDocument } from '../../test-support/openapi-lint.js';
import { kindOperationIds } from './resource-routes.js';

interface Operation {
  operationId?: string;
  tags?: string[];
  parameters?: { in: string; name: string }[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

interface Document {
  info: { license?: { name: string; url?: string } };
  servers?: { url: string }[];
  security?: Record<string, string[]>[];
  tags?: { name: string; description?: string }[];
  components: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
const openApiPath = (pattern: string) => `/v2${pattern.replace(/:([A-Za-z]+)/g, '{$1}')}`;

function operations(document: Document): { where: string; method: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, operation]) => ({ where: `${method.toUpperCase()} ${path}`, method, operation })),
  );
}

const statuses = (operation: Operation) => Object.keys(operation.responses);

describe('the OpenAPI document', () => {
  let document: Document;
  beforeAll(async () => {
    document = (await openApiDocument()) as unknown as Document;
  });

  test('Redocly finds no error under the recommended rules', async () => {
    const report = await lintOpenApi(document);
    expect(report.totals.errors, describeProblems(report)).toBe(0);
  }, 60_000);

  test('the lint does fail a document without operation ids or client errors', async () => {
    const broken = structuredClone(document);
    const get = broken.paths['/v2/check-route']?.get as Operation;
    delete get.operationId;
    get.responses = Object.fromEntries(Object.entries(get.responses).filter(([status]) => !status.startsWith('4')));
    const report = await lintOpenApi(broken);
    const failed = report.problems.filter((problem) => problem.severity === 'error').map((problem) => problem.ruleId);
    expect(failed).toEqual(expect.arrayContaining(['operation-operationId', 'operation-4xx-response']));
  }, 60_000);

  test('every operation has an operationId, unique and readable', () => {
    const ids = operations(document).map(({ where, operation }) => {
      expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
      return operation.operationId;
    });
    expect(ids.length).toBeGreaterThan(100);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("a kind's operation ids come from its name", () => {
    for (const kind of KINDS) {
      const { collection, item } = routePatterns(kind);
      const ids = kindOperationIds(kind);
      expect(document.paths[openApiPath(collection)]?.get?.operationId).toBe(ids.list);
      expect(document.paths[openApiPath(collection)]?.post?.operationId).toBe(ids.create);
      expect(document.paths[openApiPath(item)]?.get?.operationId).toBe(ids.get);
      expect(document.paths[openApiPath(item)]?.put?.operationId).toBe(ids.replace);
      expect(document.paths[openApiPath(item)]?.delete?.operationId).toBe(ids.remove);
    }
    const all = new Set(operations(document).map(({ operation }) => operation.operationId));
    for (const id of [
      'getProject',
      'listProjects',
      'createCompositeApp',
      'listClusterProviders',
      'replaceInboundIntent',
      'deleteRoutingIntent',
      'instantiateDeploymentIntentGroup',
      'checkRoute',
      'renderFleet',
      'getClusterGateway',
      'listSeedInboundIntents',
      'createSeedClient',
      'createToken',
      'listAuditEvents',
    ])
      expect(all, id).toContain(id);
  });

  test('every operation documents a 2xx and a 4xx, and every error answer is an ErrorResponse', () => {
    for (const { where, operation } of operations(document)) {
      expect(
        statuses(operation).some((status) => /^2\d\d$/.test(status)),
        where,
      ).toBe(true);
      const errors = statuses(operation).filter((status) => /^4\d\d$/.test(status));
      expect(errors, where).toEqual(expect.arrayContaining(['401', '403']));
      for (const status of errors)
        expect(operation.responses[status]?.content?.['application/json']?.schema?.$ref, `${where} ${status}`).toBe(
          '#/components/schemas/ErrorResponse',
        );
    }
  });

  test('creates and deletes document 409; writes by If-Match document 412; bodies document 400, 413, 415, 422', () => {
    for (const { where, method, operation } of operations(document)) {
      const ifMatch = operation.parameters?.some(
        (parameter) => parameter.in === 'header' && parameter.name === 'if-match',
      );
      if (ifMatch) expect(statuses(operation), where).toContain('412');
      // A token is neither a child nor a parent: revoking one, or creating one, meets no conflict.
      const token = operation.operationId === 'revokeToken' || operation.operationId === 'createToken';
      if (method === 'delete' && !token) expect(statuses(operation), where).toContain('409');
      if (/^(create|replace)/.test(operation.operationId ?? '') && !token) {
        expect(statuses(operation), where).toEqual(expect.arrayContaining(['400', '404', '409', '413', '415', '422']));
      }
    }
    for (const kind of KINDS) {
      const item = document.paths[openApiPath(routePatterns(kind).item)];
      for (const method of ['put', 'delete'])
        expect(
          item?.[method]?.parameters?.map((parameter) => parameter.name),
          `${kind.kind} ${method}`,
        ).toContain('if-match');
    }
  });

  test('declares the bearer scheme for every operation, a server and the licence of package.json', () => {
    expect(document.components.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.security).toEqual([{ bearerAuth: [] }]);
    expect(document.servers?.length).toBeGreaterThan(0);
    const { license } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      license: string;
    };
    expect(document.info.license?.name).toBe(license);
    expect(document.info.license?.url).toMatch(/^https:\/\//);
  });

  test('every tag an operation uses is declared with a description', () => {
    const declared = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description ?? '']));
    for (const { where, operation } of operations(document)) {
      expect(operation.tags?.length, where).toBe(1);
      for (const tag of operation.tags ?? []) expect(declared.get(tag), `${where}: ${tag}`).toMatch(/\w/);
    }
  });

  test('the probes and the document itself stay out of it', () => {
    for (const path of ['/healthz', '/readyz', '/v2/openapi.json']) expect(document.paths).not.toHaveProperty([path]);
  });
});
