import type { LoggerService } from '@backstage/backend-plugin-api';
import type { DrainPartition, ProjectionQueue } from './projectionQueue';

/** One drain loop: how a commit wakes it from its poll. */
type Lane = { wake?: () => void; wakeRequested: boolean };

/**
 * Runs the deferred projectors on this instance: drains the projection
 * queue whenever this instance committed events (`wake`), and polls for work
 * committed by other instances, retries, and the claims of instances that
 * died mid-drain. Every instance runs one; the queue's claims keep them from
 * doing a subject's work twice.
 *
 * With `concurrency` above 1 it runs that many drains at once, each over its
 * own share of the entities (the queue's partitions), so they never wait on
 * each other's entity locks: while one waits on the database, another
 * projects. Only worth it where the database takes concurrent writers
 * (PostgreSQL); SQLite has one connection.
 */
export class ProjectionDrainWorker {
  readonly #queue: ProjectionQueue;
  readonly #logger: LoggerService;
  readonly #pollMs: number;
  readonly #lagWarningMs: number;
  readonly #concurrency: number;
  readonly #now: () => number;
  readonly #drainedListeners = new Set<() => void>();
  readonly #lanes: Lane[] = [];
  #running = false;
  #loops: Promise<void>[] = [];
  #lagCheckedAt = 0;
  #lagWarnedAt?: number;

  constructor(options: {
    queue: ProjectionQueue;
    logger: LoggerService;
    /** Pause between polls when the queue is empty (default 1 s). */
    pollMs?: number;
    /** Oldest pending event age that is logged as a warning (default 30 s). */
    lagWarningMs?: number;
    /** Drains running at once, over disjoint shares of the entities (default 1). */
    concurrency?: number;
    clock?: () => number;
  }) {
    this.#queue = options.queue;
    this.#logger = options.logger;
    this.#pollMs = options.pollMs ?? 1_000;
    this.#lagWarningMs = options.lagWarningMs ?? 30_000;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#now = options.clock ?? Date.now;
  }

  /** Calls `listener` after each drain that projected something (comms sends what it wrote). */
  onDrained(listener: () => void): void {
    this.#drainedListeners.add(listener);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#lanes.length = 0;
    for (let index = 0; index < this.#concurrency; index++) {
      this.#lanes.push({ wakeRequested: false });
    }
    this.#loops = this.#lanes.map((lane, index) =>
      this.#run(
        lane,
        this.#concurrency > 1 ? { index, count: this.#concurrency } : undefined,
      ),
    );
  }

  /** Stops after the drains in progress commit. */
  async stop(): Promise<void> {
    this.#running = false;
    for (const lane of this.#lanes) lane.wake?.();
    await Promise.all(this.#loops);
  }

  /** Asks for a drain now (this instance committed events). */
  wake(): void {
    for (const lane of this.#lanes) {
      lane.wakeRequested = true;
      lane.wake?.();
    }
  }

  async #run(lane: Lane, partition?: DrainPartition): Promise<void> {
    while (this.#running) {
      lane.wakeRequested = false;
      let busy = false;
      try {
        const pass = await this.#queue.drainOnce(partition);
        if (pass.subjects > pass.failed) {
          busy = true;
          for (const listener of this.#drainedListeners) listener();
        }
        if (pass.failed > 0) {
          this.#logger.warn(
            `release-ledger: the deferred projectors failed for ${pass.failed} subject(s); they are retried with backoff (GET /ledger/status)`,
          );
        }
        await this.#checkLag();
      } catch (error) {
        // The database is away, say: the work stays queued; poll again.
        this.#logger.warn(
          `release-ledger: draining projections failed: ${error}`,
        );
      }
      if (busy || lane.wakeRequested || !this.#running) continue;
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, this.#pollMs);
        lane.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      lane.wake = undefined;
    }
  }

  /** Logs, at most every 10 s, while the oldest pending event is older than the threshold. */
  async #checkLag() {
    const now = this.#now();
    if (now - this.#lagCheckedAt < 10_000) return;
    this.#lagCheckedAt = now;
    const status = await this.#queue.status();
    if (status.lagMs > this.#lagWarningMs) {
      this.#lagWarnedAt = now;
      this.#logger.warn(
        `release-ledger: deferred projections are ${Math.round(
          status.lagMs / 1000,
        )} s behind (${status.pendingEvents} events of ${
          status.pendingSubjects
        } releases/incidents pending, ${
          status.retrying
        } retrying); metrics and Slack messages wait for them`,
      );
    } else if (this.#lagWarnedAt !== undefined) {
      this.#lagWarnedAt = undefined;
      this.#logger.info(
        `release-ledger: deferred projections caught up (${status.pendingEvents} events pending)`,
      );
    }
  }
}
