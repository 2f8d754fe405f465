import type { Knex } from 'knex';
import type { BulkWriter } from '../../database/bulkWrites';
import type { TableSpec } from '../../database/tables';
import type { OutboxIntent, OutboxKind } from './planMessages';

export const OUTBOX_TABLE = 'release_ledger_outbox';
export const THREADS_TABLE = 'release_ledger_slack_threads';
export const LANES_TABLE = 'release_ledger_slack_lanes';

/** Where a message is in its life. */
export type OutboxState =
  /** Waiting to be routed or sent. */
  | 'pending'
  /** In Slack, with its ts. */
  | 'delivered'
  /** Given up on for a reason a person must fix (channel, auth, limits). */
  | 'parked'
  /** Rendered and kept, but Slack is not configured. */
  | 'not_delivered';

/** A row of release_ledger_outbox as read back. */
export type OutboxRow = {
  id: number;
  dedupe_key: string;
  kind: OutboxKind;
  release_id: string | null;
  event_id: string | null;
  channel: string | null;
  order_at: string;
  state: OutboxState;
  available_at: string;
  attempts: number;
  generation: number;
  delivered_generation: number;
  in_flight_since: string | null;
  slack_ts: string | null;
  last_error: string | null;
  rendered: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
};

/** A release's thread: where it lives and its parent's ts once posted. */
export type ThreadRow = {
  release_id: string;
  channel: string;
  channel_id: string | null;
  parent_ts: string | null;
  card_hash: string | null;
  updated_at: string;
};

type NewOutboxRow = Pick<
  OutboxRow,
  | 'dedupe_key'
  | 'kind'
  | 'release_id'
  | 'event_id'
  | 'channel'
  | 'order_at'
  | 'state'
  | 'last_error'
  | 'available_at'
  | 'rendered'
  | 'created_at'
  | 'updated_at'
>;

const OUTBOX_INSERT: TableSpec<NewOutboxRow> = {
  table: OUTBOX_TABLE,
  key: 'dedupe_key',
  columns: [
    'dedupe_key',
    'kind',
    'release_id',
    'event_id',
    'channel',
    'order_at',
    'state',
    'last_error',
    'available_at',
    'rendered',
    'created_at',
    'updated_at',
  ],
};

const EPOCH = new Date(0).toISOString();

/** Card rows per upsert statement: 11 bound values each, under every limit. */
const CARD_CHUNK = 500;

/**
 * Writes the intents in the caller's transaction, so a message exists if
 * and only if the event that caused it was committed. Re-enqueueing is a
 * no-op, except for card rows, which are re-armed (generation + 1) so the
 * card catches up with the latest status even while a send is in flight.
 *
 * `undelivered`: nothing will send these (Slack is not configured), so they
 * are written "not delivered" with that reason at once, rather than pending
 * and then marked by the outbox worker — one write per message instead of two.
 */
export async function enqueueMessages(
  tx: Knex.Transaction,
  bulk: BulkWriter,
  intents: OutboxIntent[],
  now: string,
  options: { undelivered?: string } = {},
): Promise<void> {
  const state: OutboxState = options.undelivered ? 'not_delivered' : 'pending';
  const lastError = options.undelivered ?? null;
  const toRow = (i: OutboxIntent): NewOutboxRow => ({
    dedupe_key: i.dedupeKey,
    kind: i.kind,
    release_id: i.releaseId ?? null,
    event_id: i.eventId ?? null,
    channel: i.channel ?? null,
    order_at: i.orderAt,
    state,
    last_error: lastError,
    available_at: now,
    rendered: i.rendered ?? null,
    created_at: now,
    updated_at: now,
  });
  const cards = intents.filter(i => i.kind === 'card');
  await bulk.insertNew(
    tx,
    OUTBOX_INSERT,
    intents.filter(i => i.kind !== 'card').map(toRow),
  );
  // One statement per chunk, not a round trip per card: a batch re-arms the
  // card of every release whose status it changed. A key appears once per
  // statement (PostgreSQL refuses to update a row twice in one).
  const byKey = new Map(cards.map(card => [card.dedupeKey, card]));
  const rows = [...byKey.values()].map(toRow);
  for (let i = 0; i < rows.length; i += CARD_CHUNK) {
    await tx(OUTBOX_TABLE)
      .insert(rows.slice(i, i + CARD_CHUNK))
      .onConflict('dedupe_key')
      .merge({
        generation: tx.raw('??.?? + 1', [OUTBOX_TABLE, 'generation']),
        state,
        // A sender's last error stays on a re-armed card until it is sent.
        ...(lastError ? { last_error: lastError } : {}),
        available_at: now,
        order_at: tx.raw('excluded.??', ['order_at']),
        updated_at: now,
      });
  }
}

