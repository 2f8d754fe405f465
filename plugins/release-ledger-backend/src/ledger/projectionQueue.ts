import type { Release } from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { BulkWriter } from '../database/bulkWrites';
import { EVENTS, EventRow, RELEASES, TableSpec } from '../database/tables';
import { fromEventRow } from './eventRows';
import { incidentIdOf } from './projectIncident';
import type {
  AppendedBatch,
  LedgerProjector,
  ProjectedRelease,
} from './projectors';
import {
  AcceptedEvent,
  belongsToRelease,
  OmitEach,
} from './ReleaseLedgerStore';
import { footprintSignals, parseProjectionCursor } from './releaseProjection';

/**
 * A subject whose deferred projections are behind the event log: a release,
 * or an incident sent without a release. One row however many appends
 * touched it before a drain.
 */
export type ProjectionQueueRow = {
  /** `release:<releaseId>` or `incident:<incidentId>`. */
  subject: string;
  release_id: string | null;
  incident_id: string | null;
  entity_ref: string | null;
  /** The release's status when its projectors last ran. */
  previous_status: string | null;
  /** The release's promotion when its projectors last ran. */
  previous_promoted_at: string | null;
  /** When the first pending event was committed: the lag. */
  enqueued_at: string;
  touched_at: string;
  /** The drain that claimed it, until `leased_until`; cleared by an append. */
  lease_owner: string | null;
  leased_until: string | null;
};

/** The pending events of a subject, one row per event. */
export type ProjectionQueueEventRow = { event_id: string; subject: string };

export const PROJECTION_QUEUE: TableSpec<ProjectionQueueRow> = {
  table: 'release_ledger_projection_queue',
  key: 'subject',
  columns: [
    'subject',
    'release_id',
    'incident_id',
    'entity_ref',
    'previous_status',
    'previous_promoted_at',
    'enqueued_at',
    'touched_at',
    'lease_owner',
    'leased_until',
  ],
  // A pending subject keeps where it stood when its projectors last ran and
  // when it started waiting. An append clears a drain's lease on it: that
  // drain then leaves the row (and the new events) for the next drain
  // instead of deleting it (see ProjectionQueue#project).
  mergeColumns: ['touched_at', 'lease_owner', 'leased_until'],
};

export const PROJECTION_QUEUE_EVENTS: TableSpec<ProjectionQueueEventRow> = {
  table: 'release_ledger_projection_queue_events',
  key: 'event_id',
  columns: ['event_id', 'subject'],
};

/** Where the queue stands: what `GET /ledger/status` answers. */
export type ProjectionQueueStatus = {
  /** Subjects (releases, incidents) with events not yet projected. */
  pendingSubjects: number;
  pendingEvents: number;
  /** Subjects whose last drain failed, waiting to be retried. */
  retrying: number;
  /** When the oldest pending event was committed. */
  oldestPendingAt?: string;
  /** Age of the oldest pending event, in ms (0 when the queue is empty). */
  lagMs: number;
};

function subjectOf(event: AcceptedEvent): string | undefined {
  if (belongsToRelease(event)) return `release:${event.releaseId}`;
  const incidentId = incidentIdOf(event);
  return incidentId === undefined ? undefined : `incident:${incidentId}`;
}

/**
 * Writes the queue rows of an append's fresh events, in the append's
 * transaction: the subject rows first (they take the row a drain may hold),
 * then one row per event.
 */
export async function enqueueProjections(
  tx: Knex.Transaction,
  bulk: BulkWriter,
  batch: Pick<AppendedBatch, 'fresh' | 'releases' | 'receivedAt'>,
): Promise<void> {
  const subjects = new Map<string, ProjectionQueueRow>();
  const events: ProjectionQueueEventRow[] = [];
  for (const event of batch.fresh) {
    const subject = subjectOf(event);
    if (!subject) continue;
    events.push({ event_id: event.eventId, subject });
    if (subjects.has(subject)) continue;
    const projected = belongsToRelease(event)
      ? batch.releases.get(event.releaseId)
      : undefined;
    subjects.set(subject, {
      subject,
      release_id: event.releaseId ?? null,
      incident_id: belongsToRelease(event) ? null : incidentIdOf(event) ?? null,
      entity_ref: belongsToRelease(event)
        ? event.releaseEntityRef
        : event.entityRef ?? null,
      previous_status: projected ? projected.previousStatus ?? 'pending' : null,
      previous_promoted_at: projected?.previousPromotedAt ?? null,
      enqueued_at: batch.receivedAt,
      touched_at: batch.receivedAt,
      lease_owner: null,
      leased_until: null,
    });
  }
  // Sorted: two transactions take shared rows in the same order.
  const rows = [...subjects.values()].sort((a, b) =>
    a.subject < b.subject ? -1 : 1,
  );
  await bulk.upsert(tx, PROJECTION_QUEUE, rows);
  await bulk.insertNew(tx, PROJECTION_QUEUE_EVENTS, events);
}

