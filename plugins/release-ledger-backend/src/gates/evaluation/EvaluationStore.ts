import {
  CheckState,
  GateDefinition,
  GateErrorType,
  GateMeasurement,
  MeasurementOutcome,
  QueryVariables,
} from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
import { RELEASES } from '../../database/tables';

export const EVALUATIONS_TABLE = 'release_ledger_gate_evaluations';
/** A release in these has left its canary; its gates have nothing to judge. */
const RELEASE_STATUSES_PAST_CANARY = ['promoted', 'rolled_back', 'finished'];
export const MEASUREMENTS_TABLE = 'release_ledger_gate_measurements';

/** An evaluation as stored: what it measures, with what, and where it stands. */
export type StoredEvaluation = {
  id: string;
  releaseId: string;
  gate: string;
  /** The definition as it was at the start; config changes do not alter it. */
  definition: GateDefinition;
  entityRef: string;
  version?: string;
  environment: string;
  variables: QueryVariables;
  dryRun: boolean;
  state: CheckState;
  reason?: string;
  startedAt: string;
  nextDueAt?: string;
  finishedAt?: string;
};

/** One stored measurement: the evidence, and how it counted. */
export type StoredMeasurement = GateMeasurement & {
  check: string;
  seq: number;
  outcome: MeasurementOutcome;
  /** Wall-clock time it was taken (`at` is the time it measures). */
  measuredAt: string;
};

type EvaluationRow = {
  id: string;
  release_id: string;
  gate: string;
  active_key: string | null;
  definition: string;
  entity_ref: string;
  version: string | null;
  environment: string;
  variables: string;
  dry_run: boolean | number;
  state: string;
  reason: string | null;
  started_at: string;
  next_due_at: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  finished_at: string | null;
};

type MeasurementRow = {
  evaluation_id: string;
  check_name: string;
  seq: number;
  at: string;
  query: string;
  value: number | null;
  result_kind: string;
  cause: string | null;
  outcome: string;
  error_message: string | null;
  http_status: number | null;
  detail: string | null;
  measured_at: string;
};

/** At most one running evaluation per release and gate (null once settled). */
function activeKey(releaseId: string, gate: string): string {
  return JSON.stringify([releaseId, gate]);
}

function fromRow(row: EvaluationRow): StoredEvaluation {
  return {
    id: row.id,
    releaseId: row.release_id,
    gate: row.gate,
    definition: JSON.parse(row.definition),
    entityRef: row.entity_ref,
    ...(row.version !== null ? { version: row.version } : {}),
    environment: row.environment,
    variables: JSON.parse(row.variables),
    dryRun: Boolean(row.dry_run),
    state: row.state as CheckState,
    ...(row.reason !== null ? { reason: row.reason } : {}),
    startedAt: row.started_at,
    ...(row.next_due_at !== null ? { nextDueAt: row.next_due_at } : {}),
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
  };
}

/** Why there is no number: the error type, the no-data cause, or an infinity by name. */
function causeOf(r: GateMeasurement['result']): string | null {
  if (r.kind === 'error') return r.errorType;
  if (r.kind === 'no-data') return r.cause ?? null;
  return Number.isFinite(r.value) ? null : String(r.value);
}

function toMeasurementRow(
  evaluationId: string,
  m: StoredMeasurement,
): MeasurementRow {
  const r = m.result;
  return {
    evaluation_id: evaluationId,
    check_name: m.check,
    seq: m.seq,
    at: m.at,
    query: m.query,
    // NaN is no data to the verdict, and cannot be stored as a number.
    value: r.kind === 'value' && Number.isFinite(r.value) ? r.value : null,
    result_kind: r.kind,
    cause: causeOf(r),
    outcome: m.outcome,
    error_message: r.kind === 'error' ? r.message : null,
    http_status: r.kind === 'error' ? r.httpStatus ?? null : null,
    detail: m.detail ?? null,
    measured_at: m.measuredAt,
  };
}

