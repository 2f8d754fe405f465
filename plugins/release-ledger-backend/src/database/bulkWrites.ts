import type { Knex } from 'knex';
import {
  EventRow,
  FootprintRow,
  IncidentRow,
  ReleaseWriteRow,
  TableSpec,
} from './tables';

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
  /**
   * Inserts the rows whose key is new, leaving existing rows alone; answers
   * the keys of the rows it inserted.
   */
  insertNew<R>(
    tx: Knex.Transaction,
    spec: TableSpec<R>,
    rows: R[],
  ): Promise<Set<string>>;
  /** Inserts rows, or replaces every column of the existing row with the same key. */
  upsert<R>(tx: Knex.Transaction, spec: TableSpec<R>, rows: R[]): Promise<void>;
}

export type { EventRow, FootprintRow, IncidentRow, ReleaseWriteRow };

const quoted = (columns: readonly string[]) =>
  columns.map(c => `"${c}"`).join(', ');

const updateAll = <R>(spec: TableSpec<R>) =>
  (spec.mergeColumns ?? spec.columns.filter(c => c !== spec.key))
    .map(c => `"${c}" = excluded."${c}"`)
    .join(', ');

// ---------------------------------------------------------------------------
// PostgreSQL: one statement per table and batch, one array per column.

function unnestSelect<R>(spec: TableSpec<R>): string {
  return `SELECT * FROM unnest(${spec.columns
    .map(c => `?::${spec.types?.[c] ?? 'text'}[]`)
    .join(', ')})`;
}

function columnArrays<R>(spec: TableSpec<R>, rows: R[]): Knex.RawBinding[] {
  return spec.columns.map(c => rows.map(r => r[c])) as Knex.RawBinding[];
}

const postgresWriter: BulkWriter = {
  async insertNew(tx, spec, rows) {
    if (rows.length === 0) return new Set();
    const result = await tx.raw(
      `INSERT INTO ${spec.table} (${quoted(spec.columns)}) ${unnestSelect(
        spec,
      )} ON CONFLICT ("${spec.key}") DO NOTHING RETURNING "${spec.key}"`,
      columnArrays(spec, rows),
    );
    return new Set(
      (result.rows as Array<Record<string, string>>).map(r => r[spec.key]),
    );
  },

  async upsert(tx, spec, rows) {
    if (rows.length === 0) return;
    await tx.raw(
      `INSERT INTO ${spec.table} (${quoted(spec.columns)}) ${unnestSelect(
        spec,
      )} ON CONFLICT ("${spec.key}") DO UPDATE SET ${updateAll(spec)}`,
      columnArrays(spec, rows),
    );
  },
};

// ---------------------------------------------------------------------------
// SQLite (better-sqlite3): prepared single-row statements on the
// transaction's own connection, prepared once per connection and SQL.

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

/** better-sqlite3 binds numbers, strings, null, bigint and buffers only. */
function sqliteValue(v: unknown) {
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v ?? null;
}

function sqliteInsert<R>(spec: TableSpec<R>, onConflict: string): string {
  return `INSERT INTO ${spec.table} (${quoted(
    spec.columns,
  )}) VALUES (${spec.columns.map(() => '?').join(', ')}) ON CONFLICT ("${
    spec.key
  }") ${onConflict}`;
}

async function runEach<R>(
  tx: Knex.Transaction,
  sql: string,
  spec: TableSpec<R>,
  rows: R[],
  onRow?: (row: R, changes: number) => void,
) {
  if (rows.length === 0) return;
  const statement = prepared(await sqliteConnection(tx), sql);
  for (const row of rows) {
    const { changes } = statement.run(
      spec.columns.map(c => sqliteValue(row[c])),
    );
    onRow?.(row, changes);
  }
}

const sqliteWriter: BulkWriter = {
  async insertNew(tx, spec, rows) {
    const inserted = new Set<string>();
    await runEach(
      tx,
      sqliteInsert(spec, 'DO NOTHING'),
      spec,
      rows,
      (row, changes) => {
        if (changes > 0) inserted.add(String(row[spec.key]));
      },
    );
    return inserted;
  },
  upsert: (tx, spec, rows) =>
    runEach(
      tx,
      sqliteInsert(spec, `DO UPDATE SET ${updateAll(spec)}`),
      spec,
      rows,
    ),
};

// ---------------------------------------------------------------------------
// Any other knex client: portable multi-row inserts in chunks that stay under
// the usual bound-parameter limits (999 on old SQLite builds).

function chunksFor<R>(spec: TableSpec<R>, rows: R[]): R[][] {
  const size = Math.max(1, Math.floor(900 / spec.columns.length));
  const out: R[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Portable knex inserts; exported for the parity test. */
export const portableBulkWriter: BulkWriter = {
  async insertNew(tx, spec, rows) {
    const inserted = new Set<string>();
    for (const batch of chunksFor(spec, rows)) {
      const result: Array<Record<string, unknown>> = await tx(spec.table)
        .insert(batch)
        .onConflict(spec.key)
        .ignore()
        .returning(spec.key);
      for (const row of result) inserted.add(String(row[spec.key]));
    }
    return inserted;
  },
  async upsert(tx, spec, rows) {
    for (const batch of chunksFor(spec, rows))
      await tx(spec.table)
        .insert(batch)
        .onConflict(spec.key)
        .merge(spec.mergeColumns ? [...spec.mergeColumns] : undefined);
  },
};

/** Picks the writer for the knex client's database. */
export function bulkWriterFor(db: Knex): BulkWriter {
  const client = String(db.client.config.client);
  if (client === 'pg') return postgresWriter;
  if (client === 'better-sqlite3') return sqliteWriter;
  return portableBulkWriter;
}
