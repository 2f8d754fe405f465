import type { Release } from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
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
  ],
  // A pending subject keeps where it stood when its projectors last ran and
  // when it started waiting. Updating a column (rather than DO NOTHING) makes
  // PostgreSQL wait for a drain that holds the row, so the events written
  // next are seen by the next drain, never orphaned by this one.
  mergeColumns: ['touched_at'],
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
    });
  }
  // Sorted: two transactions take shared rows in the same order.
  const rows = [...subjects.values()].sort((a, b) =>
    a.subject < b.subject ? -1 : 1,
  );
  await bulk.upsert(tx, PROJECTION_QUEUE, rows);
  await bulk.insertNew(tx, PROJECTION_QUEUE_EVENTS, events);
}

/** A claimed subject, as a drain reads it. */
type ClaimedSubject = ProjectionQueueRow & { attempts: number };

/** What one drain pass did. */
export type DrainResult = {
  subjects: number;
  events: number;
  /** Subjects whose projectors threw; retried later with backoff. */
  failed: number;
};

type ReleaseRow = {
  release_id: string;
  entity_ref: string;
  projection: string;
  projection_cursor: string | null;
};

const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 5 * 60_000;

/**
 * The deferred projectors' queue: written by the append (see
 * {@link enqueueProjections}), drained here by any instance.
 *
 * A drain claims a chunk of due subjects in one transaction and runs every
 * deferred projector over their pending events in it, then deletes what it
 * projected; the claim is the transaction's row locks (`FOR UPDATE SKIP
 * LOCKED` on PostgreSQL), so an instance that dies mid-drain releases its
 * claim with its connection and another instance takes the work again. A
 * drain holds a transaction-scoped advisory lock per entity it projects, so
 * two instances never attribute the same entity's incidents at once.
 * SQLite has a single writer: its drains and appends take turns anyway.
 */
export class ProjectionQueue {
  readonly #db: Knex;
  readonly #projectors: LedgerProjector[];
  readonly #chunkSize: number;
  readonly #now: () => number;

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

  /** The deferred projectors this queue runs, in order. */
  get projectors(): ReadonlyArray<LedgerProjector> {
    return this.#projectors;
  }

  /**
   * One drain pass: claims up to one chunk of due subjects and projects
   * them. A chunk whose projectors throw is rolled back and its subjects
   * are projected one by one, so one bad subject delays only itself.
   */
  async drainOnce(): Promise<DrainResult> {
    try {
      return await this.#db.transaction(tx => this.#drain(tx, this.#chunkSize));
    } catch (error) {
      return this.#drainSingly(error);
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

  async #drainSingly(chunkError: unknown): Promise<DrainResult> {
    const result: DrainResult = { subjects: 0, events: 0, failed: 0 };
    for (let i = 0; i < this.#chunkSize; i++) {
      let claimed: ClaimedSubject | undefined;
      try {
        const pass = await this.#db.transaction(tx =>
          this.#drain(tx, 1, subject => {
            claimed = subject;
          }),
        );
        if (pass.subjects === 0) break;
        result.subjects += pass.subjects;
        result.events += pass.events;
      } catch (error) {
        if (!claimed) throw chunkError;
        await this.#recordFailure(claimed, error);
        result.subjects += 1;
        result.failed += 1;
      }
    }
    return result;
  }

  async #recordFailure(subject: ClaimedSubject, error: unknown) {
    const attempts = subject.attempts + 1;
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempts - 1));
    await this.#db(PROJECTION_QUEUE.table)
      .where('subject', subject.subject)
      .update({
        attempts,
        retry_at: new Date(this.#now() + delay).toISOString(),
        last_error: String((error as Error)?.message ?? error).slice(0, 2000),
      });
  }

  async #claim(tx: Knex.Transaction, limit: number): Promise<ClaimedSubject[]> {
    const now = new Date(this.#now()).toISOString();
    const query = tx<ClaimedSubject>(PROJECTION_QUEUE.table)
      .where(q => q.whereNull('retry_at').orWhere('retry_at', '<=', now))
      .orderBy('enqueued_at')
      .limit(limit)
      .select();
    if (this.#isPostgres) query.forUpdate().skipLocked();
    return query;
  }

  async #drain(
    tx: Knex.Transaction,
    limit: number,
    onClaim?: (subject: ClaimedSubject) => void,
  ): Promise<DrainResult> {
    const claimed = await this.#claim(tx, limit);
    if (claimed.length === 0) return { subjects: 0, events: 0, failed: 0 };
    if (claimed.length === 1) onClaim?.(claimed[0]);
    if (this.#isPostgres) await this.#lockEntities(tx, claimed);
    const subjects = claimed.map(c => c.subject);

    const eventRows = await tx<EventRow & { subject: string }>(
      `${PROJECTION_QUEUE_EVENTS.table} as q`,
    )
      .join(`${EVENTS.table} as e`, 'e.event_id', 'q.event_id')
      .whereIn('q.subject', subjects)
      .orderBy('e.seq')
      .select('e.*');
    const releaseIds = claimed.flatMap(c =>
      c.release_id ? [c.release_id] : [],
    );
    const releaseRows = releaseIds.length
      ? await tx<ReleaseRow>(RELEASES.table)
          .whereIn('release_id', releaseIds)
          .select('release_id', 'entity_ref', 'projection', 'projection_cursor')
      : [];
    const releaseRowOf = new Map(releaseRows.map(r => [r.release_id, r]));

    const releases = new Map<string, ProjectedRelease>();
    for (const subject of claimed) {
      const row = subject.release_id
        ? releaseRowOf.get(subject.release_id)
        : undefined;
      if (!row) continue;
      const release = JSON.parse(row.projection) as Release;
      const cursor = parseProjectionCursor(row.projection_cursor);
      releases.set(row.release_id, {
        release,
        // Every release the append touched was written with a cursor.
        events: cursor ? footprintSignals(cursor) : [],
        previousStatus: (subject.previous_status ??
          'pending') as Release['status'],
        previousPromotedAt: subject.previous_promoted_at ?? undefined,
      });
    }
    const fresh = eventRows.map((row): AcceptedEvent => {
      const event = fromEventRow(row);
      if (row.release_id) {
        const entityRef =
          releaseRowOf.get(row.release_id)?.entity_ref ?? row.entity_ref ?? '';
        return { ...event, releaseEntityRef: entityRef };
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

    const eventIds = eventRows.map(r => r.event_id);
    for (let i = 0; i < eventIds.length; i += 500) {
      await tx(PROJECTION_QUEUE_EVENTS.table)
        .whereIn('event_id', eventIds.slice(i, i + 500))
        .delete();
    }
    // A subject whose events were all projected leaves the queue; one that
    // gained events meanwhile (possible only where rows are not locked)
    // stays for the next drain.
    await tx(PROJECTION_QUEUE.table)
      .whereIn('subject', subjects)
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
    return { subjects: claimed.length, events: eventRows.length, failed: 0 };
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
