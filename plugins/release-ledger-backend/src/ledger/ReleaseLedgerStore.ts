import type {
  Release,
  ReleaseEvent,
  ReleasePage,
  ReleaseOutcome,
  ReleaseStatus,
  ReleaseWithEvents,
} from '@release-ledger/plugin-release-ledger-common';

/** An event of a release that passed validation, with the release's entity resolved. */
export type AcceptedReleaseEvent = ReleaseEvent & {
  /** The entity the release belongs to (from this event or an earlier one). */
  releaseEntityRef: string;
  /** Owner group of that entity now; stored only when the release is new. */
  ownerRef?: string;
  /** Catalog System of that entity now; stored only when the release is new. */
  systemRef?: string;
};

/**
 * An incident event sent without a release (incident_started with an
 * entity, or incident_resolved); the ledger attributes the incident.
 */
export type AcceptedIncidentEvent = OmitEach<ReleaseEvent, 'releaseId'> & {
  releaseId?: undefined;
};

/** `Omit` applied to each member of a union, so `ReleaseEvent` still narrows on `type`. */
export type OmitEach<T, K extends PropertyKey> = T extends unknown
  ? Omit<T, K>
  : never;

/** What the intake knows of how an event was sent. */
export type SentAs = {
  /**
   * The sender gave no timestamp and the ledger used the time it arrived:
   * a retry of it then differs only in that, and is still a duplicate.
   */
  timestampDefaulted?: boolean;
};

/** An event that passed validation. */
export type AcceptedEvent = (AcceptedReleaseEvent | AcceptedIncidentEvent) &
  SentAs;

/** Whether the event belongs to a release. */
export function belongsToRelease(
  event: AcceptedEvent,
): event is AcceptedReleaseEvent {
  return event.releaseId !== undefined;
}

/** Filters for the release list, all optional; times are inclusive bounds on the release's start. */
export type ReleaseFilter = {
  entityRef?: string;
  ownerRef?: string;
  status?: ReleaseStatus;
  /** How a finished release ended (a rolled-back one is `finished` with outcome `rolled_back`). */
  outcome?: ReleaseOutcome;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
};

/** The ledger's storage: the append-only event log and the release projection. */
export interface ReleaseLedgerStore {
  /** The entity each known release belongs to. */
  getReleaseEntities(releaseIds: string[]): Promise<Map<string, string>>;

  /**
   * Stores the events and re-projects their releases in one transaction.
   * Returns, per input position, whether the event was new or a duplicate
   * (the same content under a known eventId). Throws EventIdConflictError,
   * storing nothing, when a known eventId comes with different content.
   */
  appendEvents(
    events: AcceptedEvent[],
  ): Promise<Array<'created' | 'duplicate'>>;

  listReleases(filter: ReleaseFilter): Promise<ReleasePage>;

  getRelease(releaseId: string): Promise<ReleaseWithEvents | undefined>;

  /**
   * One stored event by id — also an incident event sent without a release,
   * which no release's events include.
   */
  getEvent(eventId: string): Promise<ReleaseEvent | undefined>;

  /** Counts of stored rows; used by health checks and tests. */
  countRows(): Promise<{ events: number; releases: number }>;
}

export type { Release };