/**
 * A share of the queue for one of several drains running at once: the
 * subjects whose entity hashes to `index` modulo `count`. Shares never share
 * an entity, so their drains never wait on each other's entity locks.
 */
export type DrainPartition = { index: number; count: number };

/** A claimed subject, as a drain reads it. */
type ClaimedSubject = ProjectionQueueRow & { attempts: number };

/** What one drain pass did. */
export type DrainResult = {
  subjects: number;
  events: number;
  /** Subjects whose projectors threw; retried later with backoff. */
  failed: number;
};

const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 5 * 60_000;
/** How long a claim holds when its drain dies: the lag a crash adds. */
const LEASE_MS = 15_000;

/** An event of a claimed subject with its release as of the same snapshot. */
type PendingEventRow = EventRow & {
  subject: string;
  release_entity_ref: string | null;
  release_projection: string | null;
  release_cursor: string | null;
};

/**
 * The deferred projectors' queue: written by the append (see
 * {@link enqueueProjections}), drained here by any instance.
 *
 * A drain first claims a chunk of due subjects in a short transaction of its
 * own (a lease: `lease_owner`, `leased_until`; `FOR UPDATE SKIP LOCKED` on
 * PostgreSQL, so instances take disjoint chunks), then projects them in a
 * second transaction: it reads their pending events with their releases in
 * one statement (one snapshot), runs every deferred projector, deletes the
 * events it projected and the subjects left without events. Appends never
 * wait for that work: one that touches a claimed subject clears the lease,
 * and the drain then keeps the row, noting where the release stood, for the
 * next drain to take the new events. A drain holds a transaction-scoped
 * advisory lock per entity it projects, so two drains never attribute the
 * same entity's incidents at once, and one that waited reads what the other
 * left. A drain that dies leaves its events queued; its lease runs out
 * after 15 s.
 */
export class ProjectionQueue {
  readonly #db: Knex;
  readonly #projectors: LedgerProjector[];
  readonly #chunkSize: number;
  readonly #now: () => number;
  readonly #owner = randomUUID();

  constructor(options: {
    db: Knex;
    /** The deferred projectors, in the order they run. */
    projectors: LedgerProjector[];
    /** Subjects per drain transaction (default 200). */
    chunkSize?: number;
    clock?: () => number;
  }) {
    this.#db = options.db;
    this.#projectors = options.projectors;
    this.#chunkSize = options.chunkSize ?? 200;
    this.#now = options.clock ?? Date.now;
  }

