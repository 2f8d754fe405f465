// @ts-check

/**
 * SLO gate evaluations and their evidence (src/gates/evaluation). An
 * evaluation keeps a snapshot of the gate definition and the query
 * variables it started with, so a config change never rewrites what was
 * measured; every measurement is one row, unique per check and slot, so two
 * backend instances can never record the same slot twice.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('release_ledger_gate_evaluations', table => {
    table.comment('SLO gate evaluations of releases, one row each');
    table.string('id', 64).primary();
    table.string('release_id', 255).notNullable();
    table.string('gate', 255).notNullable();
    // `<release_id> <gate>` while running, null once settled: at most one
    // running evaluation per release and gate (nulls never collide).
    table.string('active_key', 600).nullable().unique();
    // The gate definition as it was when the evaluation started, JSON.
    table.text('definition').notNullable();
    table.string('entity_ref', 400).notNullable();
    table.string('version', 255).nullable();
    table.string('environment', 255).notNullable();
    // The query template variables (incl. annotations) it started with, JSON.
    table.text('variables').notNullable();
    table.boolean('dry_run').notNullable();
    // running | passed | failed | inconclusive
    table.string('state', 16).notNullable();
    table.text('reason').nullable();
    table.string('started_at', 32).notNullable();
    // When the next measurement is due; null once settled.
    table.string('next_due_at', 32).nullable();
    // The instance measuring it, until when (claims; see EvaluationStore).
    table.string('lease_owner', 64).nullable();
    table.string('lease_until', 32).nullable();
    table.string('finished_at', 32).nullable();
    table.index(
      ['release_id', 'started_at'],
      'release_ledger_gate_eval_release_idx',
    );
    table.index(['state', 'next_due_at'], 'release_ledger_gate_eval_due_idx');
  });

  await knex.schema.createTable('release_ledger_gate_measurements', table => {
    table.comment('Every measurement of a gate evaluation: the evidence');
    table.bigIncrements('id').primary();
    table
      .string('evaluation_id', 64)
      .notNullable()
      .references('id')
      .inTable('release_ledger_gate_evaluations')
      .onDelete('CASCADE');
    table.string('check_name', 255).notNullable();
    // 1-based slot: measurement n is due n intervals after the start.
    table.integer('seq').notNullable();
    table.string('at', 32).notNullable();
    // The PromQL (or alert selector) exactly as sent.
    table.text('query').notNullable();
    table.double('value').nullable();
    // value | no-data | error: what the provider answered
    table.string('result_kind', 16).notNullable();
    // no-series | nan (no data); bad_query | execution | timeout | ... (errors)
    table.string('cause', 32).nullable();
    // pass | fail | no-data | error: how it counted for the check
    table.string('outcome', 16).notNullable();
    // The provider's own message for errors.
    table.text('error_message').nullable();
    table.integer('http_status').nullable();
    // Alert checks: the names of the firing alerts.
    table.text('detail').nullable();
    table.string('measured_at', 32).notNullable();
    table.unique(['evaluation_id', 'check_name', 'seq'], {
      indexName: 'release_ledger_gate_measurement_slot_uq',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('release_ledger_gate_measurements');
  await knex.schema.dropTable('release_ledger_gate_evaluations');
};
