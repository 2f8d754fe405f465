export { ReleaseLedgerPage } from './ReleaseLedgerPage';
