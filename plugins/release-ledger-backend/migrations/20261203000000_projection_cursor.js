// @ts-check

/**
 * release_ledger_releases.projection_cursor: where a release's stored
 * projection continues from (see src/ledger/releaseProjection.ts), so ingest
 * applies a release's new events to it instead of reading all its events
 * again. Existing rows keep null: their next events re-project them from all
 * their events, which writes the cursor; nothing is back-filled here.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('release_ledger_releases', table => {
    table.text('projection_cursor').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('release_ledger_releases', table => {
    table.dropColumn('projection_cursor');
  });
};
