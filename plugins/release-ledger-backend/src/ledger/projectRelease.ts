import {
  PR_TEMPLATE_FIELDS,
  readPrTemplateFields,
  type PrTemplateField,
} from '@release-ledger/plugin-release-ledger-common';
import type {
  Release,
  ReleaseChange,
  ReleaseEvent,
  ReleaseEventOf,
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

/** What places an event in the projection order. */
export type EventOrderKey = Pick<
  ReleaseEvent,
  'timestamp' | 'type' | 'eventId'
>;

/** Orders events by time, then lifecycle, then eventId. */
export function compareEvents(a: EventOrderKey, b: EventOrderKey): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  const rank = LIFECYCLE_RANK[a.type] - LIFECYCLE_RANK[b.type];
  if (rank !== 0) return rank;
  if (a.eventId === b.eventId) return 0;
  return a.eventId < b.eventId ? -1 : 1;
}

/**
 * The events without repeats of an eventId (the first occurrence stays: an
 * eventId names one event), in projection order.
 */
export function uniqueInOrder(events: readonly ReleaseEvent[]): ReleaseEvent[] {
  const unique = new Map<string, ReleaseEvent>();
  for (const e of events) {
    if (!unique.has(e.eventId)) unique.set(e.eventId, e);
  }
  return [...unique.values()].sort(compareEvents);
}

/** Who a release belongs to: kept on the release row, not read from its events. */
export type ReleaseIdentity = {
  releaseId: string;
  entityRef: string;
  ownerRef?: string;
  systemRef?: string;
};

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

/**
 * A release projection in progress. The projection is a fold: `startFold`
 * (or `resumeFold` from a finished projection), `applyEvent` for each event
 * in `compareEvents` order, then `finishFold`. The only state beyond the
 * Release itself is an index of its changes, so a projected Release is
 * all a later fold needs to continue from.
 */
export type ReleaseFold = {
  readonly release: Release;
  /** The PR numbers of `release.changes`: the first merge of a PR stays. */
  readonly prNumbers: Set<number>;
  readonly rules: ProjectionRules;
};

/**
 * What the projection checks that the configuration decides: the PR
 * template's required fields (`releaseLedger.pullRequests.requiredFields`),
 * checked in the body a `pr_merged` carries. A change of configuration
 * applies to the merges projected after it.
 */
export type ProjectionRules = {
  requiredPrFields: ReadonlyArray<PrTemplateField | string>;
};

const DEFAULT_RULES: ProjectionRules = { requiredPrFields: PR_TEMPLATE_FIELDS };

/** A fold that has applied no events yet; `first` is the first event it will apply. */
export function startFold(
  identity: ReleaseIdentity,
  first: ReleaseEvent,
  rules: ProjectionRules = DEFAULT_RULES,
): ReleaseFold {
  return {
    release: {
      releaseId: identity.releaseId,
      entityRef: identity.entityRef,
      ownerRef: identity.ownerRef,
      systemRef: identity.systemRef,
      status: 'pending',
      environment: first.environment,
      firstEventAt: first.timestamp,
      lastEventAt: first.timestamp,
      changes: [],
      incidents: [],
      flagToggles: [],
      anomalies: [],
      eventCount: 0,
    },
    prNumbers: new Set(),
    rules,
  };
}

/**
 * A fold continuing from a finished projection (a copy: `projected` is not
 * changed). The identity is the release row's, which can change after the
 * projection was written (a back-filled system).
 */
export function resumeFold(
  projected: Release,
  identity: ReleaseIdentity,
  rules: ProjectionRules = DEFAULT_RULES,
): ReleaseFold {
  const release: Release = {
    ...structuredClone(projected),
    releaseId: identity.releaseId,
    entityRef: identity.entityRef,
    ownerRef: identity.ownerRef,
    systemRef: identity.systemRef,
  };
  return {
    release,
    prNumbers: new Set(
      release.changes.flatMap(c =>
        c.prNumber === undefined ? [] : [c.prNumber],
      ),
    ),
    rules,
  };
}

