/**
 * Where the backend's deferred projections stand (`GET /ledger/status`):
 * metrics (DORA footprints, incident attribution) and Slack messages are
 * projected from new events after they are stored, by a queue every backend
 * instance drains.
 *
 * @public
 */
export type LedgerStatus = {
  projections: {
    /** Releases and incidents with events not yet projected. */
    pendingSubjects: number;
    pendingEvents: number;
    /** Subjects whose last drain failed, retried with backoff. */
    retrying: number;
    /** When the oldest pending event was stored; absent when none is pending. */
    oldestPendingAt?: string;
    /** Age of the oldest pending event in milliseconds (0 when none is pending). */
    lagMs: number;
    /** Every projector, in the order it runs: inline ones in the append, then the drains'. */
    projectors: Array<{ id: string; mode: 'inline' | 'deferred' }>;
  };
};
