/**
 * The master keyring: 32-byte AES keys that wrap the data keys of sealed values (`sealer.ts`). The first key is
 * active (it wraps every new data key); the others only unwrap, so a key can be rotated out (`rotate.ts`).
 *
 * A key is named by its id, the first 8 hex digits of its SHA-256: errors and logs name keys by id, never by value.
 */
import { createHash, randomBytes } from 'node:crypto';

export const MASTER_KEY_BYTES = 32;

export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
}

export interface Keyring {
  readonly active: MasterKey;
  /** Every key by id, the active one included. */
  readonly byId: ReadonlyMap<string, MasterKey>;
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/** A keyring of `keys`, the first active; a key given twice counts once. */
export function keyringOf(keys: readonly Buffer[]): Keyring {
  const byId = new Map<string, MasterKey>();
  for (const key of keys) {
    if (key.length !== MASTER_KEY_BYTES) throw new Error(`a master key must be ${MASTER_KEY_BYTES} bytes`);
    const id = keyId(key);
    if (!byId.has(id)) byId.set(id, { id, key: Buffer.from(key) });
  }
  const active = byId.values().next().value;
  if (active === undefined) throw new Error('a keyring needs at least one master key');
  return { active, byId };
}

/** A keyring of one fresh key: for a database that lives no longer than the process (in memory), and tests. */
export function randomKeyring(): Keyring {
  return keyringOf([randomBytes(MASTER_KEY_BYTES)]);
}

/** A fresh master key as base64, the form key files and MESHBRIDGE_MASTER_KEY take. */
export function generateMasterKeyText(): string {
  return randomBytes(MASTER_KEY_BYTES).toString('base64');
}

/** `1a2b3c4d (active), 5e6f7a8b`: the keyring as ids, for messages. */
export function describeKeyring(keyring: Keyring): string {
  return [...keyring.byId.keys()].map((id) => (id === keyring.active.id ? `${id} (active)` : id)).join(', ');
}

const base64Key = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * Keys written as text: base64 entries separated by commas or line breaks, the active one first; lines starting
 * with `#` are comments. `from` names the source (a variable, a file) in errors, which never quote an entry.
 */
export function parseKeyring(text: string, from: string): Keyring {
  const entries = text
    .split(/\r?\n/)
    .filter((line) => !line.trim().startsWith('#'))
    .join(',')
    .split(/[\s,]+/)
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error(`${from} holds no master key (make one with: meshbridge keys generate)`);
  const keys = entries.map((entry, index) => {
    const key = base64Key.test(entry) ? Buffer.from(entry, 'base64') : undefined;
    if (key?.length !== MASTER_KEY_BYTES)
      throw new Error(
        `${from}: key ${index + 1} is not the base64 form of ${MASTER_KEY_BYTES} bytes (make one with: meshbridge keys generate)`,
      );
    return key;
  });
  return keyringOf(keys);
}
