import fc from 'fast-check';
import { expect, test } from 'vitest';
import { parseClusterName } from './cluster-register.js';

const part = fc.string({ minLength: 1 }).filter((text) => !text.includes('/') && text.trim() !== '');

test('PROVIDER/CLUSTER is split at its one slash', () => {
  fc.assert(
    fc.property(part, part, (provider, cluster) => {
      expect(parseClusterName(`${provider}/${cluster}`)).toEqual({ provider, cluster });
    }),
  );
});

test('anything but two non-blank parts is refused with the expected form', () => {
  const bad = fc.oneof(
    fc.string().filter((text) => !text.includes('/')),
    fc.tuple(part, part, part).map((parts) => parts.join('/')),
    part.map((text) => `${text}/`),
    part.map((text) => ` /${text}`),
  );
  fc.assert(
    fc.property(bad, (value) => {
      expect(() => parseClusterName(value)).toThrow('is not PROVIDER/CLUSTER (e.g. edge/cluster01)');
    }),
  );
});
