import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  LedgerStatus,
  Release,
  ReleaseEvent,
  ReleasePage,
  ReleaseWithEvents,
} from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
import { compareEvents, ProjectionRules } from './projectRelease';
import { fromEventRow, toEventRow } from './eventRows';
import {
  applyToProjection,
  footprintSignals,
  parseProjectionCursor,
  projectFromAllEvents,
  ReleaseProjection,
} from './releaseProjection';
import {
  EventContent,
  EventIdConflict,
  EventIdConflictError,
  eventDifferences,
} from './eventConflicts';
import { BulkWriter, bulkWriterFor } from '../database/bulkWrites';
import {
  EVENTS,
  EventRow,
  INCIDENTS,
  IncidentRow,
  RELEASES,
  ReleaseWriteRow,
} from '../database/tables';
import { GroupCommit } from '../database/GroupCommit';
import { incidentIdOf } from './projectIncident';
import type { LedgerProjector, ProjectedRelease } from './projectors';
import { enqueueProjections, ProjectionQueue } from './projectionQueue';
import {
  linkChanges,
  RELEASE_COMPONENTS,
  releaseEntitiesOf,
} from './changeLinks';

import {
  AcceptedEvent,
  AcceptedReleaseEvent,
  belongsToRelease,
  ReleaseFilter,
  ReleaseLedgerStore,
} from './ReleaseLedgerStore';

/** Most events committed in one grouped transaction (two full batches). */
const GROUP_COMMIT_MAX_EVENTS = 2000;

type ReleaseRow = {
  release_id: string;
  entity_ref: string;
  owner_ref: string | null;
  system_ref: string | null;
  status: string;
  promoted_at: string | null;
  sort_at: string;
  projection: string;
  projection_cursor: string | null;
};

/** What a release's projection starts from: who it belongs to, where it was. */
type ReleaseIdentity = Pick<
  ReleaseRow,
  | 'release_id'
  | 'entity_ref'
  | 'owner_ref'
  | 'system_ref'
  | 'promoted_at'
  | 'status'
>;

/**
 * The identity of each release of a batch as it would be if it were new:
 * the entity of its earliest event, the first owner sent, not yet started.
 * Stored releases keep their own (the owner when the release started).
 */
function releaseIdentities(
  events: AcceptedReleaseEvent[],
  releaseIds: string[],
): Map<string, ReleaseIdentity> {
  const earliest = new Map<string, AcceptedReleaseEvent>();
  const owner = new Map<string, string>();
  const system = new Map<string, string>();
  for (const e of events) {
    const first = earliest.get(e.releaseId);
    if (!first || e.timestamp < first.timestamp) earliest.set(e.releaseId, e);
    if (e.ownerRef && !owner.has(e.releaseId))
      owner.set(e.releaseId, e.ownerRef);
    if (e.systemRef && !system.has(e.releaseId))
      system.set(e.releaseId, e.systemRef);
  }
  return new Map(
    releaseIds.map(releaseId => [
      releaseId,
      {
        release_id: releaseId,
        entity_ref: earliest.get(releaseId)!.releaseEntityRef,
        owner_ref: owner.get(releaseId) ?? null,
        system_ref: system.get(releaseId) ?? null,
        promoted_at: null,
        status: 'pending',
      },
    ]),
  );
}

/** The identity a release's projection takes from its row. */
function identityOf(row: ReleaseIdentity) {
  return {
    releaseId: row.release_id,
    entityRef: row.entity_ref,
    ownerRef: row.owner_ref ?? undefined,
    systemRef: row.system_ref ?? undefined,
  };
}

/** PostgreSQL's deadlock_detected. */
function isDeadlock(error: unknown): boolean {
  return (error as { code?: string })?.code === '40P01';
}

const migrationsDir = resolvePackagePath(
  '@release-ledger/plugin-release-ledger-backend',
  'migrations',
);

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/** Per input position: new, or a duplicate (later in the batch, or stored before). */
function statusesOf(
  events: AcceptedEvent[],
  firstIndex: Map<string, number>,
  created: Set<string>,
): Array<'created' | 'duplicate'> {
  return events.map((e, i) =>
    firstIndex.get(e.eventId) === i && created.has(e.eventId)
      ? 'created'
      : 'duplicate',
  );
}

