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

/** A merged change shipped by a release. @public */
export type ReleaseChange = {
  prNumber: number;
  title: string;
  author?: string;
  mergedAt: string;
  commit?: string;
  url?: string;
  customerVisible?: boolean;
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
