import {
  AlertCheckDefinition,
  GateDefinition,
  QueryCheckDefinition,
} from './definitions';
import fc from 'fast-check';
import {
  classifyMeasurement,
  evaluateCheck,
  evaluateGate,
  GateMeasurement,
  GateTally,
} from './verdicts';

function queryCheck(
  overrides: Partial<QueryCheckDefinition> = {},
): QueryCheckDefinition {
  return {
    name: 'error-rate',
    kind: 'query',
    query: 'q',
    condition: { op: '<', value: 0.01 },
    noData: 'inconclusive',
    interval: '1m',
    intervalMs: 60_000,
    count: 5,
    failureLimit: 0,
    consecutiveSuccesses: 1,
    errorLimit: 2,
    key: true,
    dryRun: false,
    ...overrides,
  };
}

const alertCheck: AlertCheckDefinition = {
  ...queryCheck({ name: 'gate-alerts' }),
  kind: 'alert',
  labels: { service: '{{entity}}' },
  noData: 'pass',
};

/**
 * Measurements one minute apart from 12:00 UTC: `p` passes (0.002), `f`
 * fails (0.034), `n` has no data, `x` is NaN, `e` is a Prometheus error.
 */
function series(pattern: string): GateMeasurement[] {
  return [...pattern].map((token, minute) => {
    const at = new Date(Date.UTC(2026, 10, 27, 12, minute)).toISOString();
    const result = {
      p: { kind: 'value', value: 0.002 },
      f: { kind: 'value', value: 0.034 },
      n: { kind: 'no-data', cause: 'no-series' },
      x: { kind: 'value', value: NaN },
      e: {
        kind: 'error',
        errorType: 'execution',
        message: 'query timed out in expression evaluation',
        httpStatus: 503,
      },
    }[token] as GateMeasurement['result'];
    return { at, query: 'q', result };
  });
}

describe('classifyMeasurement', () => {
  const [pass, fail, noData, nan, error] = series('pfnxe');
  it.each`
    measurement | noData            | outcome
    ${pass}     | ${'inconclusive'} | ${'pass'}
    ${fail}     | ${'inconclusive'} | ${'fail'}
    ${noData}   | ${'inconclusive'} | ${'no-data'}
    ${noData}   | ${'fail'}         | ${'fail'}
    ${noData}   | ${'pass'}         | ${'pass'}
    ${nan}      | ${'inconclusive'} | ${'no-data'}
    ${nan}      | ${'fail'}         | ${'fail'}
    ${nan}      | ${'pass'}         | ${'pass'}
    ${error}    | ${'pass'}         | ${'error'}
  `(
    '$measurement.result.kind $measurement.result.value with noData $noData: $outcome',
    ({ measurement, noData: policy, outcome }) => {
      expect(
        classifyMeasurement(queryCheck({ noData: policy }), measurement),
      ).toBe(outcome);
    },
  );

  it.each`
    firing | outcome
    ${0}   | ${'pass'}
    ${1}   | ${'fail'}
    ${3}   | ${'fail'}
  `(
    'an alert check with $firing firing alerts: $outcome',
    ({ firing, outcome }) => {
      expect(
        classifyMeasurement(alertCheck, {
          at: '2026-11-27T12:00:00Z',
          query: 'ALERTS',
          result: { kind: 'value', value: firing },
        }),
      ).toBe(outcome);
    },
  );
});

