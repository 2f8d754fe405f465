import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  CommsStatus,
  GateReplay,
  LedgerStatus,
  MetricWindow,
  MetricsResponse,
  MetricsScope,
  ReleaseChecklist,
  ReleaseComms,
  ReleaseGates,
  ReleaseNotes,
  ReleaseOutcome,
  ReleasePage,
  ReleaseStatus,
  ReleaseWithEvents,
  SkippedChecklistItems,
  WeeklyNote,
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
  /**
   * How a finished release ended: a release rolled back and then finished
   * has status `finished` and outcome `rolled_back`, so `status: 'rolled_back'`
   * misses it.
   */
  outcome?: ReleaseOutcome;
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
 * What {@link ReleaseLedgerApi.getMetrics} asks for.
 *
 * @public
 */
export type GetMetricsRequest = {
  /** One entity, a group with its child groups, or the whole organisation. */
  scope: MetricsScope;
  /** Entity or group ref; required for the `entity` and `group` scopes. */
  ref?: string;
  /** The backend defaults to `30d`. */
  window?: MetricWindow;
  /** Name of a band set; the backend defaults to the configured one. */
  bandSet?: string;
};

/**
 * What to replay: a configured gate set by name, a changed definition (the
 * shape of one `releaseLedger.gates.<name>` entry), or neither for the
 * release's own gate.
 *
 * @public
 */
export type ReplayGateRequest = {
  gate?: string;
  definition?: Record<string, unknown>;
};

/**
 * A release's notes as a CHANGELOG section, ready to save as a file.
 *
 * @public
 */
export type ReleaseNotesMarkdown = {
  /** The file name the backend suggests, e.g. `payments-api-1.42.0-notes.md`. */
  fileName: string;
  markdown: string;
};

/**
 * Reads releases, DORA metrics and weekly notes from the Release Ledger
 * backend.
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
  /**
   * DORA metrics for an entity, a group or the organisation. Rejects with a
   * `ResponseError` (400 with a message) for bad parameters.
   */
  getMetrics(request: GetMetricsRequest): Promise<MetricsResponse>;
  /**
   * The note for one UTC week (its Monday, `YYYY-MM-DD`); `undefined` when
   * nobody has written one.
   */
  getWeeklyNote(week: string): Promise<WeeklyNote | undefined>;
  /**
   * Writes the note for one UTC week. Rejects with a `ResponseError` whose
   * `statusCode` is 403 unless the user may update notes.
   */
  saveWeeklyNote(week: string, text: string): Promise<WeeklyNote>;
  /**
   * A release's Slack thread as the ledger holds it: every message with its
   * delivery state. Rejects with a `ResponseError` whose `statusCode` is 404
   * when the release is unknown.
   */
  getReleaseComms(releaseId: string): Promise<ReleaseComms>;
  /**
   * Puts a release's parked Slack messages back in line and answers how many
   * were requeued. Rejects with a `ResponseError` whose `statusCode` is 403
   * unless the user has the `release-ledger.comms.manage` permission.
   */
  requeueParked(releaseId: string): Promise<{ requeued: number }>;
  /**
   * How messages reach Slack and how many are in each state, across all
   * releases.
   */
  getCommsStatus(): Promise<CommsStatus>;
  /**
   * How far metrics and Slack messages are behind the recorded events.
   */
  getLedgerStatus(): Promise<LedgerStatus>;
  /**
   * The latest evaluation of each of a release's gates, with every
   * measurement. Rejects with a `ResponseError` whose `statusCode` is 404
   * when the release is unknown.
   */
  getReleaseGates(releaseId: string): Promise<ReleaseGates>;
  /**
   * Evaluates a gate over the release's past canary window without storing
   * anything. Rejects with a `ResponseError`: 400 with the problem (an
   * invalid definition, an unknown gate, no canary window), 403 unless the
   * user has the `release-ledger.gate.replay` permission.
   */
  replayGate(
    releaseId: string,
    request?: ReplayGateRequest,
  ): Promise<GateReplay>;
  /**
   * The checklist pinned to the release when it started, with its ticks;
   * undefined when the release has none (unknown, or not started).
   */
  getReleaseChecklist(releaseId: string): Promise<ReleaseChecklist | undefined>;
  /**
   * Ticks (or, with `checked: false`, unticks) an item of the release's
   * checklist as the signed-in user: a `checklist_item_checked` event.
   * Rejects with a `ResponseError`: 403 unless the user has
   * `release-ledger.event.create` on the release's entity.
   */
  checkChecklistItem(
    releaseId: string,
    item: { id: string; text: string },
    checked: boolean,
  ): Promise<void>;
  /**
   * The release's notes from the commits its `release_started` lists (or
   * its merged PRs' titles), in conventional-changelog sections with
   * commitlint's findings. Rejects with a `ResponseError` whose
   * `statusCode` is 404 when the release is unknown.
   */
  getReleaseNotes(releaseId: string): Promise<ReleaseNotes>;
  /**
   * The same notes as a CHANGELOG section in markdown, with the file name to
   * save it under. Rejects like {@link ReleaseLedgerApi.getReleaseNotes}.
   */
  getReleaseNotesMarkdown(releaseId: string): Promise<ReleaseNotesMarkdown>;
  /**
   * The checklist items the entity's newest finished releases with a pinned
   * checklist (`releases` of them, 1 to 200; the backend defaults to 20) most
   * often left unticked, most skipped first; items never skipped are left
   * out. Rejects with a `ResponseError` (400 with a message) for a bad
   * entity ref or count.
   */
  getSkippedChecklistItems(
    entityRef: string,
    releases?: number,
  ): Promise<SkippedChecklistItems>;
}

/** @public */
export const releaseLedgerApiRef = createApiRef<ReleaseLedgerApi>().with({
  id: 'plugin.release-ledger.api',
  pluginId: 'release-ledger',
});
