/**
 * Recognises the constraint violations both drivers raise, so the store can turn
 * a lost race (two writers passing the same existence check) into the domain
 * error the explicit check would have thrown.
 */

export type ConstraintViolation = 'unique' | 'foreignKey';

/** better-sqlite3 reports extended result codes; pg reports SQLSTATE. */
const violations: Readonly<Record<string, ConstraintViolation>> = {
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreignKey',
  // SQLite reports an ON DELETE RESTRICT refusal this way; the schema has no triggers of its own.
  SQLITE_CONSTRAINT_TRIGGER: 'foreignKey',
  '23505': 'unique',
  '23503': 'foreignKey',
};

export function constraintViolation(error: unknown): ConstraintViolation | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' ? violations[code] : undefined;
}

/** Runs `query`, replacing the violations named in `errors` with the domain error they stand for. */
export async function translatingViolations<T>(
  query: Promise<T>,
  errors: Partial<Record<ConstraintViolation, () => Error>>,
): Promise<T> {
  try {
    return await query;
  } catch (error) {
    const violation = constraintViolation(error);
    const replacement = violation === undefined ? undefined : errors[violation];
    throw replacement === undefined ? error : replacement();
  }
}