describe('evaluateCheck', () => {
  it.each`
    case                                          | pattern     | overrides                                                 | state             | reason
    ${'nothing measured yet'}                     | ${''}       | ${{}}                                                     | ${'running'}      | ${'0 of 5 measurements taken'}
    ${'fewer than count'}                         | ${'ppf'}    | ${{ failureLimit: 1 }}                                    | ${'running'}      | ${'3 of 5 measurements taken; 1 failed (limit 1)'}
    ${'running with errors and gaps'}             | ${'pen'}    | ${{}}                                                     | ${'running'}      | ${'3 of 5 measurements taken; 1 errored (limit 2), 1 without data'}
    ${'all passed'}                               | ${'ppppp'}  | ${{}}                                                     | ${'passed'}       | ${'5 of 5 measurements passed'}
    ${'failures within the limit'}                | ${'pfppp'}  | ${{ failureLimit: 1 }}                                    | ${'passed'}       | ${'4 of 5 measurements passed; 1 failed (limit 1)'}
    ${'one failure over the limit, early'}        | ${'f'}      | ${{}}                                                     | ${'failed'}       | ${'1 of 1 measurements failed (limit 0): 0.034 > 0.01 at 12:00 UTC'}
    ${'failures over the limit'}                  | ${'pfpf'}   | ${{ failureLimit: 1 }}                                    | ${'failed'}       | ${'2 of 4 measurements failed (limit 1): 0.034 > 0.01 at 12:01 UTC, 0.034 > 0.01 at 12:03 UTC'}
    ${'many failures, three shown'}               | ${'fffff'}  | ${{ failureLimit: 1 }}                                    | ${'failed'}       | ${'5 of 5 measurements failed (limit 1): 0.034 > 0.01 at 12:00 UTC, 0.034 > 0.01 at 12:01 UTC, 0.034 > 0.01 at 12:02 UTC and 2 more'}
    ${'flapping: ends with a failure'}            | ${'ppppf'}  | ${{ failureLimit: 1 }}                                    | ${'failed'}       | ${'needs the last 1 measurement(s) to pass in a row, got 0: 0.034 > 0.01 at 12:04 UTC; 1 failed (limit 1)'}
    ${'flapping: not enough passes in a row'}     | ${'ppfpfp'} | ${{ count: 6, failureLimit: 2, consecutiveSuccesses: 2 }} | ${'failed'}       | ${'needs the last 2 measurement(s) to pass in a row, got 1: 0.034 > 0.01 at 12:04 UTC; 2 failed (limit 2)'}
    ${'enough passes in a row after a failure'}   | ${'pfppp'}  | ${{ failureLimit: 1, consecutiveSuccesses: 3 }}           | ${'passed'}       | ${'4 of 5 measurements passed; 1 failed (limit 1); the last 3 passed in a row'}
    ${'errors within the limit'}                  | ${'pepep'}  | ${{}}                                                     | ${'passed'}       | ${'3 of 5 measurements passed; 2 errored (limit 2)'}
    ${'errors do not break the run'}              | ${'ppepe'}  | ${{ consecutiveSuccesses: 3 }}                            | ${'passed'}       | ${'3 of 5 measurements passed; 2 errored (limit 2); the last 3 passed in a row'}
    ${'errors over the limit'}                    | ${'peee'}   | ${{}}                                                     | ${'inconclusive'} | ${'3 of 4 measurements errored (limit 2): query timed out in expression evaluation at 12:01 UTC, query timed out in expression evaluation at 12:02 UTC, query timed out in expression evaluation at 12:03 UTC'}
    ${'errors over a zero limit'}                 | ${'e'}      | ${{ errorLimit: 0 }}                                      | ${'inconclusive'} | ${'1 of 1 measurements errored (limit 0)'}
    ${'only errors, within the limit'}            | ${'ee'}     | ${{ count: 2 }}                                           | ${'inconclusive'} | ${'needs the last 1 measurement(s) to pass in a row, got 0: 2 of 2 measurements errored, last: query timed out in expression evaluation at 12:01 UTC'}
    ${'failures checked before errors'}           | ${'feee'}   | ${{}}                                                     | ${'failed'}       | ${'1 of 4 measurements failed (limit 0)'}
    ${'no data, policy fail'}                     | ${'ppnpp'}  | ${{ noData: 'fail' }}                                     | ${'failed'}       | ${'1 of 5 measurements failed (limit 0): no data at 12:02 UTC (noData: fail)'}
    ${'NaN, policy fail'}                         | ${'x'}      | ${{ noData: 'fail' }}                                     | ${'failed'}       | ${'no data at 12:00 UTC (noData: fail)'}
    ${'no data, policy pass'}                     | ${'nnnnn'}  | ${{ noData: 'pass' }}                                     | ${'passed'}       | ${'5 of 5 measurements passed'}
    ${'no data, policy inconclusive, at the end'} | ${'ppppn'}  | ${{}}                                                     | ${'inconclusive'} | ${'needs the last 1 measurement(s) to pass in a row, got 0: no data at 12:04 UTC (noData: inconclusive); no data in 1 of 5 measurements'}
    ${'no traffic at all (NaN), inconclusive'}    | ${'xxxxx'}  | ${{}}                                                     | ${'inconclusive'} | ${'no data in 5 of 5 measurements'}
    ${'no data breaks the run of passes'}         | ${'pnppp'}  | ${{ consecutiveSuccesses: 4 }}                            | ${'inconclusive'} | ${'needs the last 4 measurement(s) to pass in a row, got 3: no data at 12:01 UTC'}
    ${'no data earlier, enough passes after'}     | ${'npppp'}  | ${{ consecutiveSuccesses: 4 }}                            | ${'passed'}       | ${'4 of 5 measurements passed; 1 without data; the last 4 passed in a row'}
    ${'measurements beyond count are ignored'}    | ${'pppppf'} | ${{}}                                                     | ${'passed'}       | ${'5 of 5 measurements passed'}
  `('$case: $state', ({ pattern, overrides, state, reason }) => {
    const verdict = evaluateCheck(queryCheck(overrides), series(pattern));
    expect(verdict.state).toBe(state);
    expect(verdict.reason).toContain(reason);
  });

  it('orders measurements by time, whatever order they arrive in', () => {
    const inOrder = series('ppppf');
    const shuffled = [
      inOrder[4],
      inOrder[0],
      inOrder[2],
      inOrder[1],
      inOrder[3],
    ];
    expect(evaluateCheck(queryCheck({ failureLimit: 1 }), shuffled)).toEqual(
      evaluateCheck(queryCheck({ failureLimit: 1 }), inOrder),
    );
    expect(evaluateCheck(queryCheck({ failureLimit: 1 }), shuffled).state).toBe(
      'failed',
    );
  });

  it('counts each kind of outcome', () => {
    expect(
      evaluateCheck(
        queryCheck({ count: 6, failureLimit: 1 }),
        series('pfnepp'),
      ),
    ).toEqual({
      name: 'error-rate',
      key: true,
      dryRun: false,
      state: 'passed',
      reason: expect.any(String),
      taken: 6,
      count: 6,
      passes: 3,
      failures: 1,
      errors: 1,
      noData: 1,
    });
  });

  it('describes firing alerts with their names', () => {
    const verdict = evaluateCheck(alertCheck, [
      {
        at: '2026-11-27T12:03:30Z',
        query:
          'ALERTS{alertstate="firing",release_gate="true",service="payments"}',
        result: { kind: 'value', value: 2 },
        detail: 'CanaryErrorRateHigh, CanaryLatencyHigh',
      },
    ]);
    expect(verdict).toMatchObject({
      state: 'failed',
      reason:
        '1 of 1 measurements failed (limit 0): 2 firing alerts at 12:03:30 UTC (CanaryErrorRateHigh, CanaryLatencyHigh)',
    });
  });

  it('passes an alert check while nothing fires', () => {
    const quiet = series('ppppp').map(m => ({
      ...m,
      result: { kind: 'value' as const, value: 0 },
    }));
    expect(evaluateCheck(alertCheck, quiet).state).toBe('passed');
  });
});

