import type {
  Release,
  ReleaseEvent,
} from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
import type { AcceptedEvent } from './ReleaseLedgerStore';

/** A release the append re-projected, with what projectors need of it. */
export type ProjectedRelease = {
  release: Release;
  /**
   * The release's events a projector may need: all of them after a full
   * re-projection, or the failure and restore signals kept in the stored
   * projection after an incremental one.
   */
  events: ReleaseEvent[];
  /** Status before this append (`pending` for a new release). */
  previousStatus?: Release['status'];
  /** promoted_at before this append; a change moves incident attribution. */
  previousPromotedAt?: string;
};

/** Where an incident stands after the append (metrics decides it). */
export type IncidentAttribution = {
  releaseId: string | null;
  attribution: 'explicit' | 'window' | 'unattributed';
};

/** What one append stored, as every projector sees it. */
export type AppendedBatch = {
  /** The events this append stored (duplicates left out), in input order. */
  fresh: AcceptedEvent[];
  /** Every release the append re-projected, by id. */
  releases: Map<string, ProjectedRelease>;
  /** When the ledger received the events (UTC ISO 8601). */
  receivedAt: string;
  /**
   * Facts an earlier projector decided in this append, for later ones: the
   * metrics projector fills in where incidents are attributed, and comms
   * replies in the attributed release's thread, without reading it back.
   */
  incidents: Map<string, IncidentAttribution>;
};

/**
 * A consequence of new events that a capability owns (metrics' footprints,
 * comms' outbox messages), run by the ledger's append in the answered
 * transaction, in the order the projectors were added: whatever it writes
 * commits, or rolls back, with the events.
 */
export interface LedgerProjector {
  /** Names the projector in logs and errors, e.g. `metrics`. */
  readonly id: string;
  project(tx: Knex.Transaction, batch: AppendedBatch): Promise<void>;
}
