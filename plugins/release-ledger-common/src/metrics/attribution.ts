import type { IncidentSeverity } from '../events';
import { DEFAULT_INCIDENT_ATTRIBUTION_HOURS } from './definitions';

/**
 * An incident as the ledger knows it, before it is tied to a release.
 *
 * @public
 */
export type IncidentRecord = {
  incidentId: string;
  entityRef: string;
  severity: IncidentSeverity;
  startedAt: string;
  resolvedAt?: string;
  /** Set when the incident source named the release that caused it. */
  releaseId?: string;
};

/**
 * A production promotion, the candidate cause of later incidents.
 *
 * @public
 */
export type ReleasePromotion = {
  releaseId: string;
  entityRef: string;
  promotedAt: string;
};

/**
 * How an incident was tied to a release: named by its source (`explicit`),
 * inferred from the entity's latest promotion before it (`window`), or not
 * at all.
 *
 * @public
 */
export type IncidentAttribution =
  | { incidentId: string; method: 'explicit' | 'window'; releaseId: string }
  | { incidentId: string; method: 'unattributed' };

/** @public */
export type AttributeIncidentsOptions = {
  /** How long after a promotion an incident is still blamed on it. Default 72. */
  windowHours?: number;
};

type Candidate = { releaseId: string; at: number };

/**
 * Ties each incident to the release that most likely caused it, returning
 * one attribution per incident in input order.
 *
 * An incident that names its release keeps it. Otherwise it goes to its
 * entity's latest release promoted at or before the incident started, if
 * that promotion is at most `windowHours` earlier (both ends inclusive).
 * Two promotions of one entity at the same millisecond are told apart by
 * release id: the one that sorts last (plain code-unit order) wins, so the
 * answer never depends on input order. Pass production promotions only.
 *
 * @public
 */
export function attributeIncidents(
  incidents: readonly IncidentRecord[],
  promotions: readonly ReleasePromotion[],
  options: AttributeIncidentsOptions = {},
): IncidentAttribution[] {
  const windowHours = options.windowHours ?? DEFAULT_INCIDENT_ATTRIBUTION_HOURS;
  if (!(windowHours >= 0 && Number.isFinite(windowHours))) {
    throw new RangeError(
      `windowHours must be a non-negative number, got ${windowHours}`,
    );
  }
  const windowMs = windowHours * 3_600_000;
  const byEntity = promotionsByEntity(promotions);

  return incidents.map(({ incidentId, entityRef, startedAt, releaseId }) => {
    if (releaseId) {
      return { incidentId, method: 'explicit', releaseId };
    }
    const start = Date.parse(startedAt);
    const candidates = byEntity.get(entityRef.toLowerCase());
    const latest = candidates && latestAtOrBefore(candidates, start);
    if (latest && start - latest.at <= windowMs) {
      return { incidentId, method: 'window', releaseId: latest.releaseId };
    }
    return { incidentId, method: 'unattributed' };
  });
}

/** Promotions per (lower-cased) entity ref, oldest first, ties by release id. */
function promotionsByEntity(
  promotions: readonly ReleasePromotion[],
): Map<string, Candidate[]> {
  const byEntity = new Map<string, Candidate[]>();
  for (const { releaseId, entityRef, promotedAt } of promotions) {
    const at = Date.parse(promotedAt);
    if (Number.isNaN(at)) {
      continue;
    }
    const key = entityRef.toLowerCase();
    const list = byEntity.get(key);
    if (list) {
      list.push({ releaseId, at });
    } else {
      byEntity.set(key, [{ releaseId, at }]);
    }
  }
  for (const list of byEntity.values()) {
    list.sort(
      (a, b) => a.at - b.at || compareCodeUnits(a.releaseId, b.releaseId),
    );
  }
  return byEntity;
}

/** The last candidate at or before `ms`, by binary search. */
function latestAtOrBefore(
  sorted: readonly Candidate[],
  ms: number,
): Candidate | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].at <= ms) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo > 0 ? sorted[lo - 1] : undefined;
}

function compareCodeUnits(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}
