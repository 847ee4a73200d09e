import { Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { KINDS } from '../model/registry.js';
import { expect, test } from 'vitest';
import { checkSchema, isCompiled, precompile } from './check.js';
import { formatPath, pointerToSegments } from './path.js';
import { Duration, Obj, Port, StringEnum } from './schema.js';

const schema = Obj({
  name: Type.String({ minLength: 1 }),
  port: Port(),
  mode: Type.Optional(StringEnum(['A', 'B'])),
  wait: Type.Optional(Duration()),
  list: Type.Optional(Type.Array(Obj({ x: Type.Integer() }))),
  map: Type.Optional(Type.Object({}, { additionalProperties: Type.String() })),
});

test('reports every error at once, each with a readable path', () => {
  const issues = checkSchema(
    { port: 70000, mode: 'C', wait: '5 minutes', list: [{ x: 1 }, { x: 'two' }], map: { 'a.b/c': 3 } },
    schema,
  );
  expect(issues).toEqual(
    expect.arrayContaining([
      { path: 'name', message: 'is required' },
      { path: 'port', message: 'must be <= 65535' },
      { path: 'mode', message: 'must be one of: A, B' },
      { path: 'wait', message: 'must be a duration such as 5m, 30s or 1.5s (a bare number means minutes)' },
      { path: 'list[1].x', message: 'must be an integer' },
      { path: 'map["a.b/c"]', message: 'must be a string' },
    ]),
  );
  expect(issues).toHaveLength(6);
});

test('passes a valid value', () => {
  expect(checkSchema({ name: 'n', port: 80, wait: '1.5s', list: [{ x: 1 }] }, schema)).toEqual([]);
});

test('paths round-trip through JSON pointers', () => {
  expect(formatPath(pointerToSegments('/spec/serviceAccountAccess/cluster.local~1ns~1a~1sa~1b/GET/0'))).toBe(
    'spec.serviceAccountAccess["cluster.local/ns/a/sa/b"].GET[0]',
  );
  expect(formatPath([])).toBe('(body)');
});

test('every kind’s schema is valid against the JSON Schema meta-schema (check.ts does not look at start)', () => {
  const meta = new Ajv({ strict: false });
  for (const kind of KINDS) {
    expect(meta.validateSchema(kind.schema), `${kind.kind}: ${meta.errorsText(meta.errors)}`).toBe(true);
  }
  expect(meta.validateSchema({ type: 'object', properties: { port: { minimum: 'one' } } })).toBe(false);
});

test('precompile compiles each schema once, ahead of its first check', () => {
  const fresh = Obj({ only: Type.String() });
  expect(isCompiled(fresh)).toBe(false);
  precompile([fresh]);
  expect(isCompiled(fresh)).toBe(true);
  expect(checkSchema({ only: 1 }, fresh)).toEqual([{ path: 'only', message: 'must be a string' }]);
});
