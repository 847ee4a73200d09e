/**
 * Envelope encryption of values stored in the database. Each value gets a fresh 32-byte data key; the value is
 * encrypted with it (AES-256-GCM), and the data key is wrapped (AES-256-GCM) by the keyring's active master key.
 * Rotating a master key rewraps data keys and leaves the values' ciphertext as it is.
 *
 * A sealed value is one self-describing string, so a read tells it from plaintext written before sealing existed:
 *
 *     mbsealed:v1:<key id>:<base64 wrapped data key: IV, ciphertext, tag>:<base64 IV>:<base64 ciphertext>:<base64 tag>
 *
 * The value's ciphertext is bound to where it is stored (its context: table, row key, field) as additional
 * authenticated data, so a sealed value copied to another row or field does not open. Errors name the context and
 * key ids, never a value.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describeKeyring, type Keyring, type MasterKey } from './keyring.js';

const PREFIX = 'mbsealed:v1:';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

/** Where a sealed value lives, e.g. `['resource', key, 'spec.kubeconfig']`: bound to the ciphertext. */
export type SealContext = readonly string[];

/** A sealed value that cannot be opened: unknown master key, altered or misplaced data, malformed text. */
export class SealError extends Error {
  override name = 'SealError';
}

interface Parts {
  keyId: string;
  wrappedKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export function isSealed(text: string): boolean {
  return text.startsWith(PREFIX);
}

/** The same test on bytes (stored files), without decoding them. */
export function isSealedBytes(data: Buffer): boolean {
  return data.subarray(0, PREFIX.length).toString('latin1') === PREFIX;
}

export class Sealer {
  constructor(readonly keyring: Keyring) {}

  seal(plaintext: string | Buffer, context: SealContext): string {
    const dataKey = randomBytes(DATA_KEY_BYTES);
    try {
      const value = encrypt(dataKey, Buffer.from(plaintext), valueAad(context));
      const wrapped = encrypt(this.keyring.active.key, dataKey, wrapAad(this.keyring.active.id));
      return format({ keyId: this.keyring.active.id, wrappedKey: Buffer.concat(wrapped), ...named(value) });
    } finally {
      dataKey.fill(0);
    }
  }

  open(sealed: string, context: SealContext): Buffer {
    const parts = parse(sealed, context);
    const dataKey = this.unwrap(parts, context);
    try {
      return decrypt(dataKey, [parts.iv, parts.ciphertext, parts.tag], valueAad(context), () =>
        failed(`${label(context)} does not open: it was altered, or sealed for another place`),
      );
    } finally {
      dataKey.fill(0);
    }
  }

  openText(sealed: string, context: SealContext): string {
    return this.open(sealed, context).toString('utf8');
  }

  /** Whether a sealed value's data key is wrapped by the active master key (rotation has nothing to do). */
  isCurrent(sealed: string): boolean {
    return isSealed(sealed) && sealed.startsWith(`${PREFIX}${this.keyring.active.id}:`);
  }

  /** The same value with its data key wrapped by the active master key; the value's ciphertext is unchanged. */
  rewrap(sealed: string, context: SealContext): string {
    const parts = parse(sealed, context);
    if (parts.keyId === this.keyring.active.id) return sealed;
    const dataKey = this.unwrap(parts, context);
    try {
      const wrapped = encrypt(this.keyring.active.key, dataKey, wrapAad(this.keyring.active.id));
      return format({ ...parts, keyId: this.keyring.active.id, wrappedKey: Buffer.concat(wrapped) });
    } finally {
      dataKey.fill(0);
    }
  }

  private unwrap(parts: Parts, context: SealContext): Buffer {
    const master: MasterKey | undefined = this.keyring.byId.get(parts.keyId);
    if (master === undefined)
      failed(
        `${label(context)} was sealed with master key ${parts.keyId}, which is not configured (configured: ${describeKeyring(this.keyring)}); add it to MESHBRIDGE_MASTER_KEY or MESHBRIDGE_MASTER_KEY_FILE`,
      );
    const wrapped = parts.wrappedKey;
    const pieces = [
      wrapped.subarray(0, IV_BYTES),
      wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES),
      wrapped.subarray(wrapped.length - TAG_BYTES),
    ] as const;
    return decrypt(master.key, pieces, wrapAad(parts.keyId), () =>
      failed(`the data key of ${label(context)} does not unwrap with master key ${parts.keyId}: it was altered`),
    );
  }
}

function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): [iv: Buffer, ciphertext: Buffer, tag: Buffer] {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [iv, ciphertext, cipher.getAuthTag()];
}

function decrypt(
  key: Buffer,
  [iv, ciphertext, tag]: readonly [Buffer, Buffer, Buffer],
  aad: Buffer,
  onFailure: () => never,
): Buffer {
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) onFailure();
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return onFailure();
  }
}

function named([iv, ciphertext, tag]: [Buffer, Buffer, Buffer]): Pick<Parts, 'iv' | 'ciphertext' | 'tag'> {
  return { iv, ciphertext, tag };
}

function format(parts: Parts): string {
  const fields = [parts.wrappedKey, parts.iv, parts.ciphertext, parts.tag].map((bytes) => bytes.toString('base64'));
  return `${PREFIX}${parts.keyId}:${fields.join(':')}`;
}

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

function parse(sealed: string, context: SealContext): Parts {
  const fields = isSealed(sealed) ? sealed.slice(PREFIX.length).split(':') : [];
  const [keyId, ...encoded] = fields;
  if (fields.length !== 5 || !/^[0-9a-f]{8}$/.test(keyId ?? '') || !encoded.every((field) => base64.test(field)))
    failed(`${label(context)} is not a sealed value meshbridge can read`);
  const [wrappedKey, iv, ciphertext, tag] = encoded.map((field) => Buffer.from(field, 'base64')) as [
    Buffer,
    Buffer,
    Buffer,
    Buffer,
  ];
  if (wrappedKey.length !== IV_BYTES + DATA_KEY_BYTES + TAG_BYTES)
    failed(`${label(context)} is not a sealed value meshbridge can read`);
  return { keyId: keyId as string, wrappedKey, iv, ciphertext, tag };
}

function valueAad(context: SealContext): Buffer {
  return Buffer.from(`${PREFIX}value:${JSON.stringify(context)}`);
}

function wrapAad(keyId: string): Buffer {
  return Buffer.from(`${PREFIX}data-key:${keyId}`);
}

/** `the sealed value of resource projects/demo field spec.kubeconfig` */
function label(context: SealContext): string {
  return `the sealed value of ${context.join(' ')}`;
}

function failed(message: string): never {
  throw new SealError(message);
}
