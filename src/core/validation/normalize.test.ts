import { Type } from '@sinclair/typebox';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { foldKey, normalize } from './normalize.js';
import { Duration, Obj, Secret, StringEnum, StringList } from './schema.js';

const schema = Obj({
  metadata: Obj({ name: Type.String(), userData1: Type.Optional(Type.String()) }),
  spec: Type.Optional(
    Obj(
      {
        app: Type.Optional(Type.String()),
        port: Type.Optional(Type.Integer()),
        headless: Type.Optional(Type.Boolean()),
        mode: Type.Optional(StringEnum(['MUTUAL', 'SIMPLE', 'DISABLE'], { valueAliases: { NONE: 'DISABLE' } })),
        ejection: Type.Optional(Duration()),
        tags: Type.Optional(StringList()),
        management: Type.Optional(Obj({ tlsType: Type.Optional(StringEnum(['MUTUAL', 'SIMPLE'])) })),
        key: Type.Optional(Secret()),
        labels: Type.Optional(Type.Object({}, { additionalProperties: Type.String() })),
      },
      { aliases: { application: 'app' }, moved: { mutualTLS: ['spec', 'management', 'tlsType'] } },
    ),
  ),
});

describe('normalize', () => {
  test('folds case, dashes and underscores in keys, as Go binds EMCO JSON', () => {
    const { value, issues } = normalize(
      { METADATA: { name: 'a', userdata1: 'u' }, spec: { APP: 'x', head_less: 'true' } },
      schema,
    );
    expect(issues).toEqual([]);
    expect(value).toEqual({ metadata: { name: 'a', userData1: 'u' }, spec: { app: 'x', headless: true } });
  });

  test('maps explicit aliases and moves keys to their canonical place', () => {
    const { value, issues } = normalize(
      { metadata: { name: 'a' }, spec: { application: 'x', mutualTLS: 'mutual' } },
      schema,
    );
    expect(issues).toEqual([]);
    expect(value).toEqual({ metadata: { name: 'a' }, spec: { app: 'x', management: { tlsType: 'MUTUAL' } } });
  });

  test('coerces strings to numbers and booleans, numbers of minutes to durations, scalars to lists', () => {
    const { value } = normalize(
      { metadata: { name: 'a' }, spec: { port: '80', headless: 'no', ejection: 15, tags: 'one' } },
      schema,
    );
    expect(value).toEqual({
      metadata: { name: 'a' },
      spec: { port: 80, headless: false, ejection: '15m', tags: ['one'] },
    });
  });

  test('canonicalizes enum values case-insensitively and through value aliases', () => {
    expect(normalize({ metadata: { name: 'a' }, spec: { mode: 'simple' } }, schema).value).toMatchObject({
      spec: { mode: 'SIMPLE' },
    });
    expect(normalize({ metadata: { name: 'a' }, spec: { mode: 'none' } }, schema).value).toMatchObject({
      spec: { mode: 'DISABLE' },
    });
    expect(normalize({ metadata: { name: 'a' }, spec: { mode: 'bogus' } }, schema).value).toMatchObject({
      spec: { mode: 'bogus' },
    });
  });

  test('drops empty optional values but keeps empty required ones for the schema to reject', () => {
    const { value } = normalize({ metadata: { name: '' }, spec: { app: '', port: null } }, schema);
    expect(value).toEqual({ metadata: { name: '' }, spec: {} });
  });

  test('reports unknown fields with their path and a suggestion', () => {
    const { issues } = normalize({ metadata: { name: 'a', nmae: 'b' }, spec: { prot: 80, zzz: 1 } }, schema);
    expect(issues).toEqual([
      { path: 'metadata.nmae', message: 'unknown field (did you mean "name"?)' },
      { path: 'spec.prot', message: 'unknown field (did you mean "port"?)' },
      expect.objectContaining({
        path: 'spec.zzz',
        message: expect.stringContaining('unknown field (known fields: app, port'),
      }),
    ]);
  });

  test('reports a field given twice with different values, and a moved key that conflicts', () => {
    const twice = normalize({ metadata: { name: 'a' }, spec: { app: 'x', application: 'y' } }, schema);
    expect(twice.issues).toEqual([
      { path: 'spec.app', message: 'given twice, as "app" and "application", with different values' },
    ]);
    const same = normalize({ metadata: { name: 'a' }, spec: { app: 'x', APP: 'x' } }, schema);
    expect(same.issues).toEqual([]);
    const moved = normalize(
      { metadata: { name: 'a' }, spec: { mutualTLS: 'MUTUAL', management: { tlsType: 'SIMPLE' } } },
      schema,
    );
    expect(moved.issues).toEqual([
      { path: 'spec.mutualTLS', message: 'conflicts with spec.management.tlsType, which is given with another value' },
    ]);
  });

  test('keeps map keys as written and orders object keys as the schema does', () => {
    const { value } = normalize(
      { spec: { labels: { 'b.io/x': 'y', A: 'z' }, port: 1, app: 'a' }, metadata: { name: 'n' } },
      schema,
    );
    expect(JSON.stringify(value)).toBe(
      '{"metadata":{"name":"n"},"spec":{"app":"a","port":1,"labels":{"b.io/x":"y","A":"z"}}}',
    );
  });

  test('never throws and is idempotent on what it produces', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        const once = normalize(input, schema);
        const twice = normalize(once.value, schema);
        expect(twice.value).toEqual(once.value);
      }),
      { numRuns: 500 },
    );
  });

  test('foldKey ignores case, dashes, underscores and spaces', () => {
    expect(foldKey('sidecar-proxy')).toBe(foldKey('sidecarProxy'));
    expect(foldKey('traffic_management info')).toBe('trafficmanagementinfo');
  });
});