describe('evaluateGate', () => {
  const latency = queryCheck({
    name: 'latency',
    condition: { op: '<=', value: 300 },
  });
  const gate = (
    checks: QueryCheckDefinition[],
    dryRun = false,
  ): GateDefinition => ({
    name: 'standard',
    dryRun,
    provider: 'prometheus',
    checks,
  });
  const fast = (pattern: string) =>
    series(pattern).map(m =>
      m.result.kind === 'value'
        ? {
            ...m,
            result: {
              kind: 'value' as const,
              value: m.result.value === 0.002 ? 120 : 450,
            },
          }
        : m,
    );

  it.each`
    case                                    | checks                                          | measurements                                                 | state             | enforced          | reason
    ${'all key checks passed'}              | ${[queryCheck(), latency]}                      | ${{ 'error-rate': series('ppppp'), latency: fast('ppppp') }} | ${'passed'}       | ${'passed'}       | ${'all 2 key checks passed'}
    ${'a key check failed'}                 | ${[queryCheck(), latency]}                      | ${{ 'error-rate': series('f'), latency: fast('pp') }}        | ${'failed'}       | ${'failed'}       | ${"key check 'error-rate' failed: 1 of 1 measurements failed (limit 0): 0.034 > 0.01 at 12:00 UTC"}
    ${'a failure wins over running checks'} | ${[queryCheck(), latency]}                      | ${{ 'error-rate': series('pp'), latency: fast('pf') }}       | ${'failed'}       | ${'failed'}       | ${"key check 'latency' failed: 1 of 2 measurements failed (limit 0): 450 > 300 at 12:01 UTC"}
    ${'waiting for key checks'}             | ${[queryCheck(), latency]}                      | ${{ 'error-rate': series('ppp'), latency: fast('ppppp') }}   | ${'running'}      | ${'running'}      | ${"waiting for 'error-rate' (3 of 5 measurements)"}
    ${'running wins over inconclusive'}     | ${[queryCheck(), latency]}                      | ${{ 'error-rate': series('nnnnn'), latency: fast('p') }}     | ${'running'}      | ${'running'}      | ${"waiting for 'latency' (1 of 5 measurements)"}
    ${'a key check inconclusive'}           | ${[queryCheck(), latency]}                      | ${{ 'error-rate': series('nnnnn'), latency: fast('ppppp') }} | ${'inconclusive'} | ${'inconclusive'} | ${"key check 'error-rate' inconclusive: needs the last 1 measurement(s) to pass in a row, got 0"}
    ${'a check without measurements'}       | ${[queryCheck()]}                               | ${{}}                                                        | ${'running'}      | ${'running'}      | ${"waiting for 'error-rate' (0 of 5 measurements)"}
    ${'a non-key check failed'}             | ${[queryCheck(), { ...latency, key: false }]}   | ${{ 'error-rate': series('ppppp'), latency: fast('f') }}     | ${'passed'}       | ${'passed'}       | ${"all 1 key check passed; non-key check 'latency' failed"}
    ${'a non-key check still running'}      | ${[queryCheck(), { ...latency, key: false }]}   | ${{ 'error-rate': series('ppppp'), latency: fast('p') }}     | ${'passed'}       | ${'passed'}       | ${'all 1 key check passed'}
    ${'a dry-run key check failed'}         | ${[queryCheck(), { ...latency, dryRun: true }]} | ${{ 'error-rate': series('ppppp'), latency: fast('f') }}     | ${'passed'}       | ${'passed'}       | ${"all 1 key check passed; dry-run check 'latency' would have failed"}
    ${'a dry-run check inconclusive'}       | ${[queryCheck(), { ...latency, dryRun: true }]} | ${{ 'error-rate': series('ppppp'), latency: fast('eee') }}   | ${'passed'}       | ${'passed'}       | ${"dry-run check 'latency' would have been inconclusive"}
    ${'no deciding key check'}              | ${[{ ...latency, dryRun: true }]}               | ${{ latency: fast('ppppp') }}                                | ${'inconclusive'} | ${'inconclusive'} | ${'no key check decides this gate'}
  `('$case: $state', ({ checks, measurements, state, enforced, reason }) => {
    const verdict = evaluateGate(gate(checks), measurements);
    expect(verdict).toMatchObject({
      gate: 'standard',
      state,
      enforced,
      dryRun: false,
    });
    expect(verdict.reason).toContain(reason);
    expect(verdict.checks.map(c => c.name)).toEqual(
      checks.map((c: QueryCheckDefinition) => c.name),
    );
  });

  it('computes a dry-run gate in full but never blocks on it', () => {
    const verdict = evaluateGate(
      gate([queryCheck(), { ...latency, dryRun: true }], true),
      {
        'error-rate': series('ppppp'),
        latency: fast('f'),
      },
    );
    expect(verdict).toMatchObject({
      state: 'failed',
      enforced: 'passed',
      dryRun: true,
      reason: expect.stringMatching(
        /^dry run, not enforced: key check 'latency' failed: 1 of 1 measurements failed/,
      ),
    });
    expect(verdict.checks[1]).toMatchObject({ dryRun: true, state: 'failed' });
  });

  it('never blocks on a running dry-run gate either', () => {
    const verdict = evaluateGate(gate([queryCheck()], true), {
      'error-rate': series('p'),
    });
    expect(verdict).toMatchObject({ state: 'running', enforced: 'passed' });
  });
});

