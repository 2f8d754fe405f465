// @ts-check

/**
 * Leases on the projection queue's subjects: a drain claims subjects in a
 * short transaction of its own (lease_owner, leased_until) and projects them
 * in another, so appends never wait for a drain's projection work. An append
 * that touches a claimed subject clears its lease (its events are then seen
 * by the next drain); a crashed drain's lease runs out.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('release_ledger_projection_queue', table => {
    table.string('lease_owner', 64).nullable();
    table.string('leased_until', 32).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('release_ledger_projection_queue', table => {
    table.dropColumn('lease_owner');
    table.dropColumn('leased_until');
  });
};
