import {
  evaluateGate,
  GateMeasurement,
  parseGateSets,
} from '@release-ledger/plugin-release-ledger-common';
import { gateEvents } from './gateEvents';

const definition = (dryRun = false) =>
  parseGateSets({
    g: {
      dryRun,
      checks: [
        {
          name: 'error-rate',
          query: 'q',
          condition: '< 0.01',
          count: 2,
          noData: 'fail',
        },
        {
          name: 'latency',
          query: 'q2',
          condition: '< 300',
          count: 2,
          noData: 'pass',
          dryRun: true,
        },
      ],
    },
  }).g;

const m = (minute: number, value: number): GateMeasurement => ({
  at: new Date(Date.UTC(2024, 5, 3, 12, minute)).toISOString(),
  query: 'q',
  result: { kind: 'value', value },
});

function events(dryRun: boolean, errorRates: number[], latencies: number[]) {
  const gate = definition(dryRun);
  const measurements = {
    'error-rate': errorRates.map((v, i) => m(i + 1, v)),
    latency: latencies.map((v, i) => m(i + 1, v)),
  };
  return gateEvents({
    id: 'e1',
    releaseId: 'payments@1',
    entityRef: 'component:default/payments',
    environment: 'production',
    version: '1.0.0',
    definition: gate,
    verdict: evaluateGate(gate, measurements),
    measurements,
    settledAt: '2024-06-03T12:02:00.000Z',
  });
}

describe('gateEvents', () => {
  it('records a pass as gate_evaluated and canary_passed, with ids from the evaluation', () => {
    const out = events(false, [0.001, 0.002], [100, 500]);
    expect(out.map(e => [e.eventId, e.type])).toEqual([
      ['gate:e1:gate_evaluated', 'gate_evaluated'],
      ['gate:e1:canary_passed', 'canary_passed'],
    ]);
    expect(out[0]).toMatchObject({
      releaseId: 'payments@1',
      releaseEntityRef: 'component:default/payments',
      timestamp: '2024-06-03T12:02:00.000Z',
      version: '1.0.0',
      attributes: {
        gate: 'g',
        verdict: 'pass',
        dryRun: false,
        reason:
          "all 1 key check passed; dry-run check 'latency' would have failed",
        measurements: [
          {
            check: 'error-rate',
            value: 0.002,
            condition: '< 0.01',
            result: 'passed',
          },
          {
            check: 'latency',
            value: 500,
            condition: '< 300',
            result: 'failed (dry run)',
          },
        ],
      },
    });
  });

  it('records an enforced failure as gate_evaluated and gate_failed', () => {
    const out = events(false, [0.05], []);
    expect(out.map(e => e.type)).toEqual(['gate_evaluated', 'gate_failed']);
    expect(out[1].attributes.reason).toBe(
      "key check 'error-rate' failed: 1 of 1 measurements failed (limit 0): 0.05 > 0.01 at 12:01 UTC",
    );
  });

  it('never blocks with a dry-run gate: no gate_failed, no canary_passed', () => {
    expect(events(true, [0.05], []).map(e => e.type)).toEqual([
      'gate_evaluated',
    ]);
    expect(
      events(true, [0.001, 0.001], [1, 1]).map(e => e.attributes.verdict),
    ).toEqual(['pass']);
  });

  it('emits nothing while the gate is running', () => {
    expect(events(false, [0.001], [])).toEqual([]);
  });
});
