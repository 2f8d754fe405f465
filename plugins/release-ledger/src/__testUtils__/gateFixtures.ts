import type {
  GateCheckEvidence,
  GateEvaluation,
  GateMeasurementEvidence,
  GateReplay,
} from '../api';

const START_MS = Date.parse('2026-11-27T10:02:00.000Z');
const MINUTE_MS = 60_000;

/** The time of slot `seq`, one minute apart from the canary's start. */
export function slotAt(seq: number): string {
  return new Date(START_MS + seq * MINUTE_MS).toISOString();
}

/** The query as the backend sends it for the error-rate check. */
export const ERROR_RATE_QUERY =
  'sum(rate(http_requests_total{service="payments-api",version="1.42.0",code=~"5.."}[1m])) / sum(rate(http_requests_total{service="payments-api",version="1.42.0"}[1m]))';

/** A measured value; the outcome is given, as the backend classifies it. */
export function valueMeasurement(
  seq: number,
  value: number,
  outcome: 'pass' | 'fail',
  query = ERROR_RATE_QUERY,
): GateMeasurementEvidence {
  return {
    seq,
    at: slotAt(seq),
    query,
    result: { kind: 'value', value },
    valueText: String(value),
    outcome,
  };
}

export function noDataMeasurement(
  seq: number,
  cause: 'no-series' | 'nan' = 'no-series',
  query = ERROR_RATE_QUERY,
): GateMeasurementEvidence {
  return {
    seq,
    at: slotAt(seq),
    query,
    result: { kind: 'no-data', cause },
    outcome: 'no-data',
  };
}

export function errorMeasurement(
  seq: number,
  message: string,
  query = ERROR_RATE_QUERY,
): GateMeasurementEvidence {
  return {
    seq,
    at: slotAt(seq),
    query,
    result: { kind: 'error', errorType: 'bad_query', message, httpStatus: 400 },
    outcome: 'error',
  };
}

/** A query check with sensible defaults; override what a test cares about. */
export function makeCheck(
  overrides: Partial<GateCheckEvidence> = {},
): GateCheckEvidence {
  const measurements = overrides.measurements ?? [
    valueMeasurement(1, 0.002, 'pass'),
    valueMeasurement(2, 0.004, 'pass'),
  ];
  return {
    name: 'error-rate',
    kind: 'query',
    key: true,
    dryRun: false,
    condition: '< 0.01',
    query:
      'sum(rate(http_requests_total{service="{{entity}}",version="{{version}}",code=~"5.."}[{{interval}}])) / sum(rate(http_requests_total{service="{{entity}}",version="{{version}}"}[{{interval}}]))',
    interval: '1m',
    count: 5,
    failureLimit: 1,
    consecutiveSuccesses: 1,
    errorLimit: 2,
    noDataPolicy: 'inconclusive',
    state: 'running',
    reason: `${measurements.length} of 5 measurements taken`,
    taken: measurements.length,
    passes: measurements.filter(m => m.outcome === 'pass').length,
    failures: measurements.filter(m => m.outcome === 'fail').length,
    errors: measurements.filter(m => m.outcome === 'error').length,
    noData: measurements.filter(m => m.outcome === 'no-data').length,
    ...overrides,
    measurements,
  };
}

/** A gate evaluation with one passing check; override what a test cares about. */
export function makeEvaluation(
  overrides: Partial<GateEvaluation> = {},
): GateEvaluation {
  return {
    id: 'eval-1',
    releaseId: 'payments-api@1.42.0',
    entityRef: 'component:default/payments-api',
    version: '1.42.0',
    environment: 'production',
    gate: 'standard',
    provider: 'prometheus',
    state: 'passed',
    enforced: 'passed',
    dryRun: false,
    reason: 'all 1 key checks passed',
    startedAt: slotAt(0),
    finishedAt: slotAt(5),
    checks: [makeCheck({ state: 'passed', reason: '5 of 5 passed' })],
    ...overrides,
  };
}

/** A replay answer built from an evaluation's verdict. */
export function makeReplay(overrides: Partial<GateReplay> = {}): GateReplay {
  const {
    id: _id,
    entityRef: _e,
    version: _v,
    environment: _env,
    startedAt: _s,
    finishedAt: _f,
    nextDueAt: _n,
    ...verdict
  } = makeEvaluation();
  return {
    ...verdict,
    replay: true,
    complete: true,
    window: { start: slotAt(0), end: slotAt(10), ongoing: false },
    ...overrides,
  };
}
