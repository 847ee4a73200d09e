/**
 * One master keyring for the whole test process: every database a test opens, and opens again, seals with it (a
 * real server takes its keys from configuration, `adapters/storage/sealing/key-source.ts`).
 */
import { randomKeyring } from '../adapters/storage/sealing/keyring.js';

export const testKeyring = randomKeyring();

/** The same key as MESHBRIDGE_MASTER_KEY takes it, for server processes (restarted ones must find it again). */
export const testMasterKeyText = testKeyring.active.key.toString('base64');
