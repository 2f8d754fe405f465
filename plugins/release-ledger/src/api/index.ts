export { releaseLedgerApiRef } from './ReleaseLedgerApi';
export type {
  GetMetricsRequest,
  ReleaseLedgerApi,
  ListReleasesFilter,
  ReleaseNotesMarkdown,
  ReplayGateRequest,
} from './ReleaseLedgerApi';
export { ReleaseLedgerClient } from './ReleaseLedgerClient';
// The gate answers are defined once, in common, for the backend, the portal and the CLI.
export type {
  GateCheckEvidence,
  GateEvaluation,
  GateMeasurementEvidence,
  GateReplay,
  GateVerdictEvidence,
  ReleaseGates,
} from '@release-ledger/plugin-release-ledger-common';
