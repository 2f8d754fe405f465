import {
  RELEASE_EVENT_TYPES,
  type Release,
  type ReleaseEvent,
} from '@release-ledger/plugin-release-ledger-common';
import {
  applyEvent,
  compareEvents,
  EventOrderKey,
  finishFold,
  ReleaseFold,
  ProjectionRules,
  ReleaseIdentity,
  resumeFold,
  startFold,
  uniqueInOrder,
} from './projectRelease';

/**
 * The version of the fold's logic (projectRelease.ts). Bump it when a change
 * there would project some history differently: cursors written by the
 * previous logic then stop matching, and each release is re-projected from
 * all its events at its next event instead of continued.
 */
export const PROJECTION_LOGIC_VERSION = 2; // 2: listed commits, components, fixes, PR template fields

/**
 * What continuing a stored projection needs besides the Release: where the
 * fold stopped, and the facts of the events it applied that the Release does
 * not keep but the release's DORA footprint reads.
 */
export type ProjectionCursor = {
  logicVersion: number;
  /**
   * `eventCount` of the Release the cursor was written with. Events are only
   * ever added, so a projection rewritten without its cursor (by an instance
   * that does not keep one) no longer matches it.
   */
  eventCount: number;
  /** The last event applied, in `compareEvents` order. */
  last: EventOrderKey;
  /** Times of the gate_failed events, in projection order. */
  gateFailedAt: string[];
  /** Times of the slo_restored events, in projection order. */
  sloRestoredAt: string[];
};

/** A release's projection as stored: the Release and where it continues from. */
export type ReleaseProjection = {
  release: Release;
  cursor: ProjectionCursor;
};

/** What `applyToProjection` answers. */
export type ProjectionUpdate =
  | { kind: 'applied'; projection: ReleaseProjection }
  | {
      kind: 'reproject';
      /**
       * `out-of-order`: a new event sorts before the last one applied.
       * `no-cursor`: the stored projection has no cursor that matches it
       * (written before cursors, by other logic, or by an instance that did
       * not keep it).
       */
      reason: 'out-of-order' | 'no-cursor';
    };

/** Applies events, in projection order and not yet applied, to a fold and its cursor. */
function applyAll(
  fold: ReleaseFold,
  signals: Pick<ProjectionCursor, 'gateFailedAt' | 'sloRestoredAt'>,
  events: readonly ReleaseEvent[],
): ReleaseProjection {
  for (const event of events) {
    applyEvent(fold, event);
    if (event.type === 'gate_failed')
      signals.gateFailedAt.push(event.timestamp);
    if (event.type === 'slo_restored')
      signals.sloRestoredAt.push(event.timestamp);
  }
  const last = events[events.length - 1];
  const release = finishFold(fold);
  return {
    release,
    cursor: {
      logicVersion: PROJECTION_LOGIC_VERSION,
      eventCount: release.eventCount,
      last: {
        timestamp: last.timestamp,
        type: last.type,
        eventId: last.eventId,
      },
      gateFailedAt: signals.gateFailedAt,
      sloRestoredAt: signals.sloRestoredAt,
    },
  };
}

/**
 * Projects a release from all its events (any order, duplicates allowed),
 * with the cursor that lets later events be applied to it.
 */
export function projectFromAllEvents(
  identity: ReleaseIdentity,
  events: readonly ReleaseEvent[],
  rules?: ProjectionRules,
): ReleaseProjection {
  const ordered = uniqueInOrder(events);
  if (ordered.length === 0) {
    throw new Error(`release ${identity.releaseId} has no events`);
  }
  return applyAll(
    startFold(identity, ordered[0], rules),
    {
      gateFailedAt: [],
      sloRestoredAt: [],
    },
    ordered,
  );
}

/**
 * Applies new events to a stored projection, when they all sort after the
 * last event it applied: the answer is then exactly what
 * `projectFromAllEvents` gives for the old and new events together.
 * Otherwise it answers that the release must be re-projected from all its
 * events. `stored` is not changed.
 *
 * An eventId names one event (the log refuses a reuse for a different one):
 * the last applied event sent again is skipped; an earlier one sent again
 * sorts before it and asks for a re-projection, which drops it.
 */
export function applyToProjection(
  stored: { release: Release; cursor?: ProjectionCursor },
  newEvents: readonly ReleaseEvent[],
  identity: ReleaseIdentity,
  rules?: ProjectionRules,
): ProjectionUpdate {
  const { release, cursor } = stored;
  if (
    !cursor ||
    cursor.logicVersion !== PROJECTION_LOGIC_VERSION ||
    cursor.eventCount !== release.eventCount ||
    cursor.last.timestamp !== release.lastEventAt
  ) {
    return { kind: 'reproject', reason: 'no-cursor' };
  }
  let events = uniqueInOrder(newEvents);
  if (events.length > 0) {
    const order = compareEvents(events[0], cursor.last);
    if (order < 0) return { kind: 'reproject', reason: 'out-of-order' };
    if (order === 0) events = events.slice(1);
  }
  if (events.length === 0) {
    return {
      kind: 'applied',
      projection: {
        release: resumeFold(release, identity, rules).release,
        cursor: structuredClone(cursor),
      },
    };
  }
  return {
    kind: 'applied',
    projection: applyAll(
      resumeFold(release, identity, rules),
      {
        gateFailedAt: [...cursor.gateFailedAt],
        sloRestoredAt: [...cursor.sloRestoredAt],
      },
      events,
    ),
  };
}

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * A stored cursor (JSON), or undefined when there is none or it is not one
 * this code wrote: the release is then re-projected from all its events.
 */
export function parseProjectionCursor(
  json: string | null | undefined,
): ProjectionCursor | undefined {
  if (!json) return undefined;
  let value: any;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  const valid =
    value?.logicVersion === PROJECTION_LOGIC_VERSION &&
    Number.isInteger(value.eventCount) &&
    isString(value.last?.timestamp) &&
    (RELEASE_EVENT_TYPES as readonly unknown[]).includes(value.last?.type) &&
    isString(value.last?.eventId) &&
    Array.isArray(value.gateFailedAt) &&
    value.gateFailedAt.every(isString) &&
    Array.isArray(value.sloRestoredAt) &&
    value.sloRestoredAt.every(isString);
  return valid ? (value as ProjectionCursor) : undefined;
}

/**
 * The events a release's footprint reads (footprintInput: the type and time
 * of its gate failures and SLO restorations), from its projection's cursor.
 */
export function footprintSignals(cursor: ProjectionCursor): ReleaseEvent[] {
  return [
    ...cursor.gateFailedAt.map(timestamp => ({
      type: 'gate_failed',
      timestamp,
    })),
    ...cursor.sloRestoredAt.map(timestamp => ({
      type: 'slo_restored',
      timestamp,
    })),
  ] as ReleaseEvent[];
}