function fromMeasurementRow(row: MeasurementRow): StoredMeasurement {
  let result: GateMeasurement['result'];
  if (row.result_kind === 'error') {
    result = {
      kind: 'error',
      errorType: (row.cause ?? 'http') as GateErrorType,
      message: row.error_message ?? '',
      ...(row.http_status !== null ? { httpStatus: row.http_status } : {}),
    };
  } else if (row.result_kind === 'no-data') {
    result = {
      kind: 'no-data',
      ...(row.cause ? { cause: row.cause as 'no-series' | 'nan' } : {}),
    };
  } else {
    // Infinities are kept by name (see toMeasurementRow).
    const value = row.value ?? (row.cause ? Number(row.cause) : Number.NaN);
    result = { kind: 'value', value };
  }
  return {
    check: row.check_name,
    seq: row.seq,
    at: row.at,
    query: row.query,
    result,
    ...(row.detail !== null ? { detail: row.detail } : {}),
    outcome: row.outcome as MeasurementOutcome,
    measuredAt: row.measured_at,
  };
}

/**
 * Gate evaluations and their measurements. Evaluations are claimed with a
 * lease so that one instance at a time measures each; on PostgreSQL
 * `FOR UPDATE SKIP LOCKED` lets instances claim side by side, and the
 * unique slot index keeps a measurement from ever being recorded twice.
 */
export class EvaluationStore {
  constructor(private readonly db: Knex) {}

  private get isPostgres(): boolean {
    return this.db.client.config.client === 'pg';
  }

  /**
   * Stores a new running evaluation, unless one is already running for the
   * release and gate: then that one is answered (`created: false`).
   */
  async start(
    evaluation: Omit<StoredEvaluation, 'state' | 'finishedAt' | 'reason'>,
  ): Promise<{ evaluation: StoredEvaluation; created: boolean }> {
    const key = activeKey(evaluation.releaseId, evaluation.gate);
    const inserted = await this.db<EvaluationRow>(EVALUATIONS_TABLE)
      .insert({
        id: evaluation.id,
        release_id: evaluation.releaseId,
        gate: evaluation.gate,
        active_key: key,
        definition: JSON.stringify(evaluation.definition),
        entity_ref: evaluation.entityRef,
        version: evaluation.version ?? null,
        environment: evaluation.environment,
        variables: JSON.stringify(evaluation.variables),
        dry_run: evaluation.dryRun,
        state: 'running',
        started_at: evaluation.startedAt,
        next_due_at: evaluation.nextDueAt ?? null,
      })
      .onConflict('active_key')
      .ignore()
      .returning('id');
    const row = await this.db<EvaluationRow>(EVALUATIONS_TABLE)
      .where('active_key', key)
      .first();
    if (!row) {
      // Settled between our insert attempt and the read: start again.
      return this.start(evaluation);
    }
    return {
      evaluation: fromRow(row),
      created: inserted.length > 0 && row.id === evaluation.id,
    };
  }

  async get(id: string): Promise<StoredEvaluation | undefined> {
    const row = await this.db<EvaluationRow>(EVALUATIONS_TABLE)
      .where('id', id)
      .first();
    return row ? fromRow(row) : undefined;
  }

  /** The latest evaluation of each gate of a release, by gate name. */
  async latestForRelease(releaseId: string): Promise<StoredEvaluation[]> {
    const rows = await this.db<EvaluationRow>(EVALUATIONS_TABLE)
      .where('release_id', releaseId)
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    const seen = new Set<string>();
    return rows
      .filter(row => !seen.has(row.gate) && seen.add(row.gate))
      .map(fromRow)
      .sort((a, b) => a.gate.localeCompare(b.gate));
  }

