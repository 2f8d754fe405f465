import {
  evaluateGate,
  GateDefinition,
  GateMeasurement,
  GateVerdict,
  NoDataPolicy,
  parseGateSets,
  RELEASE_GATE_ALERT_LABEL,
  renderQuery,
  renderValueTemplate,
} from '@release-ledger/plugin-release-ledger-common';
import {
  CANARIES,
  Canary,
  canaryFamilies,
  canaryTime,
  ERROR_RATIO_QUERY,
  freePort,
  prometheusAvailable,
  RunningPrometheus,
  startPrometheus,
  toOpenMetrics,
} from '@release-ledger/test-utils';
import { alertsSelector, PrometheusClient } from './PrometheusClient';

/**
 * The gate logic from the common package on measurements taken from a real
 * Prometheus, one round a minute from 12:01 as the evaluator will take
 * them: each check until it has decided, the gate until it has decided.
 */
async function evaluate(
  client: PrometheusClient,
  gate: GateDefinition,
  canary: Canary,
): Promise<GateVerdict> {
  const vars = { entity: canary.service, version: canary.version };
  const measurements: Record<string, GateMeasurement[]> = {};
  const rounds = Math.max(...gate.checks.map(c => c.count));
  let verdict = evaluateGate(gate, measurements);
  for (
    let minute = 1;
    minute <= rounds && verdict.state === 'running';
    minute++
  ) {
    const at = canaryTime(minute);
    for (const check of gate.checks) {
      const taken = (measurements[check.name] ??= []);
      // Decided checks take no more measurements.
      if (
        verdict.checks.find(c => c.name === check.name)!.state !== 'running'
      ) {
        continue;
      }
      if (check.kind === 'query') {
        const query = renderQuery(check.query, {
          ...vars,
          interval: check.interval,
        });
        const result = await client.instantQuery(query, at);
        taken.push({ at: at.toISOString(), query, result });
      } else {
        const matchers = {
          ...Object.fromEntries(
            Object.entries(check.labels).map(([k, v]) => [
              k,
              renderValueTemplate(v, vars),
            ]),
          ),
          ...RELEASE_GATE_ALERT_LABEL,
        };
        const answer = await client.firingAlerts(matchers, at);
        const query = alertsSelector(matchers);
        taken.push(
          answer.kind === 'alerts'
            ? {
                at: at.toISOString(),
                query,
                result: { kind: 'value', value: answer.alerts.length },
                detail: answer.alerts.map(a => a.labels.alertname).join(', '),
              }
            : { at: at.toISOString(), query, result: answer },
        );
      }
    }
    verdict = evaluateGate(gate, measurements);
  }
  return verdict;
}

