/**
 * Everything one database serves, over one kysely instance: the resource store, the
 * virtual-IP ledger and the deployment records. `openDatabase` (`open.ts`) and the dialect openers build it.
 */
import type { Kysely } from 'kysely';
import type { AccessRecords } from '../../service/access/access-records.js';
import type { AddressLedger } from '../../service/address-ledger.js';
import type { DeployRecords } from '../../service/deploy/deploy-records.js';
import type { Store } from '../../service/store.js';
import { createKyselyAccessRecords } from './access-records.js';
import { createKyselyAddressLedger } from './address-ledger.js';
import { createKyselyDeployRecords } from './deploy-records.js';
import { createKyselyStore } from './kysely-store.js';
import type { Database, SqlDialect } from './schema.js';

export interface OpenedDatabase {
  store: Store;
  ledger: AddressLedger;
  deployRecords: DeployRecords;
  access: AccessRecords;
  /** Closes the shared connection(s); `store.close()` does the same. Closing again does nothing. */
  close(): Promise<void>;
}

export function databaseOver(db: Kysely<Database>, dialect: SqlDialect): OpenedDatabase {
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= db.destroy());
  return {
    store: createKyselyStore(db, close),
    ledger: createKyselyAddressLedger(db, dialect),
    deployRecords: createKyselyDeployRecords(db, dialect),
    access: createKyselyAccessRecords(db),
    close,
  };
}
