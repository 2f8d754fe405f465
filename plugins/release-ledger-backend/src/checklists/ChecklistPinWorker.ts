import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { randomUUID } from 'node:crypto';
import { resolveChecklistLocation } from './checklistLocation';
import type { ChecklistPinRow, ChecklistPinStore } from './ChecklistPinStore';
import type { ChecklistReader } from './ChecklistReader';

const LEASE_MS = 60_000;
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 10 * 60_000;
/** After this many failed reads the pin is given up (about an hour). */
const MAX_ATTEMPTS = 10;
const CLAIM = 10;

/**
 * Reads the checklists the checklists projector asked for and pins them to
 * their releases. Every instance runs one; leases keep two from reading the
 * same release's file. Woken after each drain of the projections, and
 * polling for retries and other instances' requests.
 */
export class ChecklistPinWorker {
  readonly #o: {
    pins: ChecklistPinStore;
    reader: ChecklistReader;
    catalog: CatalogService;
    auth: AuthService;
    integrations: ScmIntegrationRegistry;
    logger: LoggerService;
    pollMs: number;
    now: () => number;
  };
  readonly #owner = randomUUID();
  #running = false;
  #loop?: Promise<void>;
  #wake?: () => void;
  #wakeRequested = false;

  constructor(options: {
    pins: ChecklistPinStore;
    reader: ChecklistReader;
    catalog: CatalogService;
    auth: AuthService;
    integrations: ScmIntegrationRegistry;
    logger: LoggerService;
    /** Pause between polls when nothing is due (default 5 s). */
    pollMs?: number;
    clock?: () => number;
  }) {
    this.#o = {
      ...options,
      pollMs: options.pollMs ?? 5_000,
      now: options.clock ?? Date.now,
    };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }

  wake(): void {
    this.#wakeRequested = true;
    this.#wake?.();
  }

  /** One pass: reads and pins up to a few due checklists. Answers how many it settled. */
  async pinOnce(): Promise<number> {
    const now = this.#o.now();
    const rows = await this.#o.pins.claim(
      this.#owner,
      CLAIM,
      new Date(now).toISOString(),
      new Date(now + LEASE_MS).toISOString(),
    );
    for (const row of rows) await this.#pin(row);
    return rows.length;
  }

  async #pin(row: ChecklistPinRow): Promise<void> {
    const { pins, catalog, auth, integrations, reader } = this.#o;
    let entity;
    try {
      entity = await catalog.getEntityByRef(row.entity_ref, {
        credentials: await auth.getOwnServiceCredentials(),
      });
    } catch (error) {
      await this.#retry(row, `the catalog did not answer: ${error}`);
      return;
    }
    if (!entity) {
      await pins.markUnavailable(
        row,
        this.#owner,
        `${row.entity_ref} is not in the catalog`,
      );
      return;
    }
    const location = resolveChecklistLocation(entity, integrations, {
      commit: row.commit ?? undefined,
    });
    const read = await reader.read(location);
    if (read.ok) {
      await pins.pin(row, this.#owner, {
        ...read,
        now: new Date(this.#o.now()).toISOString(),
      });
    } else if (read.retryable) {
      await this.#retry(row, read.reason);
    } else {
      await pins.markUnavailable(row, this.#owner, read.reason);
    }
  }

  async #retry(row: ChecklistPinRow, reason: string) {
    if (row.attempts + 1 >= MAX_ATTEMPTS) {
      await this.#o.pins.markUnavailable(
        row,
        this.#owner,
        `${reason} (gave up after ${MAX_ATTEMPTS} attempts)`,
      );
      return;
    }
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** row.attempts);
    await this.#o.pins.retryLater(
      row,
      this.#owner,
      reason,
      new Date(this.#o.now() + delay).toISOString(),
    );
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#wakeRequested = false;
      let busy = false;
      try {
        busy = (await this.pinOnce()) > 0;
      } catch (error) {
        // The database is away, say: the requests stay; poll again.
        this.#o.logger.warn(
          `release-ledger: pinning release checklists failed: ${error}`,
        );
      }
      if (busy || this.#wakeRequested || !this.#running) continue;
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, this.#o.pollMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }
}
