// @ts-check

/**
 * The deferred projections' queue (see src/ledger/projectionQueue.ts): the
 * append writes one row per subject it touched (a release, or an incident
 * sent without a release) in the same transaction as the events, with the
 * ids of the events still to project beside it; every instance drains it.
 * A subject that many requests touched before a drain is one row, so its
 * work is done once.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('release_ledger_projection_queue', table => {
    table.comment('Subjects whose deferred projections are behind the log');
    // release:<releaseId> or incident:<incidentId>
    table.string('subject', 300).primary();
    table.string('release_id', 255).nullable();
    table.string('incident_id', 255).nullable();
    // Drains of one entity are serialised (incident attribution spans releases).
    table.string('entity_ref', 255).nullable();
    // Where the release stood when its projectors last ran (before the first
    // pending event): what a status change or a moved promotion is measured from.
    table.string('previous_status', 32).nullable();
    table.string('previous_promoted_at', 32).nullable();
    // The first pending event's commit time: the queue's lag.
    table.string('enqueued_at', 32).notNullable();
    table.string('touched_at', 32).notNullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.string('retry_at', 32).nullable();
    table.text('last_error').nullable();
    table.index(
      ['retry_at', 'enqueued_at'],
      'release_ledger_projection_queue_due_idx',
    );
  });
  await knex.schema.createTable(
    'release_ledger_projection_queue_events',
    table => {
      table.comment(
        'Events not yet seen by the deferred projectors, by subject',
      );
      // An event belongs to one subject.
      table.string('event_id', 255).primary();
      table.string('subject', 300).notNullable();
      table.index(
        ['subject'],
        'release_ledger_projection_queue_events_subject_idx',
      );
    },
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('release_ledger_projection_queue_events');
  await knex.schema.dropTable('release_ledger_projection_queue');
};
