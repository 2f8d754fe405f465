// @ts-check

/**
 * The Slack outbox: every message the ledger owes Slack is a row here,
 * written in the same transaction as the event that caused it, and drained
 * by the delivery worker (src/comms/delivery). Threads keep the parent
 * message's ts so a restart never loses a thread; lanes pace and serialise
 * delivery per channel across every backend instance.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('release_ledger_outbox', table => {
    table.comment(
      'Messages owed to Slack, one row each (transactional outbox)',
    );
    table.bigIncrements('id').primary();
    // What the row is for; a second enqueue of the same message is a no-op.
    table.string('dedupe_key', 400).notNullable().unique();
    // parent | reply | card | summary | post
    table.string('kind', 16).notNullable();
    table.string('release_id', 255).nullable();
    table.string('event_id', 255).nullable();
    // Null until routed (channel annotation → owner group → default).
    table.string('channel', 255).nullable();
    table.string('order_at', 32).notNullable();
    // pending | delivered | parked | not_delivered
    table.string('state', 16).notNullable();
    table.string('available_at', 32).notNullable();
    table.integer('attempts').notNullable().defaultTo(0);
    // Card rows are re-armed on every status change; delivered once caught up.
    table.integer('generation').notNullable().defaultTo(1);
    table.integer('delivered_generation').notNullable().defaultTo(0);
    // Set while an attempt may have reached Slack without us knowing.
    table.string('in_flight_since', 32).nullable();
    table.string('slack_ts', 64).nullable();
    table.text('last_error').nullable();
    // The message as sent (or as it would have been), Block Kit JSON.
    table.text('rendered').nullable();
    table.string('created_at', 32).notNullable();
    table.string('updated_at', 32).notNullable();
    table.string('delivered_at', 32).nullable();
    table.index(
      ['state', 'channel', 'order_at', 'id'],
      'release_ledger_outbox_lane_idx',
    );
    table.index(['release_id', 'id'], 'release_ledger_outbox_release_idx');
  });

  await knex.schema.createTable('release_ledger_slack_threads', table => {
    table.comment('One Slack thread per release: where it is and its parent');
    table.string('release_id', 255).primary();
    table.string('channel', 255).notNullable();
    table.string('channel_id', 64).nullable();
    table.string('parent_ts', 64).nullable();
    // Fingerprint of the card last shown, so unchanged cards are not re-sent.
    table.string('card_hash', 64).nullable();
    table.string('updated_at', 32).notNullable();
  });

  await knex.schema.createTable('release_ledger_slack_lanes', table => {
    table.comment(
      'Per-channel pacing and the lease of the worker sending to it',
    );
    table.string('channel', 255).primary();
    table.string('channel_id', 64).nullable();
    table.string('next_send_at', 32).notNullable();
    table.string('lease_owner', 64).nullable();
    table.string('lease_until', 32).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('release_ledger_slack_lanes');
  await knex.schema.dropTable('release_ledger_slack_threads');
  await knex.schema.dropTable('release_ledger_outbox');
};