/**
 * Enqueues a message rendered up front (digests) for a role channel; a
 * second enqueue with the same key (another instance, a re-run) is a no-op.
 * Answers whether this call created it.
 */
export async function enqueuePost(
  db: Knex,
  post: { dedupeKey: string; channel: string; rendered: string; now: string },
): Promise<boolean> {
  const inserted = await db(OUTBOX_TABLE)
    .insert({
      dedupe_key: post.dedupeKey,
      kind: 'post',
      channel: post.channel,
      order_at: post.now,
      state: 'pending',
      available_at: post.now,
      rendered: post.rendered,
      created_at: post.now,
      updated_at: post.now,
    })
    .onConflict('dedupe_key')
    .ignore()
    .returning('id');
  return inserted.length > 0;
}

/** What a message needs to be sent: its row and its thread. */
export type LaneMessage = { row: OutboxRow; thread?: ThreadRow };

/**
 * The outbox's reads and writes for delivery. Lanes (one per channel) are
 * leased to one worker at a time, so a channel's messages go out one after
 * another, in order, at the paced rate, whichever instance sends them.
 */
export class OutboxStore {
  constructor(private readonly db: Knex) {}

  private get isPostgres(): boolean {
    return this.db.client.config.client === 'pg';
  }

  /** Releases with messages that have no channel yet. */
  async unroutedReleases(limit: number): Promise<string[]> {
    const rows = await this.db<OutboxRow>(OUTBOX_TABLE)
      .where('state', 'pending')
      .whereNull('channel')
      .whereNotNull('release_id')
      .distinct('release_id')
      .limit(limit);
    return rows.map(r => r.release_id!);
  }

  async getThread(releaseId: string): Promise<ThreadRow | undefined> {
    return this.db<ThreadRow>(THREADS_TABLE)
      .where('release_id', releaseId)
      .first();
  }

  /**
   * Gives a release's messages their channel. The first router to create
   * the thread row wins; later ones (another instance) adopt its channel, so
   * a release never gets two threads.
   */
  async routeRelease(
    releaseId: string,
    channel: string,
    now: string,
  ): Promise<string> {
    return this.db.transaction(async tx => {
      await tx(THREADS_TABLE)
        .insert({ release_id: releaseId, channel, updated_at: now })
        .onConflict('release_id')
        .ignore();
      const thread = await tx<ThreadRow>(THREADS_TABLE)
        .where('release_id', releaseId)
        .first();
      const routed = thread!.channel;
      await tx(LANES_TABLE)
        .insert({ channel: routed, next_send_at: EPOCH })
        .onConflict('channel')
        .ignore();
      await tx(OUTBOX_TABLE)
        .where({ release_id: releaseId, state: 'pending' })
        .whereNull('channel')
        .update({ channel: routed, updated_at: now });
      return routed;
    });
  }

  /** Lanes for rows enqueued with their channel (role channels, digests). */
  async ensureLanes(): Promise<void> {
    const missing = await this.db(OUTBOX_TABLE)
      .where('state', 'pending')
      .whereNotNull('channel')
      .whereNotIn('channel', this.db(LANES_TABLE).select('channel'))
      .distinct('channel');
    for (const { channel } of missing) {
      await this.db(LANES_TABLE)
        .insert({ channel, next_send_at: EPOCH })
        .onConflict('channel')
        .ignore();
    }
  }

  /**
   * Leases up to `max` lanes that have a message ready and are not paced or
   * leased. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets instances claim
   * side by side without ever handing one lane to two of them.
   */
  async claimLanes(
    owner: string,
    max: number,
    now: string,
    leaseUntil: string,
  ): Promise<string[]> {
    if (max <= 0) return [];
    const ready = this.db(OUTBOX_TABLE)
      .select(this.db.raw('1'))
      .whereRaw('?? = ??', [
        `${OUTBOX_TABLE}.channel`,
        `${LANES_TABLE}.channel`,
      ])
      .where(`${OUTBOX_TABLE}.state`, 'pending')
      .where(`${OUTBOX_TABLE}.available_at`, '<=', now);
    const free = (q: Knex.QueryBuilder) =>
      q
        .where('next_send_at', '<=', now)
        .where(w =>
          w.whereNull('lease_until').orWhere('lease_until', '<', now),
        );
    return this.db.transaction(async tx => {
      const candidates = tx(LANES_TABLE)
        .select('channel')
        .modify(free)
        .whereExists(ready)
        .orderBy('next_send_at')
        .limit(max);
      if (this.isPostgres) candidates.forUpdate().skipLocked();
      const channels = (await candidates).map(
        (r: { channel: string }) => r.channel,
      );
      if (channels.length === 0) return [];
      await tx(LANES_TABLE)
        .whereIn('channel', channels)
        .modify(free)
        .update({ lease_owner: owner, lease_until: leaseUntil });
      const leased = await tx(LANES_TABLE)
        .whereIn('channel', channels)
        .where('lease_owner', owner)
        .where('lease_until', leaseUntil)
        .select('channel');
      return leased.map((r: { channel: string }) => r.channel);
    });
  }

