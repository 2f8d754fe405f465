import {
  evaluateGate,
  GateDefinition,
  GateMeasurement,
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
 * The next measurement an evaluation owes, or undefined when it owes none
 * (settled, or every check decided). Checks that have decided take no more
 * measurements. Ties go to the check listed first, so live evaluations and
 * replays measure in the same order.
 */
export function nextSlot(
  gate: GateDefinition,
  startedAtMs: number,
  measurements: MeasurementsByCheck,
  verdict: GateVerdict = evaluateGate(gate, measurements),
): Slot | undefined {
  if (isSettled(verdict)) return undefined;
  let next: Slot | undefined;
  gate.checks.forEach((check, i) => {
    if (verdict.checks[i].state !== 'running') return;
    const seq = (measurements[check.name]?.length ?? 0) + 1;
    if (seq > check.count) return;
    const atMs = slotTime(startedAtMs, check.intervalMs, seq);
    if (!next || atMs < next.atMs) next = { check: check.name, seq, atMs };
  });
  return next;
}

/**
 * Runs an evaluation forward: takes every slot due by `untilMs`, one at a
 * time in time order, re-judging the gate after each, until it settles or
 * nothing more is due. `measure` takes one measurement (live: asks the
 * provider; replay: looks it up in a range query's answer) and may stop the
 * run by answering undefined (e.g. a lost lease).
 */
export async function advance(
  gate: GateDefinition,
  startedAtMs: number,
  measurements: Record<string, GateMeasurement[]>,
  untilMs: number,
  measure: (slot: Slot) => Promise<GateMeasurement | undefined>,
): Promise<{ verdict: GateVerdict; next?: Slot; settled: boolean }> {
  let verdict = evaluateGate(gate, measurements);
  for (;;) {
    const slot = nextSlot(gate, startedAtMs, measurements, verdict);
    if (!slot || slot.atMs > untilMs) {
      return { verdict, next: slot, settled: isSettled(verdict) };
    }
    const taken = await measure(slot);
    if (!taken) {
      return { verdict, next: slot, settled: false };
    }
    (measurements[slot.check] ??= []).push(taken);
    verdict = evaluateGate(gate, measurements);
  }
}
