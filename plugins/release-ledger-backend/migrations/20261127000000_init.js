// @ts-check

/**
 * The event log (append-only, the source of truth) and the release
 * projection (rebuildable from the log).
 *
 * Times are stored as UTC ISO 8601 strings with milliseconds
 * (`2026-11-27T10:00:00.000Z`): they sort correctly as text and read back
 * identically on SQLite and PostgreSQL.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('release_ledger_events', table => {
    table.comment('Release events, append-only; never rewritten');
    table.bigIncrements('seq').primary();
    table.string('event_id', 200).notNullable().unique();
    table.string('release_id', 200).notNullable();
    table.string('type', 50).notNullable();
    table.string('entity_ref', 400).nullable();
    table.string('occurred_at', 30).notNullable();
    table.string('environment', 63).notNullable();
    table.string('version', 100).nullable();
    table.string('commit', 100).nullable();
    table.text('attributes').notNullable();
    table.string('received_at', 30).notNullable();
    table.index(
      ['release_id', 'occurred_at'],
      'release_ledger_events_release_idx',
    );
  });

  await knex.schema.createTable('release_ledger_releases', table => {
    table.comment('Releases projected from their events');
    table.string('release_id', 200).primary();
    table.string('entity_ref', 400).notNullable();
    table.string('owner_ref', 400).nullable();
    table.string('status', 20).notNullable();
    table.string('environment', 63).notNullable();
    table.string('version', 100).nullable();
    table.string('started_at', 30).nullable();
    table.string('promoted_at', 30).nullable();
    table.string('finished_at', 30).nullable();
    // started_at, or the first event's time before the release started:
    // the key reads are ordered and paged by (sort_at, release_id).
    table.string('sort_at', 30).notNullable();
    table.boolean('has_anomalies').notNullable().defaultTo(false);
    table.text('projection').notNullable();
    table.string('updated_at', 30).notNullable();
    table.index(['sort_at', 'release_id'], 'release_ledger_releases_sort_idx');
    table.index(
      ['entity_ref', 'sort_at', 'release_id'],
      'release_ledger_releases_entity_idx',
    );
    table.index(
      ['owner_ref', 'sort_at', 'release_id'],
      'release_ledger_releases_owner_idx',
    );
    table.index(
      ['status', 'sort_at', 'release_id'],
      'release_ledger_releases_status_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('release_ledger_releases');
  await knex.schema.dropTable('release_ledger_events');
};
