import type { TSchema } from '@sinclair/typebox';

/**
 * Every field path of a schema, objects and leaves, list items written `[]`:
 * `spec.http[].route[].weight`. docs/api.md is checked against this list.
 */
export function fieldPaths(schema: TSchema, prefix = ''): string[] {
  const paths: string[] = [];
  for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, TSchema>)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    paths.push(path);
    const items = child.type === 'array' ? (child.items as TSchema | undefined) : undefined;
    paths.push(...fieldPaths(items?.properties ? items : child, items?.properties ? `${path}[]` : path));
  }
  return paths;
}
