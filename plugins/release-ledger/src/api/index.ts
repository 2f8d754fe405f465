export { releaseLedgerApiRef } from './ReleaseLedgerApi';
export type { ReleaseLedgerApi, ListReleasesFilter } from './ReleaseLedgerApi';
export { ReleaseLedgerClient } from './ReleaseLedgerClient';