/**
 * Applies one event, which must sort after every event the fold has
 * applied (`compareEvents`) and must not repeat one of them.
 *
 * Impossible sequences (promoted after rolled_back, finished before any
 * outcome, a second release_started) are kept and recorded as anomalies; the
 * status does not move on an illegal step, but the fact's time is recorded.
 */
export function applyEvent(fold: ReleaseFold, event: ReleaseEvent): void {
  const release = fold.release;
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
    case 'pr_merged':
      addMergedPr(fold, event);
      break;
    case 'release_started': {
      const a = event.attributes;
      release.startedAt ??= event.timestamp;
      release.environment = event.environment;
      release.version = event.version ?? release.version;
      release.commit = event.commit ?? a.commit ?? release.commit;
      release.previousCommit = a.previousCommit ?? release.previousCommit;
      release.plan = a.plan ?? release.plan;
      release.risk = a.risk ?? release.risk;
      if (a.components?.length) release.components = a.components;
      const fixes = [...(a.fixes ?? []), ...incidentsFixedBy(a.commits ?? [])];
      if (fixes.length > 0) {
        release.fixes = [...new Set([...(release.fixes ?? []), ...fixes])];
      }
      if (a.commits) {
        release.commitCount = Math.max(a.commitCount ?? 0, a.commits.length);
        for (const commit of a.commits) {
          addCommit(fold, commit, event.timestamp);
        }
      } else if (a.commitCount !== undefined) {
        release.commitCount = a.commitCount;
      }
      break;
    }
    case 'canary_started':
      release.canaryStartedAt ??= event.timestamp;
      release.canaryWeight = event.attributes.weight;
      break;
    case 'promoted':
      release.promotedAt ??= event.timestamp;
      break;
    case 'rolled_back':
      release.rolledBackAt ??= event.timestamp;
      release.rollbackReason ??= event.attributes.reason;
      break;
    case 'release_finished':
      release.finishedAt ??= event.timestamp;
      break;
    case 'incident_started': {
      const { incidentId, severity, title } = event.attributes;
      const existing = release.incidents.find(i => i.incidentId === incidentId);
      if (existing) {
        release.anomalies.push({
          eventId: event.eventId,
          type: event.type,
          message: `${incidentId} started twice`,
        });
      } else {
        release.incidents.push({
          incidentId,
          severity,
          title,
          startedAt: event.timestamp,
        });
      }
      break;
    }
    case 'incident_resolved': {
      const { incidentId } = event.attributes;
      const incident = release.incidents.find(i => i.incidentId === incidentId);
      if (incident) {
        incident.resolvedAt ??= event.timestamp;
      } else {
        release.anomalies.push({
          eventId: event.eventId,
          type: event.type,
          message: `${incidentId} resolved but never started`,
        });
      }
      break;
    }
    case 'flag_toggled':
      release.flagToggles.push({
        flag: event.attributes.flag,
        from: event.attributes.from,
        to: event.attributes.to,
        at: event.timestamp,
      });
      break;
    default:
      break;
  }
  // Identity fields from any event fill gaps left by release_started.
  release.version ??= event.version;
  release.commit ??= event.commit;
  release.lastEventAt = event.timestamp;
  release.eventCount += 1;
}

/**
 * The fields derived from the rest, recomputed from scratch so that a
 * finished projection can be resumed and finished again.
 */
export function finishFold(fold: ReleaseFold): Release {
  const release = fold.release;
  if (release.status === 'finished') {
    release.outcome = release.rolledBackAt ? 'rolled_back' : 'promoted';
  } else {
    delete release.outcome;
  }
  const unchecked = release.changes.filter(c => c.missingFields).length;
  if (unchecked > 0) release.changesMissingFields = unchecked;
  else delete release.changesMissingFields;
  release.changes.sort(
    (x, y) =>
      x.mergedAt.localeCompare(y.mergedAt) ||
      (x.prNumber ?? 0) - (y.prNumber ?? 0) ||
      (x.commit ?? '').localeCompare(y.commit ?? ''),
  );
  return release;
}

/**
 * The incidents named by the `fix:` commits of a release (`fix: … INC-123`
 * in the subject or body): such a release is rework for an incident, as if
 * it listed them in `fixes`. Only the `INC-` prefix is read from commits,
 * so issue-tracker keys (PROJ-123) in ordinary fixes are not mistaken for
 * incidents; other incident ids go in `fixes` explicitly.
 */