describe('checks named like an object key', () => {
  it("reads only a check's own measurements, so a check may be named constructor", () => {
    const gate: GateDefinition = {
      name: 'standard',
      dryRun: false,
      provider: 'prometheus',
      checks: [queryCheck({ name: 'constructor', count: 2 })],
    };
    expect(evaluateGate(gate, {})).toMatchObject({
      state: 'running',
      reason: "waiting for 'constructor' (0 of 2 measurements)",
    });
    expect(evaluateGate(gate, { constructor: series('pp') }).state).toBe(
      'passed',
    );
    expect(new GateTally(gate, {}).state).toBe('running');
  });
});

describe('GateTally', () => {
  const checkArb = fc.record({
    count: fc.integer({ min: 1, max: 6 }),
    failureLimit: fc.integer({ min: 0, max: 5 }),
    consecutiveSuccesses: fc.integer({ min: 1, max: 6 }),
    errorLimit: fc.integer({ min: 0, max: 2 }),
    noData: fc.constantFrom('fail', 'pass', 'inconclusive' as const),
    key: fc.boolean(),
    dryRun: fc.boolean(),
    pattern: fc.string({ unit: fc.constantFrom('p', 'f', 'n', 'x', 'e') }),
  });

  it('reaches the states evaluateGate reaches, one measurement at a time and from stored ones', () => {
    fc.assert(
      fc.property(
        fc.array(checkArb, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.array(fc.nat()),
        (specs, gateDryRun, picks) => {
          const gate: GateDefinition = {
            name: 'g',
            dryRun: gateDryRun,
            provider: 'prometheus',
            checks: specs.map((spec, i) =>
              queryCheck({
                name: `c${i}`,
                count: spec.count,
                failureLimit: Math.min(spec.failureLimit, spec.count - 1),
                consecutiveSuccesses: Math.min(
                  spec.consecutiveSuccesses,
                  spec.count,
                ),
                errorLimit: spec.errorLimit,
                noData: spec.noData,
                key: spec.key,
                dryRun: spec.dryRun,
              }),
            ),
          };
          const pending = specs.map(spec => series(spec.pattern));
          const taken: Record<string, GateMeasurement[]> = {};
          const tally = new GateTally(gate);
          const agrees = (t: GateTally) => {
            const verdict = evaluateGate(gate, taken);
            expect(t.state).toBe(verdict.state);
            verdict.checks.forEach((c, i) => {
              expect(t.checkState(i)).toBe(c.state);
              expect(t.taken(i)).toBe(c.taken);
            });
            expect(t.runningChecks).toBe(
              verdict.checks.filter(c => c.state === 'running').length,
            );
          };
          agrees(tally);
          // Checks take turns in the order `picks` says, as slots interleave.
          let pick = 0;
          while (pending.some(p => p.length)) {
            const open = pending.flatMap((p, i) => (p.length ? [i] : []));
            const i = open[(picks[pick++] ?? 0) % open.length];
            const m = pending[i].shift()!;
            (taken[`c${i}`] ??= []).push(m);
            tally.add(i, m);
            agrees(tally);
          }
          agrees(new GateTally(gate, taken));
        },
      ),
    );
  });
});
