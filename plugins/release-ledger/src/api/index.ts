export { releaseLedgerApiRef } from './ReleaseLedgerApi';
export type {
  GetMetricsRequest,
  ReleaseLedgerApi,
  ListReleasesFilter,
} from './ReleaseLedgerApi';
export { ReleaseLedgerClient } from './ReleaseLedgerClient';
