import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ProjectionQueue } from './projectionQueue';

/**
 * Runs the deferred projectors on this instance: drains the projection
 * queue whenever this instance committed events (`wake`), and polls for work
 * committed by other instances, retries, and the claims of instances that
 * died mid-drain. Every instance runs one; the queue's claims keep them from
 * doing a subject's work twice.
 */
export class ProjectionDrainWorker {
  readonly #queue: ProjectionQueue;
  readonly #logger: LoggerService;
  readonly #pollMs: number;
  readonly #lagWarningMs: number;
  readonly #now: () => number;
  readonly #drainedListeners = new Set<() => void>();
  #running = false;
  #loop?: Promise<void>;
  #wake?: () => void;
  #wakeRequested = false;
  #lagCheckedAt = 0;
  #lagWarnedAt?: number;

  constructor(options: {
    queue: ProjectionQueue;
    logger: LoggerService;
    /** Pause between polls when the queue is empty (default 1 s). */
    pollMs?: number;
    /** Oldest pending event age that is logged as a warning (default 30 s). */
    lagWarningMs?: number;
    clock?: () => number;
  }) {
    this.#queue = options.queue;
    this.#logger = options.logger;
    this.#pollMs = options.pollMs ?? 1_000;
    this.#lagWarningMs = options.lagWarningMs ?? 30_000;
    this.#now = options.clock ?? Date.now;
  }

  /** Calls `listener` after each drain that projected something (comms sends what it wrote). */
  onDrained(listener: () => void): void {
    this.#drainedListeners.add(listener);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops after the drain in progress commits. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }

  /** Asks for a drain now (this instance committed events). */
  wake(): void {
    this.#wakeRequested = true;
    this.#wake?.();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#wakeRequested = false;
      let busy = false;
      try {
        const pass = await this.#queue.drainOnce();
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
      if (busy || this.#wakeRequested || !this.#running) continue;
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, this.#pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
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
