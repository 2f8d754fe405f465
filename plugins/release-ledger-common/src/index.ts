/**
 * Shared types, the event contract, DORA metric definitions and math, SLO
 * gate definitions and verdicts, permissions, annotation names and the
 * typed API client for Release Ledger.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './client';
export * from './checklists';
export * from './commsApi';
export * from './ledgerStatus';
export * from './events';
export * from './gates';
export * from './jsonLimits';
export * from './metrics';
export * from './metricsApi';
export * from './notes';
export * from './permissions';
export * from './promotion';
export * from './pullRequests';
export * from './releases';
// The API's types, generated from the backend's openapi.yaml.
export type { components, operations, paths } from './schema/openapi';
