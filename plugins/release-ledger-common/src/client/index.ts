export * from './createReleaseLedgerClient';