function standardGate(
  errorRate: { noData: NoDataPolicy } & Record<string, unknown>,
  query = ERROR_RATIO_QUERY,
): GateDefinition {
  return parseGateSets({
    standard: {
      checks: [
        {
          name: 'error-rate',
          query,
          condition: '< 0.01',
          count: 5,
          failureLimit: 1,
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

const describeWithPrometheus = prometheusAvailable() ? describe : describe.skip;

describeWithPrometheus(
  'gate verdicts for backfilled canaries in a real Prometheus',
  () => {
    let prometheus: RunningPrometheus;
    let client: PrometheusClient;

    beforeAll(async () => {
      prometheus = await startPrometheus(toOpenMetrics(canaryFamilies()));
      client = new PrometheusClient({ url: prometheus.url, timeoutMs: 10_000 });
    }, 60_000);

    afterAll(async () => {
      await prometheus?.stop();
    });

    it('passes the healthy canary', async () => {
      const verdict = await evaluate(
        client,
        standardGate({ noData: 'inconclusive' }),
        CANARIES.healthy,
      );
      expect(verdict).toMatchObject({
        state: 'passed',
        reason: 'all 2 key checks passed',
      });
      expect(verdict.checks.map(c => [c.name, c.state, c.taken])).toEqual([
        ['error-rate', 'passed', 5],
        ['gate-alerts', 'passed', 5],
      ]);
    });

    it('fails the failing canary as soon as the failure limit is crossed', async () => {
      const verdict = await evaluate(
        client,
        standardGate({ noData: 'inconclusive' }),
        CANARIES.failing,
      );
      expect(verdict).toMatchObject({
        state: 'failed',
        reason:
          "key check 'error-rate' failed: 2 of 2 measurements failed (limit 1): 0.05 > 0.01 at 12:01 UTC, 0.05 > 0.01 at 12:02 UTC",
      });
    });

    it('fails on the firing gate alert alone', async () => {
      const verdict = await evaluate(
        client,
        standardGate({ noData: 'inconclusive', condition: '< 0.1' }),
        CANARIES.failing,
      );
      expect(verdict).toMatchObject({
        state: 'failed',
        reason:
          "key check 'gate-alerts' failed: 1 of 3 measurements failed (limit 0): 1 firing alert at 12:03 UTC (CanaryErrorRateHigh)",
      });
    });

    it.each`
      noData            | state             | reason
      ${'fail'}         | ${'failed'}       | ${"key check 'error-rate' failed: 2 of 2 measurements failed (limit 1): no data at 12:01 UTC (noData: fail), no data at 12:02 UTC (noData: fail)"}
      ${'pass'}         | ${'passed'}       | ${'all 2 key checks passed'}
      ${'inconclusive'} | ${'inconclusive'} | ${"key check 'error-rate' inconclusive: needs the last 1 measurement(s) to pass in a row, got 0: no data at 12:05 UTC (noData: inconclusive); no data in 5 of 5 measurements"}
    `(
      'judges the canary without traffic (NaN) by its noData policy: $noData',
      async ({ noData, state, reason }) => {
        const verdict = await evaluate(
          client,
          standardGate({ noData }),
          CANARIES.noTraffic,
        );
        expect(verdict).toMatchObject({ state, reason });
      },
    );

    it.each`
      settings                                                  | state       | reason
      ${{ failureLimit: 1 }}                                    | ${'failed'} | ${"key check 'error-rate' failed: 2 of 4 measurements failed (limit 1): 0.03 > 0.01 at 12:02 UTC, 0.03 > 0.01 at 12:04 UTC"}
      ${{ failureLimit: 2, consecutiveSuccesses: 2 }}           | ${'failed'} | ${"key check 'error-rate' failed: needs the last 2 measurement(s) to pass in a row, got 1: 0.03 > 0.01 at 12:04 UTC; 2 failed (limit 2)"}
      ${{ failureLimit: 2, consecutiveSuccesses: 2, count: 7 }} | ${'passed'} | ${'all 2 key checks passed'}
    `(
      'judges the flapping canary with $settings: $state',
      async ({ settings, state, reason }) => {
        const verdict = await evaluate(
          client,
          standardGate({ noData: 'fail', ...settings }),
          CANARIES.flapping,
        );
        expect(verdict).toMatchObject({ state, reason });
      },
    );

    it("makes a broken query inconclusive past the error limit, with Prometheus' message", async () => {
      const verdict = await evaluate(
        client,
        standardGate(
          { noData: 'fail' },
          'sum(rate(http_requests_total{service="{{entity}}"}[{{interval}}])',
        ),
        CANARIES.healthy,
      );
      expect(verdict.state).toBe('inconclusive');
      expect(verdict.reason).toMatch(
        /^key check 'error-rate' inconclusive: 3 of 3 measurements errored \(limit 2\): invalid parameter "query": 1:\d+: parse error: .* at 12:01 UTC/,
      );
    });

    it('records a dry-run gate without enforcing it', async () => {
      const gate = { ...standardGate({ noData: 'fail' }), dryRun: true };
      const verdict = await evaluate(client, gate, CANARIES.failing);
      expect(verdict).toMatchObject({
        state: 'failed',
        enforced: 'passed',
        dryRun: true,
      });
    });
  },
);

describe('gate verdicts when Prometheus cannot be reached', () => {
  it('is inconclusive once errors pass the error limit', async () => {
    const port = await freePort();
    const client = new PrometheusClient({
      url: `http://127.0.0.1:${port}`,
      timeoutMs: 2_000,
    });
    const verdict = await evaluate(
      client,
      standardGate({ noData: 'fail' }),
      CANARIES.healthy,
    );
    expect(verdict.state).toBe('inconclusive');
    expect(verdict.reason).toContain(
      `key check 'error-rate' inconclusive: 3 of 3 measurements errored (limit 2): cannot reach Prometheus at http://127.0.0.1:${port}/api/v1/query: connect ECONNREFUSED`,
    );
    expect(verdict.checks.map(c => c.errors)).toEqual([3, 3]);
  });
});
