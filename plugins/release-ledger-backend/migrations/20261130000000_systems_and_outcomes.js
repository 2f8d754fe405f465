// @ts-check

/**
 * Top contributing systems and the release list's outcome filter.
 *
 * - release_ledger_releases.system_ref and release_ledger_footprints.system_ref:
 *   the catalog System (`spec.system`) of the release's entity, stored when
 *   the release starts, like the owner, so history stays true when a
 *   component moves to another system. Null when it had none.
 * - release_ledger_system_backfill: the releases recorded before this
 *   migration. A migration cannot ask the catalog, so the plugin looks their
 *   systems up once, at startup, with its own credentials (see
 *   src/metrics/systemBackfill.ts) and empties the table; a release whose
 *   entity is gone from the catalog stands for its component.
 * - release_ledger_releases.outcome: how a finished release ended
 *   (`promoted` or `rolled_back`), so `GET /releases?outcome=` is an index
 *   read. Back-filled here from the stored projection, which has it.
 * - A `rolled_back` after `release_finished` (rolling back after an incident)
 *   is no longer an anomaly: the stored projections that flagged one lose
 *   that flag here, as re-projecting them would (see unflagLateRollbacks).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('release_ledger_releases', table => {
    table.string('system_ref', 400).nullable();
    table.string('outcome', 20).nullable();
    table.index(
      ['outcome', 'sort_at', 'release_id'],
      'release_ledger_releases_outcome_idx',
    );
  });
  await knex.schema.alterTable('release_ledger_footprints', table => {
    table.string('system_ref', 400).nullable();
  });
  await knex.schema.createTable('release_ledger_system_backfill', table => {
    table.comment(
      'Releases recorded before systems were: looked up in the catalog once',
    );
    table.string('release_id', 200).primary();
  });

  await knex.raw(
    `INSERT INTO release_ledger_system_backfill (release_id)
     SELECT release_id FROM release_ledger_releases`,
  );
  const outcome = isSqlite(knex)
    ? "json_extract(projection, '$.outcome')"
    : "projection::json ->> 'outcome'";
  await knex.raw(
    `UPDATE release_ledger_releases SET outcome = ${outcome}
      WHERE status = 'finished'`,
  );
  await unflagLateRollbacks(knex);
};

const LATE_ROLLBACK = 'rolled_back while the release was finished';

/**
 * The first rollback of a release that had finished was flagged
 * `rolled_back while the release was finished`; it is the usual path now. A
 * second rollback stays flagged. The first rollback is the one at the
 * release's rolledBackAt, after its finishedAt (a rollback at the same
 * instant as the finish is applied before it, so it never was flagged), the
 * first such anomaly in event order.
 *
 * @param {import('knex').Knex} knex
 */
async function unflagLateRollbacks(knex) {
  const rows = await knex('release_ledger_releases')
    .where('status', 'finished')
    .where('projection', 'like', `%${LATE_ROLLBACK}%`)
    .select('release_id', 'projection');
  for (const row of rows) {
    const release = JSON.parse(row.projection);
    const { rolledBackAt, finishedAt } = release;
    if (!rolledBackAt || !finishedAt || !(rolledBackAt > finishedAt)) continue;
    const flagged = release.anomalies.filter(
      (/** @type {{ type: string, message: string }} */ a) =>
        a.type === 'rolled_back' && a.message === LATE_ROLLBACK,
    );
    const times = new Map(
      (
        await knex('release_ledger_events')
          .whereIn(
            'event_id',
            flagged.map((/** @type {{ eventId: string }} */ a) => a.eventId),
          )
          .select('event_id', 'occurred_at')
      ).map(e => [e.event_id, e.occurred_at]),
    );
    const first = flagged.find(
      (/** @type {{ eventId: string }} */ a) =>
        times.get(a.eventId) === rolledBackAt,
    );
    if (!first) continue;
    release.anomalies = release.anomalies.filter(
      (/** @type {unknown} */ a) => a !== first,
    );
    await knex('release_ledger_releases')
      .where('release_id', row.release_id)
      .update({
        projection: JSON.stringify(release),
        has_anomalies: release.anomalies.length > 0,
      });
  }
}

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('release_ledger_system_backfill');
  await knex.schema.alterTable('release_ledger_footprints', table => {
    table.dropColumn('system_ref');
  });
  await knex.schema.alterTable('release_ledger_releases', table => {
    table.dropIndex(
      ['outcome', 'sort_at', 'release_id'],
      'release_ledger_releases_outcome_idx',
    );
    table.dropColumn('outcome');
    table.dropColumn('system_ref');
  });
};

/** @param {import('knex').Knex} knex */
function isSqlite(knex) {
  return ['better-sqlite3', 'sqlite3'].includes(
    String(knex.client.config.client),
  );
}
