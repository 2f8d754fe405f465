/**
 * Release Ledger: release timelines, DORA metrics and the most skipped
 * checklist items on entity pages, release details, and an
 * organisation-wide page with delivery metrics and recent releases.
 *
 * The new frontend system plugin is the default export of `/alpha`.
 *
 * @packageDocumentation
 */
export {
  releaseLedgerPlugin,
  EntityReleasesContent,
  EntityDoraCard,
  EntitySkippedChecklistCard,
  ReleaseDetailsPage,
  ReleaseLedgerPage,
} from './plugin';
export { rootRouteRef, releaseRouteRef } from './routes';
export { releaseLedgerApiRef, ReleaseLedgerClient } from './api';
export type {
  GateCheckEvidence,
  GateEvaluation,
  GateMeasurementEvidence,
  GateReplay,
  GateVerdictEvidence,
  GetMetricsRequest,
  ReleaseGates,
  ReleaseLedgerApi,
  ListReleasesFilter,
  ReleaseNotesMarkdown,
  ReplayGateRequest,
} from './api';
export { isDoraMetricsAvailable, isReleaseLedgerAvailable } from './predicates';
export { ReleaseStatusChip } from './components/ReleaseStatusChip';
export type { ReleaseStatusChipProps } from './components/ReleaseStatusChip';
export { ReleaseTimeline } from './components/ReleaseTimeline';
export type { ReleaseTimelineProps } from './components/ReleaseTimeline';
export type { EntityDoraCardProps } from './components/EntityDoraCard';
export type { EntitySkippedChecklistCardProps } from './components/EntitySkippedChecklistCard';
export { BandChip } from './components/BandChip';
export type { BandChipProps } from './components/BandChip';
export { MetricFigure, DoraFigures } from './components/MetricFigure';
export type {
  MetricFigureProps,
  DoraFiguresProps,
} from './components/MetricFigure';
export type {
  Release,
  ReleaseWithEvents,
  ReleasePage,
  ReleaseEvent,
  ReleaseEventType,
  ReleaseStatus,
  MetricsResponse,
  DoraMetrics,
  WeeklyNote,
  CommsStatus,
  LedgerStatus,
  ReleaseNotes,
  ChecklistPhase,
  SkippedChecklistItem,
  SkippedChecklistItems,
} from '@release-ledger/plugin-release-ledger-common';
