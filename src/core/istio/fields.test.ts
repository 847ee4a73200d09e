/**
 * The whitelist of `fields.ts` against the CRD schemas of `@kubernetes-models/istio`: its type
 * declarations are generated from the same `openAPIV3Schema`, so the property names of every
 * nested type literal (unions and intersections merged, arrays transparent, index signatures as
 * `*`) are the schema's fields. A package upgrade that adds or renames a field fails here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { specFields } from './fields.js';
import { formatShape, parseShape, type Shape } from './shape.js';

const packageRoot = dirname(createRequire(import.meta.url).resolve('@kubernetes-models/istio/package.json'));

const declarations: Record<string, string> = {
  ServiceEntry: 'networking.istio.io/v1/ServiceEntry',
  DestinationRule: 'networking.istio.io/v1/DestinationRule',
  VirtualService: 'networking.istio.io/v1/VirtualService',
  Gateway: 'networking.istio.io/v1/Gateway',
  AuthorizationPolicy: 'security.istio.io/v1/AuthorizationPolicy',
  PeerAuthentication: 'security.istio.io/v1/PeerAuthentication',
};

type Node = Map<string, Node | null>;

/** Merges the fields of `type` into `into`; false when `type` is not an object type. */
function collect(type: ts.TypeNode, into: Node): boolean {
  if (ts.isParenthesizedTypeNode(type)) return collect(type.type, into);
  if (ts.isUnionTypeNode(type) || ts.isIntersectionTypeNode(type)) {
    return type.types.map((member) => collect(member, into)).some(Boolean);
  }
  if (ts.isArrayTypeNode(type)) return collect(type.elementType, into);
  if (ts.isTypeReferenceNode(type) && type.typeName.getText() === 'Array' && type.typeArguments?.length === 1) {
    return collect(type.typeArguments[0]!, into);
  }
  if (!ts.isTypeLiteralNode(type)) return false;
  for (const member of type.members) {
    let name: string | undefined;
    let memberType: ts.TypeNode | undefined;
    if (ts.isPropertySignature(member)) {
      name = ts.isStringLiteral(member.name) ? member.name.text : member.name.getText();
      memberType = member.type;
    } else if (ts.isIndexSignatureDeclaration(member)) {
      name = '*';
      memberType = member.type;
    }
    if (name === undefined || !memberType) continue;
    const child: Node = into.get(name) ?? new Map();
    const isObject = collect(memberType, child);
    into.set(name, isObject || into.get(name) ? child : null);
  }
  return true;
}

function schemaSpecShape(kind: string): Shape {
  const file = join(packageRoot, `${declarations[kind]}.d.ts`);
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const model = source.statements.find(
    (statement): statement is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(statement) && statement.name.text === `I${kind}`,
  );
  const spec = model?.members.find(
    (member): member is ts.PropertySignature =>
      ts.isPropertySignature(member) && ts.isStringLiteral(member.name) && member.name.text === 'spec',
  );
  if (!spec?.type) throw new Error(`no spec in ${file}`);
  const root: Node = new Map();
  collect(spec.type, root);
  return root;
}

const ownSpecTypes: Record<string, [file: string, type: string]> = {
  ServiceEntry: ['networking-types.ts', 'ServiceEntrySpec'],
  DestinationRule: ['networking-types.ts', 'DestinationRuleSpec'],
  VirtualService: ['networking-types.ts', 'VirtualServiceSpec'],
  Gateway: ['networking-types.ts', 'GatewaySpec'],
  AuthorizationPolicy: ['security-types.ts', 'AuthorizationPolicySpec'],
  PeerAuthentication: ['security-types.ts', 'PeerAuthenticationSpec'],
};

/** The fields of one of the renderer's own spec types, read with the type checker (arrays, unions and maps as above). */
function ownSpecShape(program: ts.Program, file: string, name: string): Shape {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const declaration = source?.statements.find(
    (statement): statement is ts.InterfaceDeclaration | ts.TypeAliasDeclaration =>
      (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && statement.name.text === name,
  );
  if (!declaration) throw new Error(`no ${name} in ${file}`);
  const walk = (type: ts.Type, into: Node, depth: number): boolean => {
    if (depth > 12) return false;
    const bare = checker.getNonNullableType(type);
    if (bare.isUnion()) return bare.types.map((member) => walk(member, into, depth)).some(Boolean);
    if (checker.isArrayType(bare)) return walk(checker.getTypeArguments(bare as ts.TypeReference)[0]!, into, depth);
    if (!(bare.flags & ts.TypeFlags.Object)) return false;
    const index = bare.getStringIndexType();
    if (index) {
      const child: Node = into.get('*') ?? new Map();
      into.set('*', walk(index, child, depth + 1) ? child : null);
    }
    for (const property of bare.getProperties()) {
      const child: Node = into.get(property.name) ?? new Map();
      const isObject = walk(checker.getTypeOfSymbol(property), child, depth + 1);
      into.set(property.name, isObject ? child : null);
    }
    return true;
  };
  const root: Node = new Map();
  walk(checker.getTypeAtLocation(declaration.name), root, 0);
  return root;
}

/** Paths of `ours` that `schema` does not have (a `*` in the schema takes any key). */
function outside(ours: Shape, schema: Shape, at = ''): string[] {
  const problems: string[] = [];
  for (const [key, child] of ours) {
    const path = at ? `${at}.${key}` : key;
    const match = schema.has(key) ? schema.get(key) : schema.get('*');
    if (match === undefined) problems.push(path);
    else if (child && match) problems.push(...outside(child, match, path));
  }
  return problems;
}

describe("the renderer's typed objects", () => {
  const here = dirname(new URL(import.meta.url).pathname);
  const files = [...new Set(Object.values(ownSpecTypes).map(([file]) => join(here, file)))];
  const program = ts.createProgram(files, { strict: true, noEmit: true, skipLibCheck: true });

  it.each(Object.keys(ownSpecTypes))('%s: its spec type names only fields of the CRD schema', (kind) => {
    const [file, type] = ownSpecTypes[kind]!;
    const shape = ownSpecShape(program, join(here, file), type);
    expect(shape.size).toBeGreaterThan(1);
    expect(outside(shape, schemaSpecShape(kind))).toEqual([]);
  });

  it('would name a field the schema lacks', () => {
    const ours: Shape = new Map([['trafficPolicy', new Map([['tlss', null]])]]);
    expect(outside(ours, schemaSpecShape('DestinationRule'))).toEqual(['trafficPolicy.tlss']);
  });
});

describe('field whitelist', () => {
  it.each(Object.keys(declarations))('%s matches the CRD schema of @kubernetes-models/istio', (kind) => {
    expect(formatShape(parseShape(specFields[kind]!))).toBe(formatShape(schemaSpecShape(kind)));
  });

  it('covers every kind the checker validates structurally', () => {
    expect(Object.keys(specFields).sort()).toEqual(Object.keys(declarations).sort());
  });
});
