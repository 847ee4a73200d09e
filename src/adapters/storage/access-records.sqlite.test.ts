import { describeAccessRecordsContract } from './access-records-contract.js';
import { openSqliteDatabase } from './sqlite.js';

describeAccessRecordsContract('SQLite', () => openSqliteDatabase(':memory:'));
