import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type {
  Release,
  ReleaseEvent,
} from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';

/** Each member of a union of events, without a release (still narrows on `type`). */
type WithoutRelease<E> = E extends unknown
  ? Omit<E, 'releaseId'> & { releaseId?: undefined }
  : never;

/**
 * An event as a projector sees it: a release's event, or an incident event
 * sent without a release (`releaseId` undefined). `switch (event.type)`
 * narrows its attributes.
 *
 * @public
 */
export type ProjectedEvent = ReleaseEvent | WithoutRelease<ReleaseEvent>;

/**
 * New events as a projector sees them: what one append stored (inline
 * projectors), or what one drain of the projection queue took (deferred
 * projectors).
 *
 * @public
 */
export type ReleaseLedgerProjectionBatch = {
  /** The events not projected before (duplicates left out), in the order they were stored. */
  readonly fresh: ReadonlyArray<ProjectedEvent>;
  /**
   * Every release of those events, by id: as it stands now, and where it
   * stood before them (before the append, or when the deferred projectors
   * last ran for it), so a projector can act on a change of status.
   */
  readonly releases: ReadonlyMap<
    string,
    {
      readonly release: Release;
      readonly previousStatus?: Release['status'];
      readonly previousPromotedAt?: string;
    }
  >;
  /** When the ledger received the events, or the drain took them (UTC ISO 8601). */
  readonly receivedAt: string;
  /**
   * Where each incident of the batch is attributed, as the ledger's metrics
   * projector decided it earlier in the same batch (deferred projectors).
   */
  readonly incidents: ReadonlyMap<
    string,
    {
      readonly releaseId: string | null;
      readonly attribution: 'explicit' | 'window' | 'unattributed';
    }
  >;
};

/**
 * A consequence of new release events that a module owns: a checklist, a
 * CDEvents publisher, a notifier.
 *
 * - `inline` runs in the append's transaction, before the pipeline gets its
 *   answer: what it writes commits, or rolls back, with the events, and it
 *   adds to every append's latency. Throwing fails the request.
 * - `deferred` runs shortly after, on any backend instance, in a drain of the
 *   ledger's projection queue (committed with the events, so nothing is lost
 *   on a crash), after the ledger's own metrics and comms projectors. It must
 *   be idempotent: a drain that crashes before its commit runs again.
 *   Throwing retries that release's work later, with backoff.
 *
 * `tx` is a transaction on the plugin's database; a module keeps its own
 * tables there (its own migrations, names prefixed with the module's id) and
 * never writes the ledger's. Anything slow or remote (an HTTP call) belongs
 * in an outbox row written here and sent by the module's own worker, not in
 * `project`.
 *
 * @public
 */
export interface ReleaseLedgerProjector {
  /** Unique id, in logs and `GET /ledger/status`, e.g. `checklists`. */
  readonly id: string;
  readonly mode: 'inline' | 'deferred';
  project(
    tx: Knex.Transaction,
    batch: ReleaseLedgerProjectionBatch,
  ): Promise<void>;
}

/** @public */
export interface ReleaseLedgerProjectorsExtensionPoint {
  /**
   * Adds a projector; it runs after the ledger's own, in the order added.
   * An id used twice (or `metrics`, `comms`) stops startup.
   */
  addProjector(projector: ReleaseLedgerProjector): void;
}

/**
 * Lets backend modules add projectors to the Release Ledger backend plugin:
 *
 * ```ts
 * export default createBackendModule({
 *   pluginId: 'release-ledger',
 *   moduleId: 'checklists',
 *   register(env) {
 *     env.registerInit({
 *       deps: { projectors: releaseLedgerProjectorsExtensionPoint },
 *       async init({ projectors }) {
 *         projectors.addProjector({
 *           id: 'checklists',
 *           mode: 'deferred',
 *           async project(tx, batch) {
 *             // write this module's rows for batch.fresh / batch.releases
 *           },
 *         });
 *       },
 *     });
 *   },
 * });
 * ```
 *
 * @public
 */
export const releaseLedgerProjectorsExtensionPoint =
  createExtensionPoint<ReleaseLedgerProjectorsExtensionPoint>({
    id: 'release-ledger.projectors',
  });
