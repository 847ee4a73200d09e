import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { generateMasterKeyText, keyId, keyringOf, parseKeyring, randomKeyring } from './keyring.js';
import { isSealed, isSealedBytes, SealError, Sealer } from './sealer.js';

const here = ['resource', 'cluster-providers/edge/clusters/c1', 'spec.kubeconfig'];
const privateKey = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

describe('Sealer', () => {
  const sealer = new Sealer(randomKeyring());

  test('a sealed value opens to what was sealed, in its own place', () => {
    const sealed = sealer.seal(privateKey, here);
    expect(isSealed(sealed)).toBe(true);
    expect(isSealedBytes(Buffer.from(sealed))).toBe(true);
    expect(sealed).toMatch(new RegExp(`^mbsealed:v1:${sealer.keyring.active.id}:`));
    expect(sealed).not.toContain('PRIVATE KEY');
    expect(sealer.openText(sealed, here)).toBe(privateKey);
  });

  test('sealing twice gives two different texts (fresh data key and IV each time)', () => {
    expect(sealer.seal('same', here)).not.toBe(sealer.seal('same', here));
  });

  test('a sealed value moved to another row or field does not open', () => {
    const sealed = sealer.seal(privateKey, here);
    expect(() => sealer.open(sealed, ['resource', 'cluster-providers/edge/clusters/c2', 'spec.kubeconfig'])).toThrow(
      SealError,
    );
    expect(() => sealer.open(sealed, ['resource', here[1]!, 'spec.other'])).toThrow(/sealed for another place/);
  });

  test('any altered byte of any part is detected, and the message never holds the value', () => {
    const sealed = sealer.seal(privateKey, here);
    const fields = sealed.split(':');
    for (let field = 3; field < fields.length; field++) {
      const bytes = Buffer.from(fields[field]!, 'base64');
      for (let at = 0; at < bytes.length; at += 5) {
        const altered = Buffer.from(bytes);
        altered[at]! ^= 0x01;
        const text = fields.map((part, index) => (index === field ? altered.toString('base64') : part)).join(':');
        let message = '';
        try {
          sealer.open(text, here);
        } catch (error) {
          expect(error).toBeInstanceOf(SealError);
          message = (error as Error).message;
        }
        expect(message, `field ${field} byte ${at}`).not.toBe('');
        expect(message).not.toContain('PRIVATE');
      }
    }
  });

  test('a value sealed with a key not in the keyring names that key', () => {
    const other = new Sealer(randomKeyring());
    const sealed = other.seal('secret', here);
    expect(() => sealer.open(sealed, here)).toThrow(
      new RegExp(
        `sealed with master key ${other.keyring.active.id}, which is not configured.*${sealer.keyring.active.id}`,
      ),
    );
  });

  test('a key id swapped for another key of the ring does not open', () => {
    const a = randomKeyring().active.key;
    const b = randomKeyring().active.key;
    const both = new Sealer(keyringOf([a, b]));
    const sealed = both.seal('secret', here);
    const swapped = sealed.replace(keyId(a), keyId(b));
    expect(() => both.open(swapped, here)).toThrow(/does not unwrap with master key/);
  });

  test('malformed text is refused, not guessed at', () => {
    for (const text of ['mbsealed:v1:', 'mbsealed:v1:zz:a:b:c:d', 'mbsealed:v1:12345678:a:b:c', 'plain'])
      expect(() => sealer.open(text, here)).toThrow(/not a sealed value/);
  });

  test('rewrap moves the data key under the active key and keeps the value', () => {
    const a = randomKeyring().active.key;
    const b = randomKeyring().active.key;
    const old = new Sealer(keyringOf([a]));
    const rotating = new Sealer(keyringOf([b, a]));
    const sealed = old.seal(privateKey, here);
    expect(rotating.isCurrent(sealed)).toBe(false);
    const rewrapped = rotating.rewrap(sealed, here);
    expect(rotating.isCurrent(rewrapped)).toBe(true);
    expect(rewrapped.split(':').slice(4)).toEqual(sealed.split(':').slice(4));
    expect(new Sealer(keyringOf([b])).openText(rewrapped, here)).toBe(privateKey);
    expect(rotating.rewrap(rewrapped, here)).toBe(rewrapped);
  });

  test('property: any text and any bytes round-trip, and the sealed text never holds the plaintext', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 0, maxLength: 300 }), fc.array(fc.string(), { maxLength: 4 }), (text, ctx) => {
        const sealed = sealer.seal(text, ctx);
        expect(sealer.openText(sealed, ctx)).toBe(text);
        // Texts short enough to occur in base64 by chance say nothing; from 8 characters on they must not.
        if (text.length >= 8) expect(sealed).not.toContain(text);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (bytes) => {
        expect(sealer.open(sealer.seal(Buffer.from(bytes), here), here)).toEqual(Buffer.from(bytes));
      }),
    );
  });

  test('legacy plaintext is told apart from sealed values', () => {
    expect(isSealed('apiVersion: v1\nkind: Config\n')).toBe(false);
    expect(isSealedBytes(Buffer.from([0x1f, 0x8b, 0x08]))).toBe(false);
  });
});

describe('parseKeyring', () => {
  test('comma- or line-separated base64 keys, the first active, comments skipped', () => {
    const [a, b] = [generateMasterKeyText(), generateMasterKeyText()];
    const ring = parseKeyring(`# rotated 2026-12\n${a}\n\n${b}\n`, 'the file');
    expect(ring.active.id).toBe(keyId(Buffer.from(a, 'base64')));
    expect([...ring.byId.keys()]).toEqual([keyId(Buffer.from(a, 'base64')), keyId(Buffer.from(b, 'base64'))]);
    expect(parseKeyring(`${b}, ${a}`, 'X').active.id).toBe(keyId(Buffer.from(b, 'base64')));
  });

  test('a bad entry is named by source and position, never quoted', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    expect(() => parseKeyring(`${generateMasterKeyText()},${short}`, 'MESHBRIDGE_MASTER_KEY')).toThrow(
      /^MESHBRIDGE_MASTER_KEY: key 2 is not the base64 form of 32 bytes/,
    );
    expect(() => parseKeyring(`${generateMasterKeyText()},${short}`, 'X')).not.toThrow(short);
    expect(() => parseKeyring('  \n# only a comment\n', 'keys.txt')).toThrow(/keys.txt holds no master key/);
  });
});