  get #isPostgres(): boolean {
    return this.#db.client.config.client === 'pg';
  }

  /**
   * One drain pass: claims up to one chunk of due subjects and projects
   * them. A chunk whose projectors throw is rolled back and its subjects
   * are projected one by one, so one bad subject delays only itself.
   */
  async drainOnce(partition?: DrainPartition): Promise<DrainResult> {
    const claimed = await this.#claim(this.#chunkSize, partition);
    if (claimed.length === 0) return { subjects: 0, events: 0, failed: 0 };
    try {
      return await this.#db.transaction(tx => this.#project(tx, claimed));
    } catch {
      return this.#projectSingly(claimed);
    }
  }

  /** Drains until nothing is due. Answers the totals. */
  async drainAll(): Promise<DrainResult> {
    const total: DrainResult = { subjects: 0, events: 0, failed: 0 };
    for (;;) {
      const pass = await this.drainOnce();
      total.subjects += pass.subjects;
      total.events += pass.events;
      total.failed += pass.failed;
      if (pass.subjects === 0 || pass.subjects === pass.failed) return total;
    }
  }

  async status(): Promise<ProjectionQueueStatus> {
    const [subjects] = await this.#db(PROJECTION_QUEUE.table).select(
      this.#db.raw('count(*) as n'),
      this.#db.raw('min(enqueued_at) as oldest'),
      this.#db.raw('sum(case when attempts > 0 then 1 else 0 end) as retrying'),
    );
    const [events] = await this.#db(PROJECTION_QUEUE_EVENTS.table).count({
      n: '*',
    });
    const oldest = (subjects?.oldest as string | null) ?? undefined;
    return {
      pendingSubjects: Number(subjects?.n ?? 0),
      pendingEvents: Number(events?.n ?? 0),
      retrying: Number(subjects?.retrying ?? 0),
      oldestPendingAt: oldest,
      lagMs: oldest ? Math.max(0, this.#now() - Date.parse(oldest)) : 0,
    };
  }

  async #projectSingly(claimed: ClaimedSubject[]): Promise<DrainResult> {
    const result: DrainResult = { subjects: 0, events: 0, failed: 0 };
    for (const subject of claimed) {
      result.subjects += 1;
      try {
        const pass = await this.#db.transaction(tx =>
          this.#project(tx, [subject]),
        );
        result.events += pass.events;
      } catch (error) {
        await this.#recordFailure(subject, error);
        result.failed += 1;
      }
    }
    return result;
  }

  async #recordFailure(subject: ClaimedSubject, error: unknown) {
    const attempts = subject.attempts + 1;
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempts - 1));
    await this.#db(PROJECTION_QUEUE.table)
      .where({ subject: subject.subject, lease_owner: this.#owner })
      .update({
        attempts,
        retry_at: new Date(this.#now() + delay).toISOString(),
        last_error: String((error as Error)?.message ?? error).slice(0, 2000),
        lease_owner: null,
        leased_until: null,
      });
  }

  /** Leases up to `limit` due subjects to this queue, oldest first. */
  async #claim(
    limit: number,
    partition?: DrainPartition,
  ): Promise<ClaimedSubject[]> {
    const now = new Date(this.#now()).toISOString();
    const until = new Date(this.#now() + LEASE_MS).toISOString();
    const due = (q: Knex.QueryBuilder) =>
      q
        .where(w => w.whereNull('retry_at').orWhere('retry_at', '<=', now))
        .andWhere(w =>
          w.whereNull('leased_until').orWhere('leased_until', '<', now),
        )
        .modify(w => {
          // SQLite has one writer, so drains take turns anyway (the
          // leases alone keep their claims apart): no shares there.
          if (!partition || partition.count <= 1 || !this.#isPostgres) return;
          // By entity, as #lockEntities locks: no two shares share a lock.
          w.whereRaw(
            `mod(hashtextextended(coalesce(entity_ref, subject), 0) & 2147483647, ?) = ?`,
            [partition.count, partition.index],
          );
        });
    if (this.#isPostgres) {
      const { rows } = await this.#db.raw(
        `UPDATE ?? SET lease_owner = ?, leased_until = ?
          WHERE subject IN (${due(
            this.#db(PROJECTION_QUEUE.table).select('subject'),
          )
            .orderBy('enqueued_at')
            .limit(limit)
            .forUpdate()
            .skipLocked()
            .toQuery()})
          RETURNING *`,
        [PROJECTION_QUEUE.table, this.#owner, until],
      );
      return rows;
    }
    // SQLite: one writer, so a read and an update in one transaction suffice.
    return this.#db.transaction(async tx => {
      const rows: ClaimedSubject[] = await due(tx(PROJECTION_QUEUE.table))
        .orderBy('enqueued_at')
        .limit(limit)
        .select();
      if (rows.length > 0) {
        await tx(PROJECTION_QUEUE.table)
          .whereIn(
            'subject',
            rows.map(r => r.subject),
          )
          .update({ lease_owner: this.#owner, leased_until: until });
      }
      return rows;
    });
  }

  async #project(
    tx: Knex.Transaction,
    claimed: ClaimedSubject[],
  ): Promise<DrainResult> {
    if (this.#isPostgres) await this.#lockEntities(tx, claimed);
    const subjects = claimed.map(c => c.subject);

    const rows = await this.#readPendingEvents(tx, subjects);
    // Where each release stood when its projectors last ran, as left by
    // the append that queued it or by a drain that finished before ours.
    const before = new Map(
      (
        await tx<ProjectionQueueRow>(PROJECTION_QUEUE.table)
          .whereIn('subject', subjects)
          .select('subject', 'previous_status', 'previous_promoted_at')
      ).map(r => [r.subject, r]),
    );

    const releases = new Map<string, ProjectedRelease>();
    const fresh = rows.map((row): AcceptedEvent => {
      const event = fromEventRow(row);
      if (row.release_id) {
        if (!releases.has(row.release_id) && row.release_projection) {
          const cursor = parseProjectionCursor(row.release_cursor);
          const previous = before.get(row.subject);
          releases.set(row.release_id, {
            release: JSON.parse(row.release_projection) as Release,
            // Every release the append touched was written with a cursor.
            events: cursor ? footprintSignals(cursor) : [],
            previousStatus: (previous?.previous_status ??
              'pending') as Release['status'],
            previousPromotedAt: previous?.previous_promoted_at ?? undefined,
          });
        }
        return {
          ...event,
          releaseEntityRef: row.release_entity_ref ?? row.entity_ref ?? '',
        };
      }
      const { releaseId: _none, ...incident } = event;
      return incident as OmitEach<typeof event, 'releaseId'>;
    });

    const batch: AppendedBatch = {
      fresh,
      releases,
      receivedAt: new Date(this.#now()).toISOString(),
      incidents: new Map(),
    };
    for (const projector of this.#projectors) {
      await projector.project(tx, batch);
    }

    const eventIds = rows.map(r => r.event_id);
    if (this.#isPostgres) {
      // One array parameter, however many events: one round trip.
      await tx.raw(`DELETE FROM ?? WHERE event_id = ANY(?)`, [
        PROJECTION_QUEUE_EVENTS.table,
        eventIds,
      ]);
    } else {
      for (let i = 0; i < eventIds.length; i += 500) {
        await tx(PROJECTION_QUEUE_EVENTS.table)
          .whereIn('event_id', eventIds.slice(i, i + 500))
          .delete();
      }
    }
    // Done: our subjects without events leave the queue. One an append
    // touched since our claim (lease cleared) stays, with its new events.
    await tx(PROJECTION_QUEUE.table)
      .whereIn('subject', subjects)
      .where('lease_owner', this.#owner)
      .whereNotExists(q =>
        q
          .select(tx.raw('1'))
          .from(PROJECTION_QUEUE_EVENTS.table)
          .whereRaw('??.?? = ??.??', [
            PROJECTION_QUEUE_EVENTS.table,
            'subject',
            PROJECTION_QUEUE.table,
            'subject',
          ]),
      )
      .delete();
    // The ones that stay continue from where this drain left the release.
    const staying = await tx<ProjectionQueueRow>(PROJECTION_QUEUE.table)
      .whereIn('subject', subjects)
      .select('subject', 'release_id', 'lease_owner');
    for (const row of staying) {
      const projected = row.release_id
        ? releases.get(row.release_id)?.release
        : undefined;
      await tx(PROJECTION_QUEUE.table)
        .where('subject', row.subject)
        .update({
          ...(projected
            ? {
                previous_status: projected.status,
                previous_promoted_at: projected.promotedAt ?? null,
              }
            : {}),
          attempts: 0,
          retry_at: null,
          ...(row.lease_owner === this.#owner
            ? { lease_owner: null, leased_until: null }
            : {}),
        });
    }
    return { subjects: claimed.length, events: rows.length, failed: 0 };
  }

  /**
   * The pending events of `subjects` with their releases, in one statement,
   * so the events and the releases are of one snapshot. On PostgreSQL each
   * event and release is an index lookup (LATERAL … LIMIT 1 keeps the
   * planner from hashing whole tables, which it does when the statistics
   * of tables that grew fast are stale: 3× slower on a fresh bench database,
   * far worse on a big one).
   */
  async #readPendingEvents(
    tx: Knex.Transaction,
    subjects: string[],
  ): Promise<PendingEventRow[]> {
    if (this.#isPostgres) {
      const { rows } = await tx.raw(
        `SELECT e.*, q.subject,
                r.entity_ref AS release_entity_ref,
                r.projection AS release_projection,
                r.projection_cursor AS release_cursor
           FROM ?? q
           JOIN LATERAL (SELECT * FROM ?? WHERE event_id = q.event_id LIMIT 1) e ON true
           LEFT JOIN LATERAL (
             SELECT entity_ref, projection, projection_cursor FROM ??
              WHERE release_id = e.release_id LIMIT 1) r ON true
          WHERE q.subject = ANY(?)
          ORDER BY e.seq`,
        [PROJECTION_QUEUE_EVENTS.table, EVENTS.table, RELEASES.table, subjects],
      );
      return rows;
    }
    return tx<PendingEventRow>(`${PROJECTION_QUEUE_EVENTS.table} as q`)
      .join(`${EVENTS.table} as e`, 'e.event_id', 'q.event_id')
      .leftJoin(`${RELEASES.table} as r`, 'r.release_id', 'e.release_id')
      .whereIn('q.subject', subjects)
      .orderBy('e.seq')
      .select(
        'e.*',
        'q.subject',
        'r.entity_ref as release_entity_ref',
        'r.projection as release_projection',
        'r.projection_cursor as release_cursor',
      );
  }

  /**
   * Serialises drains of the same entity across instances: incident
   * attribution and footprints read and write across an entity's releases.
   * A different key space from the append's locks, so appends never wait
   * for a drain (and a drain waits only for another drain).
   */
  async #lockEntities(tx: Knex.Transaction, claimed: ClaimedSubject[]) {
    const keys = new Set(
      claimed.map(c =>
        c.entity_ref
          ? `projection:entity:${c.entity_ref}`
          : `projection:${c.subject}`,
      ),
    );
    await tx.raw(
      `SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
         FROM unnest(?::text[]) WITH ORDINALITY AS t(k, i) ORDER BY i`,
      [[...keys].sort()],
    );
  }
}
