/**
 * Release Ledger: release timelines on entity pages, release details and an
 * organisation-wide release list.
 *
 * The new frontend system plugin is the default export of `/alpha`.
 *
 * @packageDocumentation
 */
export {
  releaseLedgerPlugin,
  EntityReleasesContent,
  ReleaseDetailsPage,
  ReleaseLedgerPage,
} from './plugin';
export { rootRouteRef, releaseRouteRef } from './routes';
export { releaseLedgerApiRef, ReleaseLedgerClient } from './api';
export type { ReleaseLedgerApi, ListReleasesFilter } from './api';
export { isReleaseLedgerAvailable } from './predicates';
export { ReleaseStatusChip } from './components/ReleaseStatusChip';
export type { ReleaseStatusChipProps } from './components/ReleaseStatusChip';
export { ReleaseTimeline } from './components/ReleaseTimeline';
export type { ReleaseTimelineProps } from './components/ReleaseTimeline';
export type {
  Release,
  ReleaseWithEvents,
  ReleasePage,
  ReleaseEvent,
  ReleaseEventType,
  ReleaseStatus,
} from '@release-ledger/plugin-release-ledger-common';
