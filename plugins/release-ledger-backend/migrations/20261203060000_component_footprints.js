// @ts-check

/**
 * The DORA footprints of the other entities a release deploys (its
 * `components`; see src/metrics/componentFootprints.ts).
 *
 * - release_ledger_component_footprints: one row per release and
 *   component: the release's footprint with the component's owner and
 *   System when the release started, read by the component's, its owner's
 *   and the org's metrics. `packed` leads with the release's id, owner and
 *   system key, so a read that also counts the release's own row, or
 *   another of its components, counts the release once.
 * - release_ledger_component_backfill: the releases recorded with
 *   components before this migration. A migration cannot ask the catalog
 *   for the components' owners, so the plugin looks them up once, shortly
 *   after startup, with its own credentials (src/metrics/componentBackfill.ts)
 *   and empties the table.
 *
 * Indexes as release_ledger_footprints has them: by entity and by owner
 * with the activity time, and the activity time alone (on SQLite with
 * `packed`, so the org read is a range of that index).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  const sqlite = isSqlite(knex);
  await knex.schema.createTable(
    'release_ledger_component_footprints',
    table => {
      table.comment(
        'The DORA footprint of each release as the other entities it deploys see it',
      );
      table.string('release_id', 200).notNullable();
      table.string('entity_ref', 400).notNullable();
      table.string('owner_ref', 400).nullable();
      table.string('system_ref', 400).nullable();
      table.string('activity_at', 30).notNullable();
      table.text('packed').notNullable();
      table.primary(['release_id', 'entity_ref']);
      table.index(
        ['entity_ref', 'activity_at'],
        'release_ledger_component_footprints_entity_idx',
      );
      table.index(
        ['owner_ref', 'activity_at'],
        'release_ledger_component_footprints_owner_idx',
      );
      table.index(
        sqlite ? ['activity_at', 'packed'] : ['activity_at'],
        'release_ledger_component_footprints_activity_idx',
      );
    },
  );
  await knex.schema.createTable('release_ledger_component_backfill', table => {
    table.comment(
      'Releases recorded with components before their footprints were',
    );
    table.string('release_id', 200).primary();
  });
  await knex.raw(
    `INSERT INTO release_ledger_component_backfill (release_id)
     SELECT DISTINCT release_id FROM release_ledger_release_components`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('release_ledger_component_backfill');
  await knex.schema.dropTable('release_ledger_component_footprints');
};

/** @param {import('knex').Knex} knex */
function isSqlite(knex) {
  return ['sqlite3', 'better-sqlite3'].includes(
    String(knex.client.config.client),
  );
}
