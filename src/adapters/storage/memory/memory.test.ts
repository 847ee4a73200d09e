import { describeAddressLedgerContract } from '../address-ledger-contract.js';
import { describeStoreContract } from '../store-contract.js';
import { createMemoryAddressLedger } from './memory-address-ledger.js';
import { createMemoryStore } from './memory-store.js';

describeStoreContract('in memory (offline rendering)', async () => createMemoryStore());

// Every opener call opens "the same database" again: in memory, that is the same ledger.
describeAddressLedgerContract('in memory (offline rendering)', async () => {
  const counts = { resources: 0, addresses: 0 };
  const ledger = createMemoryAddressLedger(counts);
  const store = createMemoryStore(counts);
  return async () => ({ ledger, store, close: async () => {} });
});