  /**
   * When the next message could go out: the earliest paced, unleased lane
   * with a ready message, or the earliest retry coming due.
   */
  async nextDueAt(now: string): Promise<string | undefined> {
    const [lane] = await this.db(LANES_TABLE)
      .where(w => w.whereNull('lease_until').orWhere('lease_until', '<', now))
      .whereExists(
        this.db(OUTBOX_TABLE)
          .select(this.db.raw('1'))
          .whereRaw('?? = ??', [
            `${OUTBOX_TABLE}.channel`,
            `${LANES_TABLE}.channel`,
          ])
          .where(`${OUTBOX_TABLE}.state`, 'pending')
          .where(`${OUTBOX_TABLE}.available_at`, '<=', now),
      )
      .min({ at: 'next_send_at' });
    const [retry] = await this.db(OUTBOX_TABLE)
      .where('state', 'pending')
      .where('available_at', '>', now)
      .min({ at: 'available_at' });
    const times = [lane?.at, retry?.at].filter(
      (t): t is string => typeof t === 'string',
    );
    return times.sort()[0];
  }

  /** Ends a lease and paces the lane: nothing is sent to it before `nextSendAt`. */
  async releaseLane(
    channel: string,
    owner: string,
    nextSendAt: string,
    channelId?: string,
  ): Promise<void> {
    await this.db(LANES_TABLE)
      .where({ channel, lease_owner: owner })
      .update({
        lease_owner: null,
        lease_until: null,
        next_send_at: nextSendAt,
        ...(channelId ? { channel_id: channelId } : {}),
      });
  }

  async laneChannelId(channel: string): Promise<string | undefined> {
    const row = await this.db(LANES_TABLE)
      .where('channel', channel)
      .first('channel_id');
    return row?.channel_id ?? undefined;
  }

  /**
   * A lane's pending messages in sending order: thread parents first (so a
   * backlog of replies never starves a new thread), then by event time.
   */
  async laneMessages(channel: string, limit: number): Promise<LaneMessage[]> {
    const rows: OutboxRow[] = await this.db<OutboxRow>(OUTBOX_TABLE)
      .where({ channel, state: 'pending' })
      .orderByRaw(`CASE WHEN kind = 'parent' THEN 0 ELSE 1 END`)
      .orderBy([{ column: 'order_at' }, { column: 'id' }])
      .limit(limit);
    const releaseIds = [
      ...new Set(rows.flatMap(r => (r.release_id ? [r.release_id] : []))),
    ];
    const threads = releaseIds.length
      ? await this.db<ThreadRow>(THREADS_TABLE).whereIn(
          'release_id',
          releaseIds,
        )
      : [];
    const byRelease = new Map(threads.map(t => [t.release_id, t]));
    return rows.map(row => ({
      row: normalise(row),
      thread: row.release_id ? byRelease.get(row.release_id) : undefined,
    }));
  }

  /** Marks that an attempt is about to reach Slack (a crash after this is ambiguous). */
  async markInFlight(id: number, now: string): Promise<void> {
    await this.db(OUTBOX_TABLE)
      .where('id', id)
      .whereNull('in_flight_since')
      .update({ in_flight_since: now });
  }

  /**
   * Records a message Slack has. A parent also records its thread's ts
   * before anything else can reply to it; a card records what it shows.
   */
  async markDelivered(
    row: OutboxRow,
    result: { ts: string; channelId?: string; rendered: string; now: string },
    thread?: { cardHash?: string },
  ): Promise<void> {
    await this.db.transaction(async tx => {
      const done = {
        slack_ts: result.ts,
        rendered: result.rendered,
        in_flight_since: null,
        last_error: null,
        delivered_at: result.now,
        updated_at: result.now,
      };
      if (row.kind === 'card') {
        // Re-armed while we were sending: stay pending for the newer status.
        await tx(OUTBOX_TABLE)
          .where('id', row.id)
          .update({
            ...done,
            delivered_generation: row.generation,
            state: tx.raw(
              `CASE WHEN generation = ? THEN 'delivered' ELSE 'pending' END`,
              [row.generation],
            ),
          });
      } else {
        await tx(OUTBOX_TABLE)
          .where('id', row.id)
          .update({ ...done, state: 'delivered' });
      }
      if (row.release_id && (row.kind === 'parent' || thread?.cardHash)) {
        await tx(THREADS_TABLE)
          .where('release_id', row.release_id)
          .update({
            ...(row.kind === 'parent'
              ? { parent_ts: result.ts, channel_id: result.channelId ?? null }
              : {}),
            ...(thread?.cardHash ? { card_hash: thread.cardHash } : {}),
            updated_at: result.now,
          });
      }
    });
  }

