import type { IncidentSeverity } from '../events';
import { DORA_ENVIRONMENT, FAILURE_INCIDENT_SEVERITIES } from './definitions';

/**
 * An incident already tied to the release (see `attributeIncidents`).
 *
 * @public
 */
export type ReleaseMetricIncident = {
  incidentId: string;
  severity: IncidentSeverity;
  startedAt: string;
  attribution: 'explicit' | 'window';
};

/**
 * The facts about one release that its DORA footprint is computed from.
 * Times are ISO 8601 strings.
 *
 * @public
 */
export type ReleaseMetricInput = {
  releaseId: string;
  entityRef: string;
  ownerRef?: string;
  /** The catalog System the entity was part of when the release started. */
  systemRef?: string;
  environment: string;
  startedAt?: string;
  promotedAt?: string;
  rolledBackAt?: string;
  changes: readonly { mergedAt: string }[];
  /** Times of the release's `gate_failed` events. */
  gateFailedAt?: readonly string[];
  /** Times of the release's `slo_restored` events. */
  sloRestoredAt?: readonly string[];
  incidents: readonly ReleaseMetricIncident[];
  /** Incidents or earlier releases this release fixes (`Release.fixes`). */
  fixes?: readonly string[];
  /**
   * Production promotions of later releases whose `fixes` name this release
   * or one of its attributed incidents: each may restore its service.
   */
  fixedBy?: readonly ReleaseFixPromotion[];
};

/**
 * A fix of a release promoted to production (see
 * `ReleaseMetricInput.fixedBy`).
 *
 * @public
 */
export type ReleaseFixPromotion = {
  /** The release that fixes it. */
  releaseId: string;
  promotedAt: string;
};

/**
 * Why a release counts as failed.
 *
 * @public
 */
export type FailureCause = 'rolled_back' | 'incident';

/**
 * What one release contributes to the DORA metrics. Only production
 * releases contribute; for any other environment the footprint is empty
 * (no lead times, never failed).
 *
 * @public
 */
export type ReleaseFootprint = {
  releaseId: string;
  entityRef: string;
  ownerRef?: string;
  /** The catalog System the entity was part of when the release started. */
  systemRef?: string;
  environment: string;
  /** Started in production: counts towards change failure rate. */
  isDeployment: boolean;
  /**
   * A deployment that fixes an incident or an earlier release: counts
   * towards deployment rework rate. Absent in footprints from before it was
   * recorded, which count as not rework.
   */
  isRework?: boolean;
  startedAt?: string;
  promotedAt?: string;
  /** Promoted time − merged time per change, in ms; empty unless promoted. */
  leadTimesMs: number[];
  failed: boolean;
  failureCauses: FailureCause[];
  /** Earliest failure signal; only on failed releases. */
  firstFailureSignalAt?: string;
  /**
   * First rollback, SLO restoration or promotion of a fix at or after the
   * first signal.
   */
  restoredAt?: string;
  timeToRestoreMs?: number;
};

/** A time as given and as epoch ms, so the earliest keeps its original text. */
type Instant = { at: string; ms: number };

/**
 * Computes a release's own DORA footprint.
 *
 * - Lead time per change is clamped at 0: the pipeline says the change
 *   shipped in this release, so a merge "after" the promotion is clock skew
 *   between the git host and the pipeline. Changes with unreadable times
 *   are skipped.
 * - A release has failed when it was rolled back or has an attributed
 *   SEV-1/SEV-2 incident.
 * - Its failure signals are `gate_failed` events, the rollback, and the
 *   SEV-1/SEV-2 incidents. Lower-severity incidents are not signals: an
 *   incident that cannot make a release a failure should not start its
 *   clock either, and a window-attributed SEV-4 is often unrelated.
 * - Service is restored by the first rollback, `slo_restored` or production
 *   promotion of a fix (`fixedBy`) at or after the first signal. A rollback
 *   that is itself the first signal restores in 0 ms: the ledger knows of
 *   no impact before it. A fix promoted before the first signal restores
 *   nothing: it cannot end an impact that had not begun.
 * - A deployment is rework when it fixes something (`fixes` is not empty).
 *   Rework and failure are independent: a fix can fail too.
 *
 * @public
 */
export function releaseFootprint(input: ReleaseMetricInput): ReleaseFootprint {
  const environment = input.environment;
  const footprint: ReleaseFootprint = {
    releaseId: input.releaseId,
    entityRef: input.entityRef,
    ownerRef: input.ownerRef,
    systemRef: input.systemRef,
    environment,
    isDeployment:
      environment === DORA_ENVIRONMENT && input.startedAt !== undefined,
    isRework: false,
    startedAt: input.startedAt,
    promotedAt: input.promotedAt,
    leadTimesMs: [],
    failed: false,
    failureCauses: [],
  };
  if (environment !== DORA_ENVIRONMENT) {
    return footprint;
  }
  footprint.isRework = footprint.isDeployment && (input.fixes?.length ?? 0) > 0;

  const promoted = instant(input.promotedAt);
  if (promoted) {
    for (const { mergedAt } of input.changes) {
      const mergedMs = Date.parse(mergedAt);
      if (!Number.isNaN(mergedMs)) {
        footprint.leadTimesMs.push(Math.max(0, promoted.ms - mergedMs));
      }
    }
  }

  const failingIncidents = input.incidents.filter(incident =>
    (FAILURE_INCIDENT_SEVERITIES as readonly string[]).includes(
      incident.severity,
    ),
  );
  if (input.rolledBackAt !== undefined) {
    footprint.failureCauses.push('rolled_back');
  }
  if (failingIncidents.length > 0) {
    footprint.failureCauses.push('incident');
  }
  footprint.failed = footprint.failureCauses.length > 0;
  if (!footprint.failed) {
    return footprint;
  }

  const rollback = instant(input.rolledBackAt);
  const signal = earliest([
    rollback,
    ...(input.gateFailedAt ?? []).map(instant),
    ...failingIncidents.map(incident => instant(incident.startedAt)),
  ]);
  if (!signal) {
    return footprint;
  }
  footprint.firstFailureSignalAt = signal.at;

  const restore = earliest(
    [
      rollback,
      ...(input.sloRestoredAt ?? []).map(instant),
      ...(input.fixedBy ?? []).map(fix =>
        // A release does not restore its own service by fixing itself.
        fix.releaseId === input.releaseId ? undefined : instant(fix.promotedAt),
      ),
    ].filter(candidate => candidate && candidate.ms >= signal.ms),
  );
  if (restore) {
    footprint.restoredAt = restore.at;
    footprint.timeToRestoreMs = restore.ms - signal.ms;
  }
  return footprint;
}

function instant(at: string | undefined): Instant | undefined {
  if (at === undefined) {
    return undefined;
  }
  const ms = Date.parse(at);
  return Number.isNaN(ms) ? undefined : { at, ms };
}

function earliest(candidates: (Instant | undefined)[]): Instant | undefined {
  let first: Instant | undefined;
  for (const candidate of candidates) {
    if (candidate && (!first || candidate.ms < first.ms)) {
      first = candidate;
    }
  }
  return first;
}
