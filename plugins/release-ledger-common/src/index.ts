/**
 * Shared types, the event contract, DORA metric definitions and math, SLO
 * gate definitions and verdicts, permissions and annotation names for
 * Release Ledger.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './commsApi';
export * from './ledgerStatus';
export * from './events';
export * from './gates';
export * from './jsonLimits';
export * from './metrics';
export * from './metricsApi';
export * from './permissions';
export * from './releases';
