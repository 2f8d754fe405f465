// @ts-check

/**
 * DORA metrics: projections kept current by the ingest transaction, so a
 * metrics query reads one narrow row per release instead of the event log.
 *
 * - release_ledger_events.release_id becomes nullable: an incident tool that
 *   does not know the release posts `incident_started` with only an entity;
 *   the ledger attributes it. `incident_id` indexes incident events.
 * - release_ledger_incidents: one row per incident, with how it was
 *   attributed (explicit / window / unattributed).
 * - release_ledger_footprints: one row per release, its DORA footprint.
 *   `activity_at` is the latest of its start, promotion and first failure
 *   signal: a release matters to a window ending now iff activity_at >= from.
 * - release_ledger_weekly_notes: leadership's note per UTC week.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('release_ledger_events', table => {
    table.string('release_id', 200).nullable().alter();
    table.string('incident_id', 100).nullable();
    table.index(['incident_id'], 'release_ledger_events_incident_idx');
  });

  await knex.schema.createTable('release_ledger_incidents', table => {
    table.comment('Incidents projected from their events, with attribution');
    table.string('incident_id', 100).primary();
    table.string('entity_ref', 400).nullable();
    table.string('severity', 10).nullable();
    table.text('title').nullable();
    table.string('started_at', 30).nullable();
    table.string('resolved_at', 30).nullable();
    table.string('explicit_release_id', 200).nullable();
    table.string('release_id', 200).nullable();
    table.string('attribution', 20).notNullable();
    table.index(
      ['entity_ref', 'started_at'],
      'release_ledger_incidents_entity_idx',
    );
    table.index(['release_id'], 'release_ledger_incidents_release_idx');
    table.index(
      ['attribution', 'started_at'],
      'release_ledger_incidents_attribution_idx',
    );
  });

  await knex.schema.createTable('release_ledger_footprints', table => {
    table.comment('Each release’s DORA footprint, kept current by ingest');
    table.string('release_id', 200).primary();
    table.string('entity_ref', 400).notNullable();
    table.string('owner_ref', 400).nullable();
    table.string('environment', 63).notNullable();
    table.boolean('is_deployment').notNullable();
    table.string('started_at', 30).nullable();
    table.string('promoted_at', 30).nullable();
    table.boolean('failed').notNullable();
    table.string('failure_causes', 50).nullable();
    table.string('first_failure_at', 30).nullable();
    table.string('restored_at', 30).nullable();
    table.bigInteger('restore_ms').nullable();
    table.text('lead_times_ms').nullable();
    table.string('activity_at', 30).notNullable();
    table.index(['activity_at'], 'release_ledger_footprints_activity_idx');
    table.index(
      ['entity_ref', 'activity_at'],
      'release_ledger_footprints_entity_idx',
    );
    table.index(
      ['owner_ref', 'activity_at'],
      'release_ledger_footprints_owner_idx',
    );
  });

  await knex.schema.createTable('release_ledger_weekly_notes', table => {
    table.comment('Leadership’s human note per UTC week');
    table.string('week', 10).primary();
    table.text('text').notNullable();
    table.string('author', 400).notNullable();
    table.string('updated_at', 30).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('release_ledger_weekly_notes');
  await knex.schema.dropTable('release_ledger_footprints');
  await knex.schema.dropTable('release_ledger_incidents');
  await knex('release_ledger_events').whereNull('release_id').delete();
  await knex.schema.alterTable('release_ledger_events', table => {
    table.dropIndex(['incident_id'], 'release_ledger_events_incident_idx');
    table.dropColumn('incident_id');
    table.string('release_id', 200).notNullable().alter();
  });
};
