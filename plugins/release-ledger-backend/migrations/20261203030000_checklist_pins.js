// @ts-check

/**
 * Release checklists pinned at release start (see src/checklists): the
 * checklists projector asks for a pin in the drain's transaction when a
 * release starts; a worker reads the file (outside any transaction: it is a
 * call to the SCM host) and keeps what it read, so later edits to the file
 * do not rewrite the release's history.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('release_ledger_checklist_pins', table => {
    table.comment('The checklist of each release, as read when it started');
    table.string('release_id', 255).primary();
    table.string('entity_ref', 255).notNullable();
    // The release's commit, when release_started named it.
    table.string('commit', 64).nullable();
    // The commit the file was read at: the release's, where its link could
    // be pinned to it; none when the file was read as its location names it.
    table.string('read_commit', 64).nullable();
    // pending: to read; pinned: read and kept; unavailable: no usable file.
    table.string('state', 16).notNullable();
    table.text('source').nullable();
    table.string('content_sha256', 64).nullable();
    table.text('checklist').nullable();
    table.text('reason').nullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.string('available_at', 32).notNullable();
    table.string('lease_owner', 64).nullable();
    table.string('leased_until', 32).nullable();
    table.string('requested_at', 32).notNullable();
    table.string('pinned_at', 32).nullable();
    table.index(
      ['state', 'available_at'],
      'release_ledger_checklist_pins_due_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('release_ledger_checklist_pins');
};
