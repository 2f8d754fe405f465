import { Knex } from 'knex';

/**
 * The multi-row writes of the ingest path, one implementation per database.
 *
 * Why not plain knex: a 500-event batch written as knex multi-row INSERTs
 * spends most of its time building and preparing statements with thousands
 * of bound parameters (measured with bench/ingest: PostgreSQL ~12 ms per
 * 200-row insert). PostgreSQL takes the whole batch as one statement over
 * `unnest` of one array per column; SQLite (better-sqlite3 runs in-process)
 * reuses one prepared single-row statement per table. Any other knex client
 * gets the portable chunked inserts.
 */
export interface BulkWriter {
  /** Inserts events whose event_id is new; answers the event_ids inserted. */
  insertEvents(tx: Knex.Transaction, rows: EventRow[]): Promise<Set<string>>;
  /** Inserts releases that do not exist yet; existing rows are left alone. */
  insertMissingReleases(
    tx: Knex.Transaction,
    rows: ReleaseWriteRow[],
  ): Promise<void>;
  /** Inserts releases or replaces every column of existing ones. */
  upsertReleases(tx: Knex.Transaction, rows: ReleaseWriteRow[]): Promise<void>;
}

export const EVENTS_TABLE = 'release_ledger_events';
export const RELEASES_TABLE = 'release_ledger_releases';

/** A row of release_ledger_events. */
export type EventRow = {
  seq?: number;
  event_id: string;
  release_id: string;
  type: string;
  entity_ref: string | null;
  occurred_at: string;
  environment: string;
  version: string | null;
  commit: string | null;
  attributes: string;
  received_at: string;
};

/** Every written column of release_ledger_releases. */
export type ReleaseWriteRow = {
  release_id: string;
  entity_ref: string;
  owner_ref: string | null;
  status: string;
  environment: string;
  version: string | null;
  started_at: string | null;
  promoted_at: string | null;
  finished_at: string | null;
  sort_at: string;
  has_anomalies: boolean;
  projection: string;
  updated_at: string;
};

const EVENT_COLUMNS = [
  'event_id',
  'release_id',
  'type',
  'entity_ref',
  'occurred_at',
  'environment',
  'version',
  'commit',
  'attributes',
  'received_at',
] as const satisfies ReadonlyArray<keyof EventRow>;

const RELEASE_COLUMNS = [
  'release_id',
  'entity_ref',
  'owner_ref',
  'status',
  'environment',
  'version',
  'started_at',
  'promoted_at',
  'finished_at',
  'sort_at',
  'has_anomalies',
  'projection',
  'updated_at',
] as const satisfies ReadonlyArray<keyof ReleaseWriteRow>;

const quoted = (columns: readonly string[]) =>
  columns.map(c => `"${c}"`).join(', ');

// ---------------------------------------------------------------------------
// PostgreSQL: one statement per table and batch, one array per column.

const pgArrayType = (column: string) =>
  column === 'has_anomalies' ? 'boolean[]' : 'text[]';

function unnestSelect(columns: readonly string[]): string {
  return `SELECT * FROM unnest(${columns
    .map(c => `?::${pgArrayType(c)}`)
    .join(', ')})`;
}

function columnArrays<R>(rows: R[], columns: readonly (keyof R)[]) {
  return columns.map(c => rows.map(r => r[c]));
}

