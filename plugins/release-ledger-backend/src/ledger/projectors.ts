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

/**
 * New events as a projector sees them: what one append stored (inline
 * projectors), or what a drain of the projection queue took (deferred ones).
 */
export type AppendedBatch = {
  /**
   * The events not yet projected (duplicates left out): in input order for
   * an append, in the order they were stored for a drain.
   */
  fresh: AcceptedEvent[];
  /**
   * Every release of those events, by id, as it stands now, with where it
   * stood before them (before the append, or when the deferred projectors
   * last ran for it).
   */
  releases: Map<string, ProjectedRelease>;
  /** When the ledger received the events, or the drain took them (UTC ISO 8601). */
  receivedAt: string;
  /**
   * Facts an earlier projector decided in this append, for later ones: the
   * metrics projector fills in where incidents are attributed, and comms
   * replies in the attributed release's thread, without reading it back.
   */
  incidents: Map<string, IncidentAttribution>;
};

/**
 * When a projector runs.
 *
 * - `inline`: in the append's transaction, before the request is answered;
 *   what it writes is visible with the events. It adds to every append's
 *   latency, so keep it for what a reader must see at once.
 * - `deferred`: after the append, by a drain of the projection queue (a row
 *   written in the append's transaction, so nothing is lost on a crash) on
 *   any instance, usually within a second; a release touched by many
 *   appends is projected once per drain. What it writes must be idempotent:
 *   a drain that crashes before its commit is run again.
 */
export type ProjectorMode = 'inline' | 'deferred';

/**
 * A consequence of new events that a capability owns (metrics' footprints,
 * comms' outbox messages). Projectors of one mode run in the order they were
 * added, in one transaction: whatever one writes commits, or rolls back,
 * with the others (and, inline, with the events).
 */
export interface LedgerProjector {
  /** Names the projector in logs and errors, e.g. `metrics`. */
  readonly id: string;
  readonly mode: ProjectorMode;
  project(tx: Knex.Transaction, batch: AppendedBatch): Promise<void>;
}
