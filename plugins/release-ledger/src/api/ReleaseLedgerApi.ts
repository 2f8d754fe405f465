import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ReleasePage,
  ReleaseStatus,
  ReleaseWithEvents,
} from '@release-ledger/plugin-release-ledger-common';

/**
 * Filters for {@link ReleaseLedgerApi.listReleases}. Every field is optional;
 * without any, the newest releases across the whole organisation are listed.
 *
 * @public
 */
export type ListReleasesFilter = {
  /** Entity ref of the released component, e.g. `component:default/payments-api`. */
  entityRef?: string;
  /** Owner group ref, e.g. `group:default/team-payments`. */
  owner?: string;
  status?: ReleaseStatus;
  /** ISO 8601 date-time; releases at or after it. */
  from?: string;
  /** ISO 8601 date-time; releases before it. */
  to?: string;
  /** Page size, 1 to 200 (the backend defaults to 20). */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
};

/**
 * Reads releases from the Release Ledger backend.
 *
 * @public
 */
export interface ReleaseLedgerApi {
  /** One page of releases, newest first. */
  listReleases(filter?: ListReleasesFilter): Promise<ReleasePage>;
  /**
   * One release with its events in time order. Rejects with a `ResponseError`
   * whose `statusCode` is 404 when the release is unknown.
   */
  getRelease(releaseId: string): Promise<ReleaseWithEvents>;
}

/** @public */
export const releaseLedgerApiRef = createApiRef<ReleaseLedgerApi>().with({
  id: 'plugin.release-ledger.api',
  pluginId: 'release-ledger',
});
