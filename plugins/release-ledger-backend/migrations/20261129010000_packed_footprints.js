// @ts-check

/** Rows back-filled per statement. */
const PAGE = 1000;

/**
 * A packed copy of what a metrics answer reads of each footprint, so the
 * org read selects one text column (the database joins the window's rows
 * into one string, parsed at once) instead of thirteen columns per release
 * with six timestamps to parse.
 *
 * Format (also packFootprint in src/metrics/footprints.ts; a test keeps the
 * two identical), a fragment of JSON:
 *
 *   owner,entity,flags,leadCount[,startedMs][,promotedMs][,signalMs][,restoreMs][,leadMs…]
 *
 * owner and entity as JSON strings (owner null when unknown); flags 1
 * production, 2 started in production (startedMs), 4 failed, 8 promoted
 * (promotedMs, then leadCount lead times), 16 first failure signal
 * (signalMs), 32 restored (restoreMs); times in epoch ms. Outside
 * production flags and leadCount are 0.
 *
 * Existing rows are back-filled here, in pages in activity order: on
 * PostgreSQL each updated row is a new tuple, and writing them in time order
 * keeps a window's rows close together on disk (in release id order they
 * spread over the whole table and the planner reads all of it). On SQLite the
 * index on activity_at becomes one on (activity_at, packed), so the org
 * read is a range of that index alone. PostgreSQL keeps its index: a btree
 * entry is limited to ~2.7 kB and a release with a few hundred changes
 * would exceed it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('release_ledger_footprints', table => {
    table.text('packed').nullable();
  });

  /** @type {[string, string] | undefined} */
  let after;
  for (;;) {
    const page = knex('release_ledger_footprints')
      .orderBy([
        { column: 'activity_at', order: 'asc' },
        { column: 'release_id', order: 'asc' },
      ])
      .limit(PAGE)
      .select(
        'activity_at',
        'release_id',
        'entity_ref',
        'owner_ref',
        'environment',
        'is_deployment',
        'started_at',
        'promoted_at',
        'failed',
        'first_failure_at',
        'restore_ms',
        'lead_times_ms',
      );
    if (after) {
      // The first condition lets the index on activity_at find the page.
      page
        .where('activity_at', '>=', after[0])
        .whereRaw('(activity_at, release_id) > (?, ?)', after);
    }
    const rows = await page;
    if (rows.length === 0) break;
    const values = rows.map(row => [row.release_id, exports.packRow(row)]);
    await knex.raw(
      `UPDATE release_ledger_footprints SET packed = v.column2
         FROM (VALUES ${values.map(() => '(?, ?)').join(', ')}) AS v
        WHERE release_ledger_footprints.release_id = v.column1`,
      values.flat(),
    );
    const last = rows[rows.length - 1];
    after = [last.activity_at, last.release_id];
  }

  if (isSqlite(knex)) {
    await knex.schema.alterTable('release_ledger_footprints', table => {
      table.dropIndex(
        ['activity_at'],
        'release_ledger_footprints_activity_idx',
      );
      table.index(
        ['activity_at', 'packed'],
        'release_ledger_footprints_activity_packed_idx',
      );
    });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (isSqlite(knex)) {
    await knex.schema.alterTable('release_ledger_footprints', table => {
      table.dropIndex(
        ['activity_at', 'packed'],
        'release_ledger_footprints_activity_packed_idx',
      );
      table.index(['activity_at'], 'release_ledger_footprints_activity_idx');
    });
  }
  await knex.schema.alterTable('release_ledger_footprints', table => {
    table.dropColumn('packed');
  });
};

/** @param {import('knex').Knex} knex */
function isSqlite(knex) {
  return ['better-sqlite3', 'sqlite3'].includes(
    String(knex.client.config.client),
  );
}

/**
 * The packed form of a stored footprint row (this migration's copy of
 * packFootprint(fromFootprintRow(row)), frozen with the format).
 *
 * @param {{ entity_ref: string, owner_ref: string | null, environment: string,
 *   is_deployment: unknown, started_at: string | null, promoted_at: string | null,
 *   failed: unknown, first_failure_at: string | null,
 *   restore_ms: number | string | null, lead_times_ms: string | null }} row
 * @returns {string}
 */
exports.packRow = function packRow(row) {
  const refs = `${JSON.stringify(row.owner_ref ?? null)},${JSON.stringify(
    row.entity_ref,
  )}`;
  if (row.environment !== 'production') return `${refs},0,0`;
  const ms = (/** @type {string | null} */ at) =>
    at === null ? NaN : Date.parse(at);
  // SQLite answers booleans as 0/1, PostgreSQL bigint as a string.
  const failed = Boolean(row.failed);
  const startedMs = row.is_deployment ? ms(row.started_at) : NaN;
  const promotedMs = ms(row.promoted_at);
  const signalMs = failed ? ms(row.first_failure_at) : NaN;
  const restoreMs =
    Number.isNaN(signalMs) || row.restore_ms === null
      ? NaN
      : Number(row.restore_ms);
  const leadTimes =
    Number.isNaN(promotedMs) || !row.lead_times_ms
      ? []
      : row.lead_times_ms.split(',').map(Number);
  let flags = 1;
  const fields = [];
  if (!Number.isNaN(startedMs)) {
    flags |= 2;
    fields.push(startedMs);
  }
  if (failed) flags |= 4;
  if (!Number.isNaN(promotedMs)) {
    flags |= 8;
    fields.push(promotedMs);
  }
  if (!Number.isNaN(signalMs)) {
    flags |= 16;
    fields.push(signalMs);
  }
  if (!Number.isNaN(restoreMs)) {
    flags |= 32;
    fields.push(restoreMs);
  }
  return [refs, flags, leadTimes.length, ...fields, ...leadTimes].join(',');
};
