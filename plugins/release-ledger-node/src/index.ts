/**
 * Extension points for Release Ledger backend modules.
 *
 * @packageDocumentation
 */
export * from './gateProviders';
export * from './projectors';
export type {
  FiringAlert,
  GateAlertsResult,
  GateErrorResult,
  GateErrorType,
  GateNoDataResult,
  GateQueryResult,
  GateRangePoint,
  GateRangeResult,
  GateValueResult,
} from '@release-ledger/plugin-release-ledger-common';
