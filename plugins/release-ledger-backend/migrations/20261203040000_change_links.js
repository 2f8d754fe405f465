// @ts-check

/**
 * Merged changes linked to releases by commit (see src/ledger/changeLinks.ts),
 * and the other entities a release deploys.
 *
 * - release_ledger_release_commits: the mainline commits each release ships,
 *   from its release_started, per entity it deploys. The first release that
 *   lists a commit for an entity keeps it.
 * - release_ledger_unlinked_changes: pr_merged events sent without a release
 *   whose commit no release has listed yet; a row leaves when a release
 *   listing its commit links it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('release_ledger_release_commits', table => {
    table.comment('The commits of each release, per entity it deploys');
    table.string('entity_ref', 255).notNullable();
    // Lower-case, as sent (full ids as git log prints them).
    table.string('sha', 64).notNullable();
    table.string('release_id', 255).notNullable();
    table.primary(['entity_ref', 'sha']);
    table.index(['release_id'], 'release_ledger_release_commits_release_idx');
  });
  await knex.schema.createTable('release_ledger_release_components', table => {
    table.comment('The other entities each release deploys (its components)');
    table.string('release_id', 255).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.primary(['release_id', 'entity_ref']);
    table.index(['entity_ref'], 'release_ledger_release_components_entity_idx');
  });
  await knex.schema.createTable('release_ledger_unlinked_changes', table => {
    table.comment('Merged changes waiting for the release that ships them');
    table.string('event_id', 255).primary();
    table.string('entity_ref', 255).notNullable();
    // The merge commit, lower-case; may be abbreviated.
    table.string('commit', 64).notNullable();
    table.string('received_at', 32).notNullable();
    table.index(['entity_ref'], 'release_ledger_unlinked_changes_entity_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('release_ledger_unlinked_changes');
  await knex.schema.dropTable('release_ledger_release_components');
  await knex.schema.dropTable('release_ledger_release_commits');
};