const postgresWriter: BulkWriter = {
  async insertEvents(tx, rows) {
    if (rows.length === 0) return new Set();
    const result = await tx.raw(
      `INSERT INTO ${EVENTS_TABLE} (${quoted(EVENT_COLUMNS)}) ${unnestSelect(
        EVENT_COLUMNS,
      )} ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      columnArrays(rows, EVENT_COLUMNS) as Knex.RawBinding[],
    );
    return new Set(
      (result.rows as Array<{ event_id: string }>).map(r => r.event_id),
    );
  },

  async insertMissingReleases(tx, rows) {
    if (rows.length === 0) return;
    await tx.raw(
      `INSERT INTO ${RELEASES_TABLE} (${quoted(
        RELEASE_COLUMNS,
      )}) ${unnestSelect(RELEASE_COLUMNS)} ON CONFLICT (release_id) DO NOTHING`,
      columnArrays(rows, RELEASE_COLUMNS) as Knex.RawBinding[],
    );
  },

  async upsertReleases(tx, rows) {
    if (rows.length === 0) return;
    const updates = RELEASE_COLUMNS.filter(c => c !== 'release_id')
      .map(c => `"${c}" = excluded."${c}"`)
      .join(', ');
    await tx.raw(
      `INSERT INTO ${RELEASES_TABLE} (${quoted(
        RELEASE_COLUMNS,
      )}) ${unnestSelect(
        RELEASE_COLUMNS,
      )} ON CONFLICT (release_id) DO UPDATE SET ${updates}`,
      columnArrays(rows, RELEASE_COLUMNS) as Knex.RawBinding[],
    );
  },
};

// ---------------------------------------------------------------------------
// SQLite (better-sqlite3): prepared single-row statements on the
// transaction's own connection, prepared once per connection.

type SqliteStatement = {
  run(...params: unknown[]): { changes: number };
};
type SqliteConnection = { prepare(sql: string): SqliteStatement };

const sqliteStatements = new WeakMap<
  SqliteConnection,
  Map<string, SqliteStatement>
>();

/**
 * The better-sqlite3 connection the transaction runs on. knex hands a
 * transaction's queries to this one connection (transaction.js,
 * `trxClient.acquireConnection`); statements run on it are part of the
 * transaction.
 */
async function sqliteConnection(
  tx: Knex.Transaction,
): Promise<SqliteConnection> {
  const connection = await (
    tx as unknown as { client: { acquireConnection(): Promise<unknown> } }
  ).client.acquireConnection();
  if (typeof (connection as SqliteConnection)?.prepare !== 'function') {
    throw new Error('release-ledger: expected a better-sqlite3 connection');
  }
  return connection as SqliteConnection;
}

function prepared(connection: SqliteConnection, sql: string): SqliteStatement {
  let cache = sqliteStatements.get(connection);
  if (!cache) {
    cache = new Map();
    sqliteStatements.set(connection, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = connection.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}

const placeholders = (columns: readonly string[]) =>
  columns.map(() => '?').join(', ');

/** better-sqlite3 binds numbers, strings, null, bigint and buffers only. */
function sqliteValue(v: unknown) {
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v ?? null;
}

const INSERT_EVENT_SQL = `INSERT INTO ${EVENTS_TABLE} (${quoted(
  EVENT_COLUMNS,
)}) VALUES (${placeholders(EVENT_COLUMNS)}) ON CONFLICT (event_id) DO NOTHING`;
const INSERT_RELEASE_SQL = `INSERT INTO ${RELEASES_TABLE} (${quoted(
  RELEASE_COLUMNS,
)}) VALUES (${placeholders(
  RELEASE_COLUMNS,
)}) ON CONFLICT (release_id) DO NOTHING`;
const UPSERT_RELEASE_SQL = `INSERT INTO ${RELEASES_TABLE} (${quoted(
  RELEASE_COLUMNS,
)}) VALUES (${placeholders(
  RELEASE_COLUMNS,
)}) ON CONFLICT (release_id) DO UPDATE SET ${RELEASE_COLUMNS.filter(
  c => c !== 'release_id',
)
  .map(c => `"${c}" = excluded."${c}"`)
  .join(', ')}`;

async function runEach<R>(
  tx: Knex.Transaction,
  sql: string,
  rows: R[],
  columns: readonly (keyof R)[],
  onRow?: (row: R, changes: number) => void,
) {
  if (rows.length === 0) return;
  const statement = prepared(await sqliteConnection(tx), sql);
  for (const row of rows) {
    const { changes } = statement.run(columns.map(c => sqliteValue(row[c])));
    onRow?.(row, changes);
  }
}

const sqliteWriter: BulkWriter = {
  async insertEvents(tx, rows) {
    const inserted = new Set<string>();
    await runEach(tx, INSERT_EVENT_SQL, rows, EVENT_COLUMNS, (row, changes) => {
      if (changes > 0) inserted.add(row.event_id);
    });
    return inserted;
  },
  insertMissingReleases: (tx, rows) =>
    runEach(tx, INSERT_RELEASE_SQL, rows, RELEASE_COLUMNS),
  upsertReleases: (tx, rows) =>
    runEach(tx, UPSERT_RELEASE_SQL, rows, RELEASE_COLUMNS),
};

// ---------------------------------------------------------------------------
// Any other knex client: portable multi-row inserts in chunks that stay under
// the usual bound-parameter limits.

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/** Portable knex inserts; exported for the parity test. */
export const portableBulkWriter: BulkWriter = {
  async insertEvents(tx, rows) {
    const inserted = new Set<string>();
    for (const batch of chunks(rows, 200)) {
      const result: Array<{ event_id: string }> = await tx(EVENTS_TABLE)
        .insert(batch)
        .onConflict('event_id')
        .ignore()
        .returning('event_id');
      for (const row of result) inserted.add(row.event_id);
    }
    return inserted;
  },
  async insertMissingReleases(tx, rows) {
    for (const batch of chunks(rows, 200))
      await tx(RELEASES_TABLE).insert(batch).onConflict('release_id').ignore();
  },
  async upsertReleases(tx, rows) {
    for (const batch of chunks(rows, 50))
      await tx(RELEASES_TABLE).insert(batch).onConflict('release_id').merge();
  },
};

/** Picks the writer for the knex client's database. */
export function bulkWriterFor(db: Knex): BulkWriter {
  const client = String(db.client.config.client);
  if (client === 'pg') return postgresWriter;
  if (client === 'better-sqlite3') return sqliteWriter;
  return portableBulkWriter;
}
