/**
 * Shared types, the event contract, permissions and annotation names for
 * Release Ledger.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './events';
export * from './permissions';
export * from './releases';
