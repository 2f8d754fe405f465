import {
  parseGateDefinition,
  parseGateSets,
} from '@release-ledger/plugin-release-ledger-common';
import type { GateMetricProvider } from '@release-ledger/plugin-release-ledger-node';
import {
  CANARIES,
  Canary,
  canaryFamilies,
  canaryTime,
  ERROR_RATIO_QUERY,
  prometheusAvailable,
  RunningPrometheus,
  startPrometheus,
  toOpenMetrics,
} from '@release-ledger/test-utils';
import { PrometheusClient } from '../prometheus';
import { replayGate } from './replayGate';

const describeWithPrometheus = prometheusAvailable() ? describe : describe.skip;

function gate(errorRate: Record<string, unknown> = {}) {
  return parseGateSets({
    standard: {
      checks: [
        {
          name: 'error-rate',
          query: ERROR_RATIO_QUERY,
          condition: '< 0.01',
          count: 5,
          failureLimit: 1,
          noData: 'inconclusive',
          ...errorRate,
        },
        {
          name: 'gate-alerts',
          kind: 'alert',
          labels: { service: '{{entity}}' },
        },
      ],
    },
  }).standard;
}

describeWithPrometheus('replayGate against a real Prometheus', () => {
  let prometheus: RunningPrometheus;
  let client: PrometheusClient;

  beforeAll(async () => {
    prometheus = await startPrometheus(toOpenMetrics(canaryFamilies()));
    client = new PrometheusClient({ url: prometheus.url, timeoutMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  const replay = (canary: Canary, definition = gate(), endMinute = 20) =>
    replayGate({
      provider: client,
      definition,
      variables: { entity: canary.service, version: canary.version },
      window: {
        start: canaryTime(0).toISOString(),
        end: canaryTime(endMinute).toISOString(),
        ongoing: false,
      },
    });

  it('reaches the verdicts a live evaluation reaches, with range queries', async () => {
    await expect(replay(CANARIES.healthy)).resolves.toMatchObject({
      state: 'passed',
      reason: 'all 2 key checks passed',
      complete: true,
    });
    await expect(replay(CANARIES.failing)).resolves.toMatchObject({
      state: 'failed',
      reason:
        "key check 'error-rate' failed: 2 of 2 measurements failed (limit 1): 0.05 > 0.01 at 12:01 UTC, 0.05 > 0.01 at 12:02 UTC",
    });
    await expect(
      replay(
        CANARIES.flapping,
        gate({ failureLimit: 2, consecutiveSuccesses: 2, noData: 'fail' }),
      ),
    ).resolves.toMatchObject({
      state: 'failed',
      reason:
        "key check 'error-rate' failed: needs the last 2 measurement(s) to pass in a row, got 1: 0.03 > 0.01 at 12:04 UTC; 2 failed (limit 2)",
    });
    const noTraffic = await replay(CANARIES.noTraffic);
    expect(noTraffic.state).toBe('inconclusive');
    expect(noTraffic.checks[0].measurements[0].result).toEqual({
      kind: 'no-data',
      cause: 'nan',
    });
  });

  it('asks alert checks at each slot and names the firing alert', async () => {
    const result = await replay(CANARIES.failing, gate({ condition: '< 0.1' }));
    expect(result).toMatchObject({
      state: 'failed',
      reason:
        "key check 'gate-alerts' failed: 1 of 3 measurements failed (limit 0): 1 firing alert at 12:03 UTC (CanaryErrorRateHigh)",
    });
    expect(result.checks[1].measurements[2]).toMatchObject({
      at: canaryTime(3).toISOString(),
      query: 'ALERTS{alertstate="firing",release_gate="true",service="cart"}',
      detail: 'CanaryErrorRateHigh',
      outcome: 'fail',
    });
  });

  it('is inconclusive when the canary ended before the gate could decide', async () => {
    const result = await replay(CANARIES.healthy, gate(), 3);
    expect(result).toMatchObject({ state: 'inconclusive', complete: false });
    expect(result.reason).toBe(
      "the canary window (2024-06-03T12:00:00.000Z to 2024-06-03T12:03:00.000Z) ended before the gate decided: waiting for 'error-rate' (3 of 5 measurements), 'gate-alerts' (3 of 5 measurements)",
    );
    expect(result.checks[0].measurements).toHaveLength(3);
  });

  it("keeps Prometheus' message when the range query is refused", async () => {
    const result = await replay(
      CANARIES.healthy,
      gate({ query: 'sum(rate(x{service="{{entity}}"}[{{interval}}])' }),
    );
    expect(result.state).toBe('inconclusive');
    expect(result.checks[0].measurements[0]).toMatchObject({
      result: { kind: 'error', errorType: 'bad_query' },
      outcome: 'error',
    });
    expect(result.checks[0].reason).toMatch(/parse error/);
  });
});

/**
 * A provider whose range answers pass every step, counting how often
 * anything reads a point's time or a value's kind: the work a replay does
 * per measurement.
 */
function countingProvider() {
  const reads = { count: 0 };
  const provider: GateMetricProvider = {
    id: 'counting',
    async instantQuery() {
      return { kind: 'value', value: 0 };
    },
    async rangeQuery(_query, start, end, stepSeconds) {
      const points = [];
      for (
        let t = start.getTime();
        t <= end.getTime();
        t += stepSeconds * 1000
      ) {
        const at = new Date(t);
        const result = {
          get kind() {
            reads.count += 1;
            return 'value' as const;
          },
          value: 0.001,
        };
        points.push({
          get at() {
            reads.count += 1;
            return at;
          },
          result,
        });
      }
      return { kind: 'range', points };
    },
    async firingAlerts() {
      return { kind: 'alerts', alerts: [] };
    },
  };
  return { provider, reads };
}

describe('replayGate cost', () => {
  const replayOf = async (checks: number, slots: number) => {
    const { provider, reads } = countingProvider();
    const definition = parseGateDefinition('wide', {
      checks: Array.from({ length: checks }, (_, i) => ({
        name: `check-${i}`,
        query: 'up',
        condition: '< 0.01',
        count: slots,
        noData: 'fail',
      })),
    });
    const result = await replayGate({
      provider,
      definition,
      variables: { entity: 'cart' },
      window: {
        start: canaryTime(0).toISOString(),
        end: canaryTime(slots).toISOString(),
        ongoing: false,
      },
    });
    expect(result).toMatchObject({ state: 'passed', complete: true });
    return reads.count / (checks * slots);
  };

  it('reads each measurement a fixed number of times, however many checks and slots there are', async () => {
    // Re-judging the whole gate after each measurement read each one once
    // per later measurement: 800 checks × 5 slots read each ~2000 times.
    const small = await replayOf(4, 5);
    expect(small).toBeLessThan(10);
    await expect(replayOf(800, 5)).resolves.toBe(small);
    await expect(replayOf(4, 1000)).resolves.toBe(small);
  });

  it('answers a check named constructor (an inherited object key) like any other', async () => {
    const { provider } = countingProvider();
    const result = await replayGate({
      provider,
      definition: parseGateDefinition('named', {
        checks: [
          {
            name: 'constructor',
            query: 'up',
            condition: '< 1',
            noData: 'fail',
          },
        ],
      }),
      variables: { entity: 'cart' },
      window: {
        start: canaryTime(0).toISOString(),
        end: canaryTime(20).toISOString(),
        ongoing: false,
      },
    });
    expect(result).toMatchObject({
      state: 'passed',
      checks: [{ name: 'constructor', taken: 5, state: 'passed' }],
    });
    expect(result.checks[0].measurements).toHaveLength(5);
  });
});

describe('replayGate when the caller hangs up', () => {
  it('stops measuring at the next chunk once its signal is aborted', async () => {
    const { provider } = countingProvider();
    let alertCalls = 0;
    const hangUp = new AbortController();
    provider.firingAlerts = async () => {
      alertCalls += 1;
      if (alertCalls === 10) hangUp.abort();
      return { kind: 'alerts', alerts: [] };
    };
    const replay = replayGate({
      provider,
      definition: parseGateDefinition('alerts', {
        checks: [
          {
            name: 'gate-alerts',
            kind: 'alert',
            labels: { service: '{{entity}}' },
            count: 1000,
          },
        ],
      }),
      variables: { entity: 'cart' },
      window: {
        start: canaryTime(0).toISOString(),
        end: canaryTime(1000).toISOString(),
        ongoing: false,
      },
      signal: hangUp.signal,
    });
    await expect(replay).rejects.toMatchObject({ name: 'AbortError' });
    // One chunk (50 measurements) at most after the hang-up, not all 1,000.
    expect(alertCalls).toBeLessThanOrEqual(60);
  });
});
