/**
 * Release Ledger backend plugin.
 *
 * @packageDocumentation
 */
export { releaseLedgerPlugin as default } from './plugin';
