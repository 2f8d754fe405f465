import {
  checkMeasurements,
  GateMeasurementEvidence,
  GateVerdictEvidence,
  classifyMeasurement,
  evaluateGate,
  formatCondition,
  formatGateValue,
  GateCheckDefinition,
  GateDefinition,
  GateMeasurement,
  GateVerdict,
} from '@release-ledger/plugin-release-ledger-common';

/** Measurements of a check as the verdict logic and the view read them. */
export type SlotMeasurement = GateMeasurement & { seq: number };

function measurementView(
  check: GateCheckDefinition,
  m: SlotMeasurement,
): GateMeasurementEvidence {
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
): GateVerdictEvidence {
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