type Cursor = { s: string; r: string };

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    // A forged cursor must not carry NUL to PostgreSQL.
    if (
      typeof c?.s === 'string' &&
      typeof c?.r === 'string' &&
      !`${c.s}${c.r}`.includes('\u0000')
    ) {
      return c;
    }
  } catch {
    // fall through to the error below
  }
  throw new InputError('cursor: is not a cursor returned by this API');
}

/** The knex implementation of the ledger store, for SQLite and PostgreSQL. */
export class DatabaseReleaseLedgerStore implements ReleaseLedgerStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    /**
     * Benchmarks only (bench:ingest's `store` target): appends write the
     * event log and nothing else — no release projection, no projectors —
     * so the benchmark can measure the limit of storing events alone.
     */
    eventLogOnly?: boolean;
    /**
     * The consequences of new events, in the order they run (see
     * LedgerProjector): inline ones in every append's transaction, deferred
     * ones by the drains of {@link DatabaseReleaseLedgerStore.projectionQueue}.
     * More may be added with `addProjectors` before the first append.
     */
    projectors?: LedgerProjector[];
    /** What the release projection checks that configuration decides. */
    rules?: ProjectionRules;
  }): Promise<DatabaseReleaseLedgerStore> {
    const client = await options.database.getClient();
    if (client.client.config.client.includes('sqlite')) {
      // WAL: one fsync per commit instead of several, and readers do not
      // block the writer. synchronous stays FULL, so a 2xx is still durable.
      await client.raw('PRAGMA journal_mode = WAL');
    }
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseReleaseLedgerStore(
      client,
      options.projectors ?? [],
      options.eventLogOnly ?? false,
      options.rules,
    );
  }

  readonly #groupCommit: GroupCommit<AcceptedEvent, 'created' | 'duplicate'>;
  readonly #bulk: BulkWriter;
  readonly #inline: LedgerProjector[] = [];
  readonly #deferred: LedgerProjector[] = [];
  #sealed = false;
  /**
   * The deferred projectors' queue, which every instance drains (see
   * ProjectionDrainWorker).
   */
  readonly projectionQueue: ProjectionQueue;

  private constructor(
    private readonly db: Knex,
    projectors: LedgerProjector[],
    private readonly eventLogOnly: boolean,
    private readonly rules?: ProjectionRules,
  ) {
    this.projectionQueue = new ProjectionQueue({
      db,
      projectors: this.#deferred,
    });
    this.addProjectors(projectors);
    this.#bulk = bulkWriterFor(db);
    this.#groupCommit = new GroupCommit(
      events => this.#appendInTransaction(events),
      { maxItems: GROUP_COMMIT_MAX_EVENTS },
    );
  }

  /**
   * Adds projectors (see LedgerProjector), which run after those added
   * before. Capabilities add theirs while the plugin starts, after the
   * ledger is built and before the first append, which seals the list.
   */
  addProjectors(projectors: LedgerProjector[]): void {
    if (this.#sealed) {
      throw new Error(
        'release-ledger: projectors must be added before the first append',
      );
    }
    for (const projector of projectors) {
      (projector.mode === 'inline' ? this.#inline : this.#deferred).push(
        projector,
      );
    }
  }

  /** What `GET /ledger/status` answers: the projectors in the order they run, and the queue. */
  async status(): Promise<LedgerStatus> {
    return {
      projections: {
        ...(await this.projectionQueue.status()),
        projectors: [...this.#inline, ...this.#deferred].map(p => ({
          id: p.id,
          mode: p.mode,
        })),
      },
    };
  }

  /** PostgreSQL, which takes concurrent writers (SQLite has one connection). */
  get isPostgres(): boolean {
    return this.db.client.config.client === 'pg';
  }

  readonly #commitListeners = new Set<() => void>();

  /**
   * Calls `listener` after each commit that stored new events: the local
   * drain of the deferred projections runs at once instead of at its next
   * poll.
   */
  onCommitted(listener: () => void): void {
    this.#commitListeners.add(listener);
  }

  async getReleaseEntities(releaseIds: string[]): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    for (const ids of chunks([...new Set(releaseIds)], 500)) {
      const rows = await this.db<ReleaseRow>(RELEASES.table)
        .whereIn('release_id', ids)
        .select('release_id', 'entity_ref');
      for (const row of rows) result.set(row.release_id, row.entity_ref);
    }
    return result;
  }

  /**
   * Concurrent calls share a transaction (group commit); each call is answered
   * after the commit that holds its events.
   */
  appendEvents(
    events: AcceptedEvent[],
  ): Promise<Array<'created' | 'duplicate'>> {
    this.#sealed = true;
    return this.#groupCommit.submit(events);
  }

  async #appendInTransaction(
    events: AcceptedEvent[],
  ): Promise<Array<'created' | 'duplicate'>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const statuses = await this.db.transaction(tx =>
          this.#append(tx, events),
        );
        if (statuses.includes('created')) {
          for (const listener of this.#commitListeners) listener();
        }
        return statuses;
      } catch (error) {
        // PostgreSQL breaks a rare lock cycle by aborting one transaction;
        // nothing of it was committed, so it is safe to run again.
        if (!isDeadlock(error) || attempt >= 3) throw error;
      }
    }
  }

  async #append(
    tx: Knex.Transaction,
    events: AcceptedEvent[],
  ): Promise<Array<'created' | 'duplicate'>> {
    const receivedAt = new Date().toISOString();
    await this.#lock(tx, events);

    // The first occurrence of an eventId in the batch is the candidate;
    // later ones in the same batch are duplicates by definition.
    const firstIndex = new Map<string, number>();
    events.forEach((e, i) => {
      if (!firstIndex.has(e.eventId)) firstIndex.set(e.eventId, i);
    });
    const candidates = [...firstIndex.values()].map(i => events[i]);

    const created = await this.#bulk.insertNew(
      tx,
      EVENTS,
      candidates.map(e => toEventRow(e, receivedAt)),
    );
    const conflicts = await this.#conflicts(tx, events, firstIndex, created);
    // Thrown inside the transaction: nothing of these events is stored.
    if (conflicts.length > 0) throw new EventIdConflictError(conflicts);
    const stored = candidates.filter(e => created.has(e.eventId));

    if (this.eventLogOnly) return statusesOf(events, firstIndex, created);
    // Merges sent without a release join the release that lists their
    // commit, as copies stored and projected with this batch.
    const links = await linkChanges(tx, stored, receivedAt);
    const linked = await this.#bulk.insertNew(
      tx,
      EVENTS,
      links.map(e => toEventRow(e, receivedAt)),
    );
    const newLinks = links.filter(e => linked.has(e.eventId));
    const fresh: AcceptedEvent[] = [...stored, ...newLinks];
    const releaseEvents = [...events.filter(belongsToRelease), ...newLinks];
    const releaseIds = [...new Set(releaseEvents.map(e => e.releaseId))].sort();
    const identities = releaseIdentities(releaseEvents, releaseIds);
    const previousStatus = new Map<string, Release['status']>();
    const projected = await this.#reproject(
      tx,
      fresh.filter(belongsToRelease),
      identities,
      previousStatus,
    );
    for (const [releaseId, p] of projected) {
      p.previousStatus = previousStatus.get(releaseId);
    }
    // Every other consequence commits with the events: inline projectors
    // run now, deferred ones get queue rows that a drain takes.
    const batch = {
      fresh,
      releases: projected,
      receivedAt,
      incidents: new Map(),
    };
    for (const projector of this.#inline) {
      await projector.project(tx, batch);
    }
    if (this.#deferred.length > 0) {
      await enqueueProjections(tx, this.#bulk, batch);
    }

    return statusesOf(events, firstIndex, created);
  }

  /**
   * Events whose id is already taken by a different event: earlier in the
   * same batch, or stored (by an earlier request, or by a concurrent one
   * whose insert this transaction's insert waited for).
   */
  async #conflicts(
    tx: Knex.Transaction,
    events: AcceptedEvent[],
    firstIndex: Map<string, number>,
    created: Set<string>,
  ): Promise<EventIdConflict[]> {
    const known = new Map<string, EventContent>();
    const stored = [...firstIndex.keys()].filter(id => !created.has(id));
    for (const ids of chunks(stored, 500)) {
      const rows = await tx<EventRow>(EVENTS.table)
        .whereIn('event_id', ids)
        .select();
      for (const row of rows) known.set(row.event_id, fromEventRow(row));
    }
    const conflicts: EventIdConflict[] = [];
    events.forEach((e, index) => {
      const first = firstIndex.get(e.eventId)!;
      const before =
        known.get(e.eventId) ?? (first === index ? undefined : events[first]);
      if (!before) return;
      const differences = eventDifferences(before, e, {
        compareTimestamp: !e.timestampDefaulted,
      });
      if (differences.length > 0) {
        conflicts.push({ index, eventId: e.eventId, differences });
      }
    });
    return conflicts;
  }

  /**
   * On PostgreSQL, serialises transactions that touch the same entity or
   * incident (several backend instances): each projects from the complete
   * set of events and attributes incidents against committed promotions.
   * Transaction-scoped advisory locks, taken in one sorted order so two
   * transactions cannot wait on each other. SQLite has one writer anyway.
   */
  async #lock(tx: Knex.Transaction, events: AcceptedEvent[]) {
    if (!this.isPostgres) return;
    const keys = new Set<string>();
    const unknownEntity: string[] = [];
    for (const e of events) {
      const entityRef = belongsToRelease(e) ? e.releaseEntityRef : e.entityRef;
      if (entityRef) keys.add(`entity:${entityRef}`);
      // A release start links the waiting merges of every entity it deploys.
      if (belongsToRelease(e)) {
        for (const ref of releaseEntitiesOf(e)) keys.add(`entity:${ref}`);
      }
      const incidentId = incidentIdOf(e);
      if (incidentId) {
        keys.add(`incident:${incidentId}`);
        if (!entityRef) unknownEntity.push(incidentId);
      }
    }
    if (unknownEntity.length > 0) {
      // incident_resolved with neither release nor entity: the incident's.
      const rows = await tx<IncidentRow>(INCIDENTS.table)
        .whereIn('incident_id', unknownEntity)
        .whereNotNull('entity_ref')
        .select('entity_ref');
      for (const row of rows) keys.add(`entity:${row.entity_ref}`);
    }
    if (keys.size === 0) return;
    // Volatile functions run after ORDER BY, so locks are taken in key order.
    await tx.raw(
      `SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
         FROM unnest(?::text[]) WITH ORDINALITY AS t(k, i) ORDER BY i`,
      [[...keys].sort()],
    );
  }

  /**
   * Projects the releases of the fresh events, in a handful of statements
   * per 300 releases however many they touch: one read of their rows with
   * the stored projections, and one upsert. Events arrive in order as a
   * rule, so the fresh events of a release are applied to its stored
   * projection; only releases where one lands before the last event applied
   * (or whose projection has no cursor) are re-projected from all their
   * events, read in one more statement. A release seen for the first time
   * takes its entity and owner from the batch (`identities`), is projected
   * from its fresh events (it has no others) and is written once, by the
   * upsert.
   */
  async #reproject(
    tx: Knex.Transaction,
    fresh: AcceptedReleaseEvent[],
    identities: Map<string, ReleaseIdentity>,
    previousStatus: Map<string, Release['status']>,
  ): Promise<Map<string, ProjectedRelease>> {
    const now = new Date().toISOString();
    // Exactly as a re-projection would read them back from the log.
    const freshOf = new Map<string, ReleaseEvent[]>();
    for (const e of fresh) {
      const list = freshOf.get(e.releaseId) ?? [];
      list.push(fromEventRow(toEventRow(e, now)));
      freshOf.set(e.releaseId, list);
    }
    const projected = new Map<string, ProjectedRelease>();
    for (const ids of chunks([...freshOf.keys()].sort(), 300)) {
      const stored = await tx<ReleaseRow>(RELEASES.table)
        .whereIn('release_id', ids)
        .select(
          'release_id',
          'entity_ref',
          'owner_ref',
          'system_ref',
          'promoted_at',
          'status',
          'projection',
          'projection_cursor',
        );
      const known = new Set(stored.map(row => row.release_id));
      const results = new Map<
        string,
        { projection: ReleaseProjection; events: ReleaseEvent[] }
      >();
      const fromAllEvents: ReleaseIdentity[] = [];
      for (const row of stored) {
        const update =
          row.projection === '{}'
            ? undefined
            : applyToProjection(
                {
                  release: JSON.parse(row.projection) as Release,
                  cursor: parseProjectionCursor(row.projection_cursor),
                },
                freshOf.get(row.release_id)!,
                identityOf(row),
                this.rules,
              );
        if (update?.kind === 'applied') {
          results.set(row.release_id, {
            projection: update.projection,
            events: footprintSignals(update.projection.cursor),
          });
        } else {
          fromAllEvents.push(row);
        }
      }
      if (fromAllEvents.length > 0) {
        const eventRows = await tx<EventRow>(EVENTS.table)
          .whereIn(
            'release_id',
            fromAllEvents.map(row => row.release_id),
          )
          .select();
        const eventsOf = new Map<string, ReleaseEvent[]>();
        for (const row of eventRows) {
          const list = eventsOf.get(row.release_id!) ?? [];
          list.push(fromEventRow(row));
          eventsOf.set(row.release_id!, list);
        }
        for (const row of fromAllEvents) {
          const events = eventsOf.get(row.release_id) ?? [];
          results.set(row.release_id, {
            projection: projectFromAllEvents(
              identityOf(row),
              events,
              this.rules,
            ),
            events,
          });
        }
      }
      const rows: ReleaseIdentity[] = [
        ...stored,
        ...ids.filter(id => !known.has(id)).map(id => identities.get(id)!),
      ];
      const updates = rows.map((row): ReleaseWriteRow => {
        previousStatus.set(row.release_id, row.status as Release['status']);
        let result = results.get(row.release_id);
        if (!result) {
          const events = freshOf.get(row.release_id)!;
          result = {
            projection: projectFromAllEvents(
              identityOf(row),
              events,
              this.rules,
            ),
            events,
          };
        }
        const { release, cursor } = result.projection;
        projected.set(row.release_id, {
          release,
          events: result.events,
          previousPromotedAt: row.promoted_at ?? undefined,
        });
        return {
          release_id: row.release_id,
          entity_ref: row.entity_ref,
          owner_ref: row.owner_ref,
          system_ref: row.system_ref,
          status: release.status,
          outcome: release.outcome ?? null,
          environment: release.environment,
          version: release.version ?? null,
          started_at: release.startedAt ?? null,
          promoted_at: release.promotedAt ?? null,
          finished_at: release.finishedAt ?? null,
          sort_at: release.startedAt ?? release.firstEventAt,
          has_anomalies: release.anomalies.length > 0,
          projection: JSON.stringify(release),
          projection_cursor: JSON.stringify(cursor),
          updated_at: now,
        };
      });
      await this.#bulk.upsert(tx, RELEASES, updates);
    }
    return projected;
  }

  async listReleases(filter: ReleaseFilter): Promise<ReleasePage> {
    const query = this.db<ReleaseRow>(RELEASES.table)
      .whereNot('projection', '{}')
      .orderBy([
        { column: 'sort_at', order: 'desc' },
        { column: 'release_id', order: 'desc' },
      ])
      .limit(filter.limit + 1)
      .select('release_id', 'sort_at', 'projection');
    if (filter.entityRef) {
      const entityRef = filter.entityRef;
      // Its own releases, and those that deploy it as a component.
      query.where(q =>
        q
          .where('entity_ref', entityRef)
          .orWhereIn(
            'release_id',
            this.db(RELEASE_COMPONENTS)
              .where('entity_ref', entityRef)
              .select('release_id'),
          ),
      );
    }
    if (filter.ownerRef) query.where('owner_ref', filter.ownerRef);
    if (filter.status) query.where('status', filter.status);
    if (filter.outcome) query.where('outcome', filter.outcome);
    if (filter.from) query.where('sort_at', '>=', filter.from);
    if (filter.to) query.where('sort_at', '<=', filter.to);
    if (filter.cursor) {
      const c = decodeCursor(filter.cursor);
      query.where(q =>
        q
          .where('sort_at', '<', c.s)
          .orWhere(q2 =>
            q2.where('sort_at', c.s).andWhere('release_id', '<', c.r),
          ),
      );
    }
    const rows = await query;
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(r => JSON.parse(r.projection) as Release),
      nextCursor:
        rows.length > filter.limit && last
          ? encodeCursor({ s: last.sort_at, r: last.release_id })
          : undefined,
    };
  }

  async getEvent(eventId: string): Promise<ReleaseEvent | undefined> {
    const row = await this.db<EventRow>(EVENTS.table)
      .where('event_id', eventId)
      .first();
    return row ? fromEventRow(row) : undefined;
  }

  async getRelease(releaseId: string): Promise<ReleaseWithEvents | undefined> {
    const row = await this.db<ReleaseRow>(RELEASES.table)
      .where('release_id', releaseId)
      .whereNot('projection', '{}')
      .first('projection');
    if (!row) return undefined;
    const eventRows = await this.db<EventRow>(EVENTS.table)
      .where('release_id', releaseId)
      .select();
    const events = eventRows.map(fromEventRow).sort(compareEvents);
    return { ...(JSON.parse(row.projection) as Release), events };
  }

  async countRows(): Promise<{ events: number; releases: number }> {
    const [e] = await this.db(EVENTS.table).count({ n: '*' });
    const [r] = await this.db(RELEASES.table).count({ n: '*' });
    return { events: Number(e.n), releases: Number(r.n) };
  }
}
