import {
  GateMeasurement,
  parseGateSets,
} from '@release-ledger/plugin-release-ledger-common';
import { advance, isSettled, nextSlot, Slot } from './schedule';

const START = Date.UTC(2024, 5, 3, 12, 0, 0);
const MIN = 60_000;

const gate = parseGateSets({
  g: {
    checks: [
      {
        name: 'fast',
        query: 'a',
        condition: '< 1',
        interval: '30s',
        count: 4,
        noData: 'fail',
      },
      {
        name: 'slow',
        query: 'b',
        condition: '< 1',
        interval: '1m',
        count: 2,
        noData: 'fail',
        key: false,
      },
    ],
  },
}).g;

const value = (v: number) => (slot: Slot) =>
  Promise.resolve<GateMeasurement>({
    at: new Date(slot.atMs).toISOString(),
    query: slot.check,
    result: { kind: 'value', value: v },
  });

describe('nextSlot', () => {
  it('owes the first measurement one interval after the start, earliest check first', () => {
    expect(nextSlot(gate, START, {})).toEqual({
      check: 'fast',
      seq: 1,
      atMs: START + 30_000,
    });
  });

  it('breaks ties in the order checks are listed', () => {
    const at = (ms: number) => ({
      at: new Date(ms).toISOString(),
      query: 'a',
      result: { kind: 'value' as const, value: 0 },
    });
    expect(nextSlot(gate, START, { fast: [at(START + 30_000)] })).toEqual({
      check: 'fast',
      seq: 2,
      atMs: START + MIN,
    });
  });
});

describe('advance', () => {
  it('takes only the slots due by the time given, in time order', async () => {
    const measurements: Record<string, GateMeasurement[]> = {};
    const taken: string[] = [];
    const result = await advance(gate, START, measurements, START + MIN, s => {
      taken.push(`${s.check}#${s.seq}@${(s.atMs - START) / 1000}s`);
      return value(0)(s);
    });
    expect(taken).toEqual(['fast#1@30s', 'fast#2@60s', 'slow#1@60s']);
    expect(result).toMatchObject({
      settled: false,
      next: { check: 'fast', seq: 3, atMs: START + 90_000 },
    });
  });

  it('keeps measuring a non-key check after the key checks passed, so its verdict is recorded', async () => {
    const result = await advance(gate, START, {}, START + 10 * MIN, value(0));
    expect(result.settled).toBe(true);
    expect(result.verdict.checks.map(c => [c.name, c.state, c.taken])).toEqual([
      ['fast', 'passed', 4],
      ['slow', 'passed', 2],
    ]);
  });

  it('stops at the first failure of the gate (fail fast)', async () => {
    const result = await advance(gate, START, {}, START + 10 * MIN, value(5));
    expect(result.settled).toBe(true);
    expect(result.verdict.state).toBe('failed');
    expect(result.verdict.checks.map(c => c.taken)).toEqual([1, 0]);
    expect(isSettled(result.verdict)).toBe(true);
  });

  it('stops when a measurement cannot be taken (lost lease)', async () => {
    const result = await advance(
      gate,
      START,
      {},
      START + 10 * MIN,
      async () => undefined,
    );
    expect(result).toMatchObject({
      settled: false,
      next: { check: 'fast', seq: 1 },
    });
  });
});
