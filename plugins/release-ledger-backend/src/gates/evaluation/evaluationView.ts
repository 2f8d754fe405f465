import {
  checkMeasurements,
  CheckState,
  CheckVerdict,
  classifyMeasurement,
  evaluateGate,
  formatCondition,
  formatGateValue,
  GateCheckDefinition,
  GateDefinition,
  GateMeasurement,
  GateVerdict,
  MeasurementOutcome,
} from '@release-ledger/plugin-release-ledger-common';

/**
 * One measurement as the API shows it: the common package's
 * `GateMeasurement` (the query as sent, the time measured, the provider's
 * answer with its own error message), its slot and how it counted.
 */
export type MeasurementView = GateMeasurement & {
  /** 1-based slot: measurement n is due n intervals after the start. */
  seq: number;
  outcome: MeasurementOutcome;
  /** The value as people read it; the only way JSON shows `+Inf`. */
  valueText?: string;
};

/** A check with its settings, its verdict and every measurement. */
export type CheckView = Omit<CheckVerdict, 'name' | 'key' | 'dryRun'> & {
  name: string;
  kind: 'query' | 'alert';
  key: boolean;
  dryRun: boolean;
  /** Query checks: the condition, e.g. `< 0.01`. */
  condition?: string;
  /** Query checks: the query template (each measurement has it as sent). */
  query?: string;
  /** Alert checks: the label matchers as configured. */
  labels?: Record<string, string>;
  interval: string;
  failureLimit: number;
  consecutiveSuccesses: number;
  errorLimit: number;
  noDataPolicy: string;
  measurements: MeasurementView[];
};

/** A gate's verdict over a set of measurements, as the API shows it. */
export type VerdictView = {
  gate: string;
  provider: string;
  state: CheckState;
  /** What a pipeline acts on; a dry-run gate is always `passed` here. */
  enforced: CheckState;
  dryRun: boolean;
  reason: string;
  checks: CheckView[];
};

/** Measurements of a check as the verdict logic and the view read them. */
export type SlotMeasurement = GateMeasurement & { seq: number };

function measurementView(
  check: GateCheckDefinition,
  m: SlotMeasurement,
): MeasurementView {
  return {
    seq: m.seq,
    at: m.at,
    query: m.query,
    result: m.result,
    ...(m.result.kind === 'value'
      ? { valueText: formatGateValue(m.result.value) }
      : {}),
    ...(m.detail ? { detail: m.detail } : {}),
    outcome: classifyMeasurement(check, m),
  };
}

/**
 * The gate's verdict with every check's settings and evidence. The verdict
 * is recomputed from the measurements with the same pure logic that
 * decided it, so the evidence and the verdict can never disagree.
 */
export function verdictView(
  definition: GateDefinition,
  measurements: Readonly<Record<string, readonly SlotMeasurement[]>>,
  verdict: GateVerdict = evaluateGate(definition, measurements),
): VerdictView {
  return {
    gate: definition.name,
    provider: definition.provider,
    state: verdict.state,
    enforced: verdict.enforced,
    dryRun: definition.dryRun,
    reason: verdict.reason,
    checks: definition.checks.map((check, i) => {
      const { name: _n, key: _k, dryRun: _d, ...counts } = verdict.checks[i];
      return {
        name: check.name,
        kind: check.kind,
        key: check.key,
        dryRun: check.dryRun || definition.dryRun,
        ...(check.kind === 'query'
          ? {
              condition: formatCondition(check.condition),
              query: check.query,
            }
          : { labels: check.labels }),
        interval: check.interval,
        failureLimit: check.failureLimit,
        consecutiveSuccesses: check.consecutiveSuccesses,
        errorLimit: check.errorLimit,
        noDataPolicy: check.noData,
        ...counts,
        measurements: [...checkMeasurements(measurements, check.name)]
          .sort((a, b) => a.seq - b.seq)
          .map(m => measurementView(check, m)),
      };
    }),
  };
}
