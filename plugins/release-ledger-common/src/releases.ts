import type { IncidentSeverity, ReleaseEvent } from './events';
import type { ReleaseDoraFootprint } from './metricsApi';

/**
 * Where a release is in its life: started → canary → promoted | rolled_back →
 * finished. `pending` means events (usually merged PRs) arrived before the
 * release started.
 *
 * @public
 */
export const RELEASE_STATUSES = [
  'pending',
  'started',
  'canary',
  'promoted',
  'rolled_back',
  'finished',
] as const;

/** @public */
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

/**
 * How a finished release ended: promoted, or rolled back (also when the
 * rollback came after `release_finished`, e.g. after an incident).
 *
 * @public
 */
export const RELEASE_OUTCOMES = ['promoted', 'rolled_back'] as const;

/** @public */
export type ReleaseOutcome = (typeof RELEASE_OUTCOMES)[number];

/**
 * A change shipped by a release: a merged PR (`pr_merged`), or a mainline
 * commit the release listed that no `pr_merged` describes (a direct push, or
 * a merge whose workflow sent nothing). A PR's own event wins over its commit.
 *
 * @public
 */
export type ReleaseChange = {
  /** Absent for a commit that names no PR. */
  prNumber?: number;
  title: string;
  author?: string;
  /** When it reached the mainline: the PR's merge, or the commit's time. */
  mergedAt: string;
  commit?: string;
  url?: string;
  customerVisible?: boolean;
  /** Where the change came from; absent in releases projected before commits were listed. */
  source?: 'pr_merged' | 'commit';
  /**
   * Required PR template fields (risk, feature flags, rollback criteria, and
   * configured ones) missing from the body sent with `pr_merged`, each with
   * the problem; absent when they are all answered or no body was sent.
   */
  missingFields?: Array<{ field: string; label: string; problem: string }>;
};

/** An incident attached to a release. @public */
export type ReleaseIncident = {
  incidentId: string;
  severity: IncidentSeverity;
  title?: string;
  startedAt: string;
  resolvedAt?: string;
};

/** A feature flag change made during a release. @public */
export type ReleaseFlagToggle = {
  flag: string;
  from?: unknown;
  to: unknown;
  at: string;
};

/** An impossible sequence found in a release's events; kept, not dropped. @public */
export type ReleaseAnomaly = {
  eventId: string;
  type: string;
  message: string;
};

/** A release as projected from its events. @public */
export type Release = {
  releaseId: string;
  entityRef: string;
  /** Owner group when the release started; history stays true when ownership changes. */
  ownerRef?: string;
  /** The catalog System (`spec.system`) the entity was part of when the release started. */
  systemRef?: string;
  status: ReleaseStatus;
  /** How a finished release ended. */
  outcome?: ReleaseOutcome;
  environment: string;
  version?: string;
  commit?: string;
  /** The commit of the release before: the start of this release's range. */
  previousCommit?: string;
  /** How many mainline commits the range holds (the release may list fewer). */
  commitCount?: number;
  /** Other catalog entities the release deploys; each one's releases and metrics include it. */
  components?: string[];
  /** Incidents or earlier releases this release fixes. */
  fixes?: string[];
  plan?: string;
  risk?: string;
  startedAt?: string;
  canaryStartedAt?: string;
  canaryWeight?: number;
  promotedAt?: string;
  rolledBackAt?: string;
  rollbackReason?: string;
  finishedAt?: string;
  /** First event time; orders releases that have not started. */
  firstEventAt: string;
  lastEventAt: string;
  changes: ReleaseChange[];
  /** How many changes miss required PR template fields: the release is flagged. */
  changesMissingFields?: number;
  incidents: ReleaseIncident[];
  flagToggles: ReleaseFlagToggle[];
  anomalies: ReleaseAnomaly[];
  eventCount: number;
};

/**
 * A release with its events in time order and, for releases the metrics
 * know about, its DORA footprint.
 *
 * @public
 */
export type ReleaseWithEvents = Release & {
  events: ReleaseEvent[];
  footprint?: ReleaseDoraFootprint;
};

/** One page of releases, newest first. @public */
export type ReleasePage = {
  items: Release[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
};

/** Per-event answer of `POST /events`. @public */
export type IngestResult = {
  index: number;
  eventId: string;
  /** Absent for incidents sent without a release (the ledger attributes them). */
  releaseId?: string;
  status: 'created' | 'duplicate';
};

/**
 * How a change is named in the portal and in Slack: `#123 Title`, or for a
 * commit without a PR, `Title (abc1234)`.
 *
 * @public
 */
export function changeLabel(change: ReleaseChange): string {
  if (change.prNumber !== undefined)
    return `#${change.prNumber} ${change.title}`;
  return change.commit
    ? `${change.title} (${change.commit.slice(0, 7)})`
    : change.title;
}