  /** A failed attempt: try again at `availableAt`. */
  async retryLater(
    row: OutboxRow,
    error: string,
    availableAt: string,
    options: { mayHaveBeenSent: boolean; countAttempt: boolean; now: string },
  ): Promise<void> {
    await this.db(OUTBOX_TABLE)
      .where('id', row.id)
      .update({
        available_at: availableAt,
        last_error: error,
        attempts: options.countAttempt ? row.attempts + 1 : row.attempts,
        // Only a definite "not sent" clears the doubt of an earlier attempt.
        ...(options.mayHaveBeenSent ? {} : { in_flight_since: null }),
        updated_at: options.now,
      });
  }

  /** Stops trying: the reason is shown in the portal and logged. */
  async park(ids: number[], reason: string, now: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db(OUTBOX_TABLE)
      .whereIn('id', ids)
      .where('state', 'pending')
      .update({
        state: 'parked',
        last_error: reason,
        in_flight_since: null,
        updated_at: now,
      });
  }

  /**
   * Without Slack: marks up to `limit` pending messages, oldest first, as
   * not delivered with `reason`, in one statement. They are not rendered
   * here — the portal renders a preview when it shows the thread — so ingest
   * never waits on rendering nobody sends. Answers how many it marked.
   */
  async markNotDelivered(
    reason: string,
    now: string,
    limit: number,
  ): Promise<number> {
    const oldest = this.db(OUTBOX_TABLE)
      .select('id')
      .where('state', 'pending')
      .orderBy('id')
      .limit(limit);
    return (
      this.db(OUTBOX_TABLE)
        // PostgreSQL and SQLite both accept a LIMITed subquery under IN.
        .whereIn('id', oldest)
        .where('state', 'pending')
        .update({
          state: 'not_delivered',
          last_error: reason,
          updated_at: now,
        })
    );
  }

  /** Parks every pending message of a release that has no channel. */
  async parkUnroutable(
    releaseId: string,
    reason: string,
    now: string,
  ): Promise<number> {
    return this.db(OUTBOX_TABLE)
      .where({ release_id: releaseId, state: 'pending' })
      .whereNull('channel')
      .update({ state: 'parked', last_error: reason, updated_at: now });
  }

  /** Puts parked messages back in line (after fixing a channel or token). */
  async requeueParked(
    filter: { releaseId?: string },
    now: string,
  ): Promise<number> {
    const query = this.db(OUTBOX_TABLE).where('state', 'parked');
    if (filter.releaseId) query.where('release_id', filter.releaseId);
    // Rows that never got a channel are routed again.
    await this.db(OUTBOX_TABLE)
      .where('state', 'parked')
      .modify(q => {
        if (filter.releaseId) q.where('release_id', filter.releaseId);
      })
      .whereNotNull('release_id')
      .whereNotIn('release_id', this.db(THREADS_TABLE).select('release_id'))
      .update({ channel: null });
    return query.update({
      state: 'pending',
      available_at: now,
      last_error: null,
      updated_at: now,
    });
  }

  /** A release's messages in thread order, for the comms preview. */
  async releaseMessages(releaseId: string): Promise<OutboxRow[]> {
    const rows: OutboxRow[] = await this.db<OutboxRow>(OUTBOX_TABLE)
      .where('release_id', releaseId)
      .orderByRaw(`CASE WHEN kind = 'parent' THEN 0 ELSE 1 END`)
      .orderBy([{ column: 'order_at' }, { column: 'id' }]);
    return rows.map(normalise);
  }

  /** Message counts by state, for status pages and health checks. */
  async countByState(): Promise<Record<OutboxState, number>> {
    const rows: Array<{ state: string; n: number | string }> = await this.db(
      OUTBOX_TABLE,
    )
      .select('state')
      .count({ n: '*' })
      .groupBy('state');
    const counts: Record<OutboxState, number> = {
      pending: 0,
      delivered: 0,
      parked: 0,
      not_delivered: 0,
    };
    for (const r of rows) counts[r.state as OutboxState] = Number(r.n);
    return counts;
  }
}

/** PostgreSQL answers bigint ids as strings. */
function normalise(row: OutboxRow): OutboxRow {
  return { ...row, id: Number(row.id) };
}
