export { releaseLedgerApiRef } from './ReleaseLedgerApi';
export type {
  GateCheckEvidence,
  GateEvaluation,
  GateMeasurementEvidence,
  GateReplay,
  GateVerdictEvidence,
  GetMetricsRequest,
  ReleaseLedgerApi,
  ListReleasesFilter,
  ReleaseGates,
  ReplayGateRequest,
} from './ReleaseLedgerApi';
export { ReleaseLedgerClient } from './ReleaseLedgerClient';
