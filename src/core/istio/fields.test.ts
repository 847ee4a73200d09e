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

describe('field whitelist', () => {
  it.each(Object.keys(declarations))('%s matches the CRD schema of @kubernetes-models/istio', (kind) => {
    expect(formatShape(parseShape(specFields[kind]!))).toBe(formatShape(schemaSpecShape(kind)));
  });

  it('covers every kind the checker validates structurally', () => {
    expect(Object.keys(specFields).sort()).toEqual(Object.keys(declarations).sort());
  });
});
