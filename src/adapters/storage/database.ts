/**
 * Everything one database serves, over one kysely instance: the resource store, the
 * virtual-IP ledger and the deployment records. `openDatabase` (`open.ts`) and the dialect openers build it.
 */
import type { Kysely } from 'kysely';
import type { AccessRecords } from '../../service/access/access-records.js';
import type { AddressLedger } from '../../service/address-ledger.js';
import type { DeployRecords } from '../../service/deploy/deploy-records.js';
import type { OperationLeases } from '../../service/deploy/operation-leases.js';
import type { Store } from '../../service/store.js';
import { createKyselyAccessRecords } from './access-records.js';
import { createKyselyAddressLedger } from './address-ledger.js';
import { createKyselyDeployRecords } from './deploy-records.js';
import { createKyselyStore } from './kysely-store.js';
import { createKyselyOperationLeases } from './operation-leases.js';
import type { Database, SqlDialect } from './schema.js';
import { checkMasterKeys } from './sealing/key-check.js';
import type { Keyring } from './sealing/keyring.js';
import { resealAll, type ResealReport } from './sealing/rotate.js';
import { RowSealing } from './sealing/sealed-rows.js';
import { Sealer } from './sealing/sealer.js';

export interface OpenedDatabase {
  store: Store;
  ledger: AddressLedger;
  deployRecords: DeployRecords;
  /** Which process runs each group's operation (`operation-leases.ts`). */
  leases: OperationLeases;
  access: AccessRecords;
  /** Rotation: every secret sealed under the keyring's active key (`sealing/rotate.ts`), `batchSize` rows a transaction. */
  resealAll(batchSize?: number): Promise<ResealReport>;
  /** Closes the shared connection(s); `store.close()` does the same. Closing again does nothing. */
  close(): Promise<void>;
}

/** Over a migrated database: checks that `keyring` opens its secrets (`sealing/key-check.ts`), then serves it. */
export async function databaseOver(
  db: Kysely<Database>,
  dialect: SqlDialect,
  keyring: Keyring,
): Promise<OpenedDatabase> {
  const sealer = new Sealer(keyring);
  await checkMasterKeys(db, sealer);
  const sealing = new RowSealing(sealer);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= db.destroy());
  return {
    store: createKyselyStore(db, sealing, close),
    ledger: createKyselyAddressLedger(db, dialect),
    deployRecords: createKyselyDeployRecords(db, dialect, sealing),
    leases: createKyselyOperationLeases(db, dialect),
    access: createKyselyAccessRecords(db, dialect),
    resealAll: (batchSize) => resealAll(db, sealing, batchSize),
    close,
  };
}
