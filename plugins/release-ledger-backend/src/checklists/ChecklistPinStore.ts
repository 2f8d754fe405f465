import type {
  Checklist,
  ReleaseChecklist,
} from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';

export const CHECKLIST_PINS_TABLE = 'release_ledger_checklist_pins';

export type ChecklistPinRow = {
  release_id: string;
  entity_ref: string;
  commit: string | null;
  read_commit: string | null;
  state: 'pending' | 'pinned' | 'unavailable';
  source: string | null;
  content_sha256: string | null;
  checklist: string | null;
  reason: string | null;
  attempts: number;
  available_at: string;
  lease_owner: string | null;
  leased_until: string | null;
  requested_at: string;
  pinned_at: string | null;
};

/** A release whose checklist is to be read. */
export type PinRequest = {
  releaseId: string;
  entityRef: string;
  commit?: string;
};

/**
 * The checklists pinned to releases. A pin is asked for once per release
 * (the first start wins: a re-sent `release_started` changes nothing) and
 * then read by the ChecklistPinWorker of any instance, under a lease.
 */
export class ChecklistPinStore {
  readonly #db: Knex;

  constructor(db: Knex) {
    this.#db = db;
  }

  /** In the caller's transaction (the drain's): idempotent. */
  static async request(
    tx: Knex.Transaction,
    requests: PinRequest[],
    now: string,
  ): Promise<void> {
    if (requests.length === 0) return;
    await tx(CHECKLIST_PINS_TABLE)
      .insert(
        requests.map(r => ({
          release_id: r.releaseId,
          entity_ref: r.entityRef,
          commit: r.commit ?? null,
          state: 'pending',
          attempts: 0,
          available_at: now,
          requested_at: now,
        })),
      )
      .onConflict('release_id')
      .ignore();
  }

  /** Leases up to `limit` due pending pins to `owner` until `until`. */
  async claim(
    owner: string,
    limit: number,
    now: string,
    until: string,
  ): Promise<ChecklistPinRow[]> {
    return this.#db.transaction(async tx => {
      const due: ChecklistPinRow[] = await tx<ChecklistPinRow>(
        CHECKLIST_PINS_TABLE,
      )
        .where('state', 'pending')
        .where('available_at', '<=', now)
        .where(q =>
          q.whereNull('leased_until').orWhere('leased_until', '<', now),
        )
        .orderBy('available_at')
        .limit(limit)
        .modify(q => {
          if (this.#db.client.config.client === 'pg')
            q.forUpdate().skipLocked();
        })
        .select();
      if (due.length === 0) return [];
      await tx(CHECKLIST_PINS_TABLE)
        .whereIn(
          'release_id',
          due.map(r => r.release_id),
        )
        .update({ lease_owner: owner, leased_until: until });
      return due;
    });
  }

  async pin(
    row: ChecklistPinRow,
    owner: string,
    read: {
      source: string;
      commit?: string;
      contentSha256: string;
      checklist: Checklist;
      now: string;
    },
  ): Promise<void> {
    await this.#db(CHECKLIST_PINS_TABLE)
      .where({ release_id: row.release_id, lease_owner: owner })
      .update({
        state: 'pinned',
        source: read.source,
        read_commit: read.commit ?? null,
        content_sha256: read.contentSha256,
        checklist: JSON.stringify(read.checklist),
        reason: null,
        pinned_at: read.now,
        lease_owner: null,
        leased_until: null,
      });
  }

  /** No usable file: kept with the reason, shown on the release. */
  async markUnavailable(
    row: ChecklistPinRow,
    owner: string,
    reason: string,
  ): Promise<void> {
    await this.#db(CHECKLIST_PINS_TABLE)
      .where({ release_id: row.release_id, lease_owner: owner })
      .update({
        state: 'unavailable',
        reason,
        lease_owner: null,
        leased_until: null,
      });
  }

  /** The host was away: try again at `availableAt`. */
  async retryLater(
    row: ChecklistPinRow,
    owner: string,
    reason: string,
    availableAt: string,
  ): Promise<void> {
    await this.#db(CHECKLIST_PINS_TABLE)
      .where({ release_id: row.release_id, lease_owner: owner })
      .update({
        attempts: row.attempts + 1,
        reason,
        available_at: availableAt,
        lease_owner: null,
        leased_until: null,
      });
  }

  /** The pin as stored, before its ticks (see ChecklistService). */
  async get(
    releaseId: string,
  ): Promise<Omit<ReleaseChecklist, 'openRequired'> | undefined> {
    const row = await this.#db<ChecklistPinRow>(CHECKLIST_PINS_TABLE)
      .where('release_id', releaseId)
      .first();
    if (!row) return undefined;
    return {
      releaseId: row.release_id,
      entityRef: row.entity_ref,
      state: row.state,
      ...(row.read_commit ? { commit: row.read_commit } : {}),
      ...(row.source ? { source: row.source } : {}),
      ...(row.content_sha256 ? { contentSha256: row.content_sha256 } : {}),
      ...(row.pinned_at ? { pinnedAt: row.pinned_at } : {}),
      ...(row.reason ? { reason: row.reason } : {}),
      ...(row.checklist
        ? { checklist: JSON.parse(row.checklist) as Checklist }
        : {}),
    };
  }
}
