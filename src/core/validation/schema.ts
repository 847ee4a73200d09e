/**
 * Schema builders for the canonical form of every resource. The schemas are plain
 * JSON Schema (built with TypeBox, so TypeScript types follow from them) with a few
 * `x-` annotations that the normalizer reads:
 *
 * - `x-aliases`: other spellings of a key at this level (`application` for `app`);
 * - `x-moved`: keys that belong elsewhere in the body (`mutualTLS` is `spec.management.tlsType`);
 * - `x-value-aliases`: other spellings of an enum value (`NONE` for `DISABLE`);
 * - `x-secret`: write-only; never returned, never logged;
 * - `x-wrap-scalar`: a single value is accepted where a list is expected;
 * - `x-key-case`: map keys are folded to this case (`upper` for HTTP methods);
 * - `x-minutes`: a bare number is a count of minutes (the seed's `baseEjectionTime: 15`);
 * - `x-strict-string`: a number is an error, not a string (`istioVersion: 1.10` is not "1.10").
 */
import {
  Type,
  type ObjectOptions,
  type SchemaOptions,
  type StringOptions,
  type ArrayOptions,
  type TString,
  type TObject,
  type TProperties,
  type TSchema,
  type TUnsafe,
} from '@sinclair/typebox';

export const NAME_PATTERN = '^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$';

export interface CanonicalObjectOptions extends ObjectOptions {
  aliases?: Record<string, string>;
  moved?: Record<string, string[]>;
}

/** An object whose keys are exactly the ones listed; anything else is an unknown field. */
export function Obj<T extends TProperties>(properties: T, options: CanonicalObjectOptions = {}): TObject<T> {
  const { aliases, moved, ...rest } = options;
  return Type.Object(properties, {
    additionalProperties: false,
    ...(aliases ? { 'x-aliases': aliases } : {}),
    ...(moved ? { 'x-moved': moved } : {}),
    ...rest,
  });
}

export function StringEnum<T extends string>(
  values: readonly T[],
  options: SchemaOptions & { valueAliases?: Record<string, T> } = {},
): TUnsafe<T> {
  const { valueAliases, ...rest } = options;
  return Type.Unsafe<T>({
    type: 'string',
    enum: [...values],
    ...(valueAliases ? { 'x-value-aliases': valueAliases } : {}),
    ...rest,
  });
}

export function Name(options: StringOptions = {}) {
  return Type.String({ minLength: 1, maxLength: 63, pattern: NAME_PATTERN, ...options });
}

/** A write-only string: stored and used, never shown. */
export function Secret(options: StringOptions = {}) {
  return Type.String({ minLength: 1, 'x-secret': true, ...options });
}

export function Port(options: SchemaOptions = {}) {
  return Type.Integer({ minimum: 1, maximum: 65535, ...options });
}

/** A Go duration such as `5m` or `1.5s`; a bare number means minutes, as seed 000 writes it. */
export function Duration(options: StringOptions = {}) {
  return Type.String({
    pattern: '^([0-9]+(\\.[0-9]+)?(h|m|s|ms|us|µs|ns))+$',
    'x-minutes': true,
    'x-pattern-message': 'must be a duration such as 5m, 30s or 1.5s (a bare number means minutes)',
    ...options,
  });
}

export function StringList<T extends TSchema = TString>(
  item: T = Type.String({ minLength: 1 }) as unknown as T,
  options: ArrayOptions = {},
) {
  return Type.Array(item, { 'x-wrap-scalar': true, ...options });
}

export const Metadata = (options: CanonicalObjectOptions = {}) =>
  Obj(
    {
      name: Name(),
      description: Type.Optional(Type.String({ maxLength: 1024 })),
      userData1: Type.Optional(Type.String({ maxLength: 1024 })),
      userData2: Type.Optional(Type.String({ maxLength: 1024 })),
    },
    options,
  );
