import {
  checkMeasurements,
  CheckState,
  formatCondition,
  GateDefinition,
  GateMeasurement,
  GateVerdict,
  ReleaseEventAttributes,
} from '@release-ledger/plugin-release-ledger-common';
import type { AcceptedReleaseEvent } from '../../ledger/ReleaseLedgerStore';

/** The longest reason an event may carry (the event contract's limit). */
const MAX_REASON = 2000;

/** What the events of a settled evaluation are about. */
export type SettledEvaluation = {
  id: string;
  releaseId: string;
  entityRef: string;
  environment: string;
  version?: string;
  definition: GateDefinition;
  verdict: GateVerdict;
  measurements: Readonly<Record<string, readonly GateMeasurement[]>>;
  /** When it settled: the time of its deciding measurement. */
  settledAt: string;
};

/** One check in a verdict event, as the Slack reply shows it. */
export type MeasurementSummary = {
  check: string;
  /** The last value measured, absent when it was no data or an error. */
  value?: number;
  condition: string;
  result: string;
};

const VERDICT: Record<
  Exclude<CheckState, 'running'>,
  ReleaseEventAttributes['gate_evaluated']['verdict']
> = {
  passed: 'pass',
  failed: 'fail',
  inconclusive: 'inconclusive',
};

/** The id of an evaluation's event of a type: a retry can never emit it twice. */
export function gateEventId(evaluationId: string, type: string): string {
  return `gate:${evaluationId}:${type}`;
}

function truncate(text: string): string {
  return text.length <= MAX_REASON ? text : `${text.slice(0, MAX_REASON - 1)}…`;
}

/** Per check: its last value, its condition and how it ended. */
export function summariseChecks(
  definition: GateDefinition,
  verdict: GateVerdict,
  measurements: Readonly<Record<string, readonly GateMeasurement[]>>,
): MeasurementSummary[] {
  return definition.checks.map((check, i) => {
    const taken = [...checkMeasurements(measurements, check.name)].sort(
      (a, b) => Date.parse(a.at) - Date.parse(b.at),
    );
    const last = taken[Math.min(taken.length, check.count) - 1];
    const state = verdict.checks[i].state;
    const marks = [
      ...(check.dryRun && !definition.dryRun ? ['dry run'] : []),
      ...(check.key ? [] : ['not key']),
    ];
    return {
      check: check.name,
      ...(last?.result.kind === 'value' && Number.isFinite(last.result.value)
        ? { value: last.result.value }
        : {}),
      condition:
        check.kind === 'query'
          ? formatCondition(check.condition)
          : 'no release_gate alert firing',
      result: `${state}${marks.length ? ` (${marks.join(', ')})` : ''}`,
    };
  });
}

/**
 * The ledger events of a settled evaluation:
 * - `gate_evaluated` always, with the verdict, its reason and every check;
 * - `gate_failed` when the gate failed and is enforced (not dry-run);
 * - `canary_passed` when every key check passed on an enforced gate (a
 *   dry-run gate is not trusted to pass a canary).
 * Their ids derive from the evaluation, so emitting again is a duplicate.
 */
export function gateEvents(settled: SettledEvaluation): AcceptedReleaseEvent[] {
  const { verdict, definition } = settled;
  if (verdict.state === 'running') return [];
  const base = {
    releaseId: settled.releaseId,
    entityRef: settled.entityRef,
    releaseEntityRef: settled.entityRef,
    timestamp: settled.settledAt,
    environment: settled.environment,
    ...(settled.version !== undefined ? { version: settled.version } : {}),
  };
  const reason = truncate(verdict.reason);
  const measurements = summariseChecks(
    definition,
    verdict,
    settled.measurements,
  );
  const events: AcceptedReleaseEvent[] = [
    {
      ...base,
      eventId: gateEventId(settled.id, 'gate_evaluated'),
      type: 'gate_evaluated',
      attributes: {
        gate: definition.name,
        verdict: VERDICT[verdict.state],
        reason,
        dryRun: definition.dryRun,
        evaluationId: settled.id,
        measurements,
      },
    },
  ];
  if (verdict.enforced === 'failed') {
    events.push({
      ...base,
      eventId: gateEventId(settled.id, 'gate_failed'),
      type: 'gate_failed',
      attributes: {
        gate: definition.name,
        reason,
        evaluationId: settled.id,
        measurements,
      },
    });
  }
  if (verdict.state === 'passed' && !definition.dryRun) {
    events.push({
      ...base,
      eventId: gateEventId(settled.id, 'canary_passed'),
      type: 'canary_passed',
      attributes: { gate: definition.name, evaluationId: settled.id },
    });
  }
  return events;
}
