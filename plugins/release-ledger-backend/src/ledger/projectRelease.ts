import type {
  IncidentSeverity,
  Release,
  ReleaseEvent,
  ReleaseEventType,
  ReleaseStatus,
} from '@release-ledger/plugin-release-ledger-common';

/**
 * Events with the same timestamp are applied in lifecycle order, so a
 * pipeline that stamps `release_started` and `canary_started` in the same
 * second still projects correctly. The eventId breaks the last ties, which
 * makes the order total: any arrival order gives the same projection.
 */
const LIFECYCLE_RANK: Record<ReleaseEventType, number> = {
  pr_merged: 0,
  release_started: 1,
  checklist_item_checked: 2,
  note_added: 2,
  flag_toggled: 2,
  canary_started: 3,
  gate_evaluated: 4,
  gate_failed: 4,
  canary_passed: 5,
  incident_started: 6,
  rolled_back: 7,
  promoted: 7,
  incident_resolved: 8,
  slo_restored: 8,
  release_finished: 9,
};

/** Orders events by time, then lifecycle, then eventId. */
export function compareEvents(a: ReleaseEvent, b: ReleaseEvent): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  const rank = LIFECYCLE_RANK[a.type] - LIFECYCLE_RANK[b.type];
  if (rank !== 0) return rank;
  if (a.eventId === b.eventId) return 0;
  return a.eventId < b.eventId ? -1 : 1;
}

/** Statuses from which each lifecycle event is a legal step. */
const TRANSITIONS: Partial<
  Record<ReleaseEventType, { from: ReleaseStatus[]; to?: ReleaseStatus }>
> = {
  release_started: { from: ['pending'], to: 'started' },
  canary_started: { from: ['started', 'canary'], to: 'canary' },
  canary_passed: { from: ['canary'] },
  promoted: { from: ['started', 'canary'], to: 'promoted' },
  rolled_back: { from: ['started', 'canary', 'promoted'], to: 'rolled_back' },
  release_finished: { from: ['promoted', 'rolled_back'], to: 'finished' },
};

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : undefined;
const num = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : undefined;

/**
 * Projects a release from its events: a pure function of the set of events,
 * independent of arrival order and of duplicates (same eventId).
 *
 * Impossible sequences (promoted after rolled_back, finished before any
 * outcome, a second release_started) are kept and recorded as anomalies; the
 * status does not move on an illegal step, but the fact's time is recorded.
 */
export function projectRelease(options: {
  releaseId: string;
  entityRef: string;
  ownerRef?: string;
  systemRef?: string;
  events: ReleaseEvent[];
}): Release {
  const unique = new Map<string, ReleaseEvent>();
  for (const e of options.events) {
    if (!unique.has(e.eventId)) unique.set(e.eventId, e);
  }
  const events = [...unique.values()].sort(compareEvents);
  if (events.length === 0) {
    throw new Error(`release ${options.releaseId} has no events`);
  }

  const release: Release = {
    releaseId: options.releaseId,
    entityRef: options.entityRef,
    ownerRef: options.ownerRef,
    systemRef: options.systemRef,
    status: 'pending',
    environment: events[0].environment,
    firstEventAt: events[0].timestamp,
    lastEventAt: events[events.length - 1].timestamp,
    changes: [],
    incidents: [],
    flagToggles: [],
    anomalies: [],
    eventCount: events.length,
  };
  const changesByPr = new Map<number, Release['changes'][number]>();

  for (const event of events) {
    const a = event.attributes;
    const rule = TRANSITIONS[event.type];
    if (
      event.type === 'rolled_back' &&
      release.status === 'finished' &&
      !release.rolledBackAt
    ) {
      // Rolling back a finished release (after an incident, say) is the
      // usual path, not an anomaly: it stays finished, with outcome
      // rolled_back. A second rollback still is one (see below).
    } else if (rule) {
      if (rule.from.includes(release.status)) {
        if (rule.to) release.status = rule.to;
      } else {
        release.anomalies.push({
          eventId: event.eventId,
          type: event.type,
          message: `${event.type} while the release was ${release.status}`,
        });
      }
    }

    switch (event.type) {
      case 'pr_merged': {
        const prNumber = num(a.prNumber)!;
        if (!changesByPr.has(prNumber)) {
          changesByPr.set(prNumber, {
            prNumber,
            title: str(a.title) ?? '',
            author: str(a.author),
            mergedAt: normaliseTime(str(a.mergedAt)) ?? event.timestamp,
            commit: str(a.commit) ?? event.commit,
            url: str(a.url),
            customerVisible:
              typeof a.customerVisible === 'boolean'
                ? a.customerVisible
                : undefined,
          });
        }
        break;
      }
      case 'release_started':
        release.startedAt ??= event.timestamp;
        release.environment = event.environment;
        release.version = event.version ?? release.version;
        release.commit = event.commit ?? release.commit;
        release.plan = str(a.plan) ?? release.plan;
        release.risk = str(a.risk) ?? release.risk;
        break;
      case 'canary_started':
        release.canaryStartedAt ??= event.timestamp;
        release.canaryWeight = num(a.weight);
        break;
      case 'promoted':
        release.promotedAt ??= event.timestamp;
        break;
      case 'rolled_back':
        release.rolledBackAt ??= event.timestamp;
        release.rollbackReason ??= str(a.reason);
        break;
      case 'release_finished':
        release.finishedAt ??= event.timestamp;
        break;
      case 'incident_started': {
        const incidentId = str(a.incidentId)!;
        const existing = release.incidents.find(
          i => i.incidentId === incidentId,
        );
        if (existing) {
          release.anomalies.push({
            eventId: event.eventId,
            type: event.type,
            message: `${incidentId} started twice`,
          });
        } else {
          release.incidents.push({
            incidentId,
            severity: a.severity as IncidentSeverity,
            title: str(a.title),
            startedAt: event.timestamp,
          });
        }
        break;
      }
      case 'incident_resolved': {
        const incident = release.incidents.find(
          i => i.incidentId === str(a.incidentId),
        );
        if (incident) {
          incident.resolvedAt ??= event.timestamp;
        } else {
          release.anomalies.push({
            eventId: event.eventId,
            type: event.type,
            message: `${str(a.incidentId)} resolved but never started`,
          });
        }
        break;
      }
      case 'flag_toggled':
        release.flagToggles.push({
          flag: str(a.flag)!,
          from: a.from,
          to: a.to,
          at: event.timestamp,
        });
        break;
      default:
        break;
    }
    // Identity fields from any event fill gaps left by release_started.
    release.version ??= event.version;
    release.commit ??= event.commit;
  }

  if (release.status === 'finished') {
    release.outcome = release.rolledBackAt ? 'rolled_back' : 'promoted';
  }
  release.changes = [...changesByPr.values()].sort(
    (x, y) => x.mergedAt.localeCompare(y.mergedAt) || x.prNumber - y.prNumber,
  );
  return release;
}

/** Normalises an ISO 8601 time to UTC with milliseconds: the stored form. */
export function normaliseTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