export function incidentsFixedBy(commits: readonly ListedCommit[]): string[] {
  const ids = new Set<string>();
  for (const commit of commits) {
    const header = commit.isMerge
      ? commit.body?.split('\n').find(l => l.trim()) ?? ''
      : commit.subject;
    if (!/^fix(\([^)]*\))?!?:/i.test(header.trim())) continue;
    for (const m of `${commit.subject}\n${commit.body ?? ''}`.matchAll(
      /\bINC-\d+\b/gi,
    )) {
      ids.add(m[0].toUpperCase());
    }
  }
  return [...ids];
}

type ListedCommit = NonNullable<
  ReleaseEventOf<'release_started'>['attributes']['commits']
>[number];

/** Whether two commit ids name the same commit (one may be abbreviated). */
function sameCommit(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x.startsWith(y) || y.startsWith(x);
}

/**
 * A merged PR: the first merge of a PR stays; it takes the place of the
 * commit the release listed for it (by PR number or by commit), keeping
 * that commit's id when the event names none. Either order gives the same.
 */
function addMergedPr(fold: ReleaseFold, event: ReleaseEventOf<'pr_merged'>) {
  const a = event.attributes;
  const changes = fold.release.changes;
  const commit = a.commit ?? event.commit;
  const listed = changes.findIndex(
    c =>
      c.source === 'commit' &&
      (c.prNumber === a.prNumber || sameCommit(c.commit, commit)),
  );
  if (fold.prNumbers.has(a.prNumber) && listed < 0) return;
  const change: ReleaseChange = {
    prNumber: a.prNumber,
    title: a.title,
    author: a.author,
    mergedAt: normaliseTime(a.mergedAt) ?? event.timestamp,
    commit: commit ?? (listed >= 0 ? changes[listed].commit : undefined),
    url: a.url,
    customerVisible: a.customerVisible,
    source: 'pr_merged',
  };
  // A body sent with the merge is checked against the PR template.
  if (typeof a.body === 'string') {
    const { missing } = readPrTemplateFields(
      a.body,
      fold.rules.requiredPrFields,
    );
    if (missing.length > 0) change.missingFields = missing;
  }
  fold.prNumbers.add(a.prNumber);
  if (listed >= 0) changes[listed] = change;
  else changes.push(change);
}

/**
 * A commit of the release's range: a change of its own unless a merged PR
 * already describes it (then the PR gains its commit id if it had none).
 * A merge commit's title is its PR's (the body's first line).
 */
function addCommit(fold: ReleaseFold, commit: ListedCommit, startedAt: string) {
  const changes = fold.release.changes;
  const sha = commit.sha.toLowerCase();
  const described = changes.find(
    c =>
      (commit.prNumber !== undefined && c.prNumber === commit.prNumber) ||
      sameCommit(c.commit, sha),
  );
  if (described) {
    if (described.source !== 'commit') described.commit ??= sha;
    return;
  }
  const prTitle = commit.isMerge
    ? commit.body
        ?.split('\n')
        .map(l => l.trim())
        .find(Boolean)
    : undefined;
  if (commit.prNumber !== undefined) fold.prNumbers.add(commit.prNumber);
  changes.push({
    prNumber: commit.prNumber,
    title: prTitle ?? (commit.subject || sha.slice(0, 12)),
    author: commit.author,
    mergedAt:
      normaliseTime(commit.committedAt ?? commit.authoredAt) ?? startedAt,
    commit: sha,
    source: 'commit',
  });
}

/**
 * Projects a release from its events: a pure function of the set of events,
 * independent of arrival order and of duplicates (same eventId).
 */
export function projectRelease(
  options: ReleaseIdentity & { events: ReleaseEvent[] },
): Release {
  const events = uniqueInOrder(options.events);
  if (events.length === 0) {
    throw new Error(`release ${options.releaseId} has no events`);
  }
  const fold = startFold(options, events[0]);
  for (const event of events) applyEvent(fold, event);
  return finishFold(fold);
}

/** Normalises an ISO 8601 time to UTC with milliseconds: the stored form. */
export function normaliseTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
