/** OpenAPI pieces shared by the route modules. */
import { Type } from '@sinclair/typebox';

export const ErrorResponse = Type.Object(
  {
    error: Type.String(),
    message: Type.String(),
    details: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
  },
  { description: 'Every field that is wrong is named in details.' },
);

/** A params schema for a route pattern: every `:name` is a required string. */
export function paramsSchema(pattern: string) {
  const names = [...pattern.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1] as string);
  return Type.Object(Object.fromEntries(names.map((name) => [name, Type.String()])));
}
