import {
  evaluateGate,
  GateDefinition,
  GateMeasurement,
  GateTally,
  GateVerdict,
} from '@release-ledger/plugin-release-ledger-common';

/** One measurement a check owes: its `seq`-th, due at `atMs`. */
export type Slot = { check: string; seq: number; atMs: number };

export type MeasurementsByCheck = Readonly<
  Record<string, readonly GateMeasurement[]>
>;

/**
 * Measurement `seq` of a check is due `seq` intervals after the start: the
 * first one only once a whole interval of canary traffic exists, which is
 * what a `rate(…[{{interval}}])` query needs.
 */
export function slotTime(
  startedAtMs: number,
  intervalMs: number,
  seq: number,
): number {
  return startedAtMs + seq * intervalMs;
}

/**
 * Whether an evaluation is over: as soon as the gate fails (fail fast), or
 * once the gate is decided and every check — including non-key and dry-run
 * checks, whose verdicts are the point of recording them — has decided.
 */
export function isSettled(verdict: GateVerdict): boolean {
  if (verdict.state === 'failed') return true;
  return (
    verdict.state !== 'running' &&
    verdict.checks.every(c => c.state !== 'running')
  );
}

/**
 * Where an evaluation stands: each check's tally (see `GateTally`) and the
 * next slot each running check owes, earliest first. Taking a measurement
 * costs O(log checks), so an evaluation or replay of M measurements costs
 * O(M log checks), not O(M²) from re-judging every measurement each time.
 */
class GateProgress {
  readonly #gate: GateDefinition;
  readonly #startedAtMs: number;
  readonly #tally: GateTally;
  readonly #index: ReadonlyMap<string, number>;
  /** Binary min-heap of owed slots by time, then by check order. */
  readonly #owed: (Slot & { index: number })[] = [];

  constructor(
    gate: GateDefinition,
    startedAtMs: number,
    measurements: MeasurementsByCheck,
  ) {
    this.#gate = gate;
    this.#startedAtMs = startedAtMs;
    this.#tally = new GateTally(gate, measurements);
    this.#index = new Map(gate.checks.map((c, i) => [c.name, i]));
    gate.checks.forEach((_, i) => this.#owe(i));
  }

  get settled(): boolean {
    const state = this.#tally.state;
    if (state === 'failed') return true;
    return state !== 'running' && this.#tally.runningChecks === 0;
  }

  /** The next slot owed; undefined once settled or when none is owed. */
  next(): Slot | undefined {
    if (this.settled || this.#owed.length === 0) return undefined;
    const { check, seq, atMs } = this.#owed[0];
    return { check, seq, atMs };
  }

  /** Counts the measurement taken for the slot `next()` answered. */
  record(slot: Slot, measurement: GateMeasurement): void {
    const index = this.#index.get(slot.check)!;
    this.#pop();
    this.#tally.add(index, measurement);
    this.#owe(index);
  }

  /** Queues check `index`'s next slot, if it is running and owes one. */
  #owe(index: number): void {
    if (this.#tally.checkState(index) !== 'running') return;
    const check = this.#gate.checks[index];
    const seq = this.#tally.taken(index) + 1;
    if (seq > check.count) return;
    const atMs = slotTime(this.#startedAtMs, check.intervalMs, seq);
    const heap = this.#owed;
    heap.push({ check: check.name, seq, atMs, index });
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  #pop(): void {
    const heap = this.#owed;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    for (let i = 0; ; ) {
      const [l, r] = [2 * i + 1, 2 * i + 2];
      let first = i;
      if (l < heap.length && earlier(heap[l], heap[first])) first = l;
      if (r < heap.length && earlier(heap[r], heap[first])) first = r;
      if (first === i) return;
      [heap[i], heap[first]] = [heap[first], heap[i]];
      i = first;
    }
  }
}

/** Time order; ties go to the check listed first. */
function earlier(
  a: { atMs: number; index: number },
  b: { atMs: number; index: number },
): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.index < b.index);
}

/**
 * The next measurement an evaluation owes, or undefined when it owes none
 * (settled, or every check decided). Checks that have decided take no more
 * measurements. Ties go to the check listed first, so live evaluations and
 * replays measure in the same order.
 */
export function nextSlot(
  gate: GateDefinition,
  startedAtMs: number,
  measurements: MeasurementsByCheck,
): Slot | undefined {
  return new GateProgress(gate, startedAtMs, measurements).next();
}

/**
 * Runs an evaluation forward: takes every slot due by `untilMs`, one at a
 * time in time order, re-judging the gate after each, until it settles or
 * nothing more is due. `measure` takes one measurement (live: asks the
 * provider; replay: looks it up in a range query's answer) and may stop the
 * run by answering undefined (e.g. a lost lease). The verdict, with its
 * reasons, is worked out once at the end.
 */
export async function advance(
  gate: GateDefinition,
  startedAtMs: number,
  measurements: Record<string, GateMeasurement[]>,
  untilMs: number,
  measure: (slot: Slot) => Promise<GateMeasurement | undefined>,
): Promise<{ verdict: GateVerdict; next?: Slot; settled: boolean }> {
  const progress = new GateProgress(gate, startedAtMs, measurements);
  const done = (next?: Slot, settled = progress.settled) => ({
    verdict: evaluateGate(gate, measurements),
    next,
    settled,
  });
  for (;;) {
    const slot = progress.next();
    if (!slot || slot.atMs > untilMs) return done(slot);
    const taken = await measure(slot);
    if (!taken) return done(slot, false);
    if (!Object.hasOwn(measurements, slot.check)) measurements[slot.check] = [];
    measurements[slot.check].push(taken);
    progress.record(slot, taken);
  }
}