  /** Measurements of an evaluation in slot order, per check. */
  async measurements(
    evaluationId: string,
  ): Promise<Record<string, StoredMeasurement[]>> {
    const rows = await this.db<MeasurementRow>(MEASUREMENTS_TABLE)
      .where('evaluation_id', evaluationId)
      .orderBy([{ column: 'check_name' }, { column: 'seq' }]);
    const byCheck: Record<string, StoredMeasurement[]> = {};
    for (const row of rows) {
      // Own keys only: a check may be named `constructor`.
      if (!Object.hasOwn(byCheck, row.check_name)) byCheck[row.check_name] = [];
      byCheck[row.check_name].push(fromMeasurementRow(row));
    }
    return byCheck;
  }

  /**
   * Leases up to `max` running evaluations that no live lease holds and
   * that have a measurement due — or whose release has left its canary
   * (promoted, rolled back, finished), so they stop within one poll.
   */
  async claimDue(
    owner: string,
    max: number,
    now: string,
    leaseUntil: string,
  ): Promise<string[]> {
    const movedOn = this.db(RELEASES.table)
      .select('release_id')
      .whereIn('status', RELEASE_STATUSES_PAST_CANARY);
    const claimable = (q: Knex.QueryBuilder) =>
      q
        .where('state', 'running')
        .where(w =>
          w.where('next_due_at', '<=', now).orWhereIn('release_id', movedOn),
        )
        .where(w =>
          w.whereNull('lease_until').orWhere('lease_until', '<', now),
        );
    return this.db.transaction(async tx => {
      const candidates = tx(EVALUATIONS_TABLE)
        .select('id')
        .modify(claimable)
        .orderBy('next_due_at')
        .limit(max);
      if (this.isPostgres) candidates.forUpdate().skipLocked();
      const ids = (await candidates).map((r: { id: string }) => r.id);
      if (ids.length === 0) return [];
      await tx(EVALUATIONS_TABLE)
        .whereIn('id', ids)
        .modify(claimable)
        .update({ lease_owner: owner, lease_until: leaseUntil });
      const leased = await tx(EVALUATIONS_TABLE)
        .whereIn('id', ids)
        .where({ lease_owner: owner, lease_until: leaseUntil })
        .select('id');
      return leased.map((r: { id: string }) => r.id);
    });
  }

  /** Extends a lease this owner still holds; false when it was lost. */
  async renewLease(
    id: string,
    owner: string,
    now: string,
    leaseUntil: string,
  ): Promise<boolean> {
    const updated = await this.db(EVALUATIONS_TABLE)
      .where({ id, lease_owner: owner, state: 'running' })
      .where('lease_until', '>=', now)
      .update({ lease_until: leaseUntil });
    return updated > 0;
  }

  /**
   * Records a measurement; false when its slot was already recorded (it
   * then stays as first recorded).
   */
  async recordMeasurement(
    evaluationId: string,
    measurement: StoredMeasurement,
  ): Promise<boolean> {
    const inserted = await this.db(MEASUREMENTS_TABLE)
      .insert(toMeasurementRow(evaluationId, measurement))
      .onConflict(['evaluation_id', 'check_name', 'seq'])
      .ignore()
      .returning('id');
    return inserted.length > 0;
  }

  /**
   * Hands a still-running evaluation back until its next measurement is
   * due, with the gate's verdict so far as its reason.
   */
  async release(
    id: string,
    owner: string,
    nextDueAt: string,
    reason: string,
  ): Promise<void> {
    await this.db(EVALUATIONS_TABLE)
      .where({ id, lease_owner: owner, state: 'running' })
      .update({
        next_due_at: nextDueAt,
        reason,
        lease_owner: null,
        lease_until: null,
      });
  }

  /** Settles an evaluation; from then on the release and gate may start again. */
  async finish(
    id: string,
    state: Exclude<CheckState, 'running'>,
    reason: string,
    finishedAt: string,
  ): Promise<void> {
    await this.db(EVALUATIONS_TABLE).where({ id, state: 'running' }).update({
      state,
      reason,
      finished_at: finishedAt,
      active_key: null,
      next_due_at: null,
      lease_owner: null,
      lease_until: null,
    });
  }
}
