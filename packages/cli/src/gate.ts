import {
  checklistHold,
  combineGateStates,
  enforcedGateState,
  isGateSettled,
  latestEvaluationPerGate,
  parsePromQLDuration,
} from '@release-ledger/plugin-release-ledger-common';
import { InvalidArgumentError } from 'commander';
import type { GateEvaluation, LedgerClient } from './api';
import type { GateOutcome } from './exitCodes';

/** Commander parser for durations such as `30m`, `10s`, `1h30m`. */
export function parseDurationArgument(value: string): number {
  const ms = parsePromQLDuration(value.trim());
  if (ms === undefined || ms <= 0) {
    throw new InvalidArgumentError(
      `expected a duration like 30s, 10m or 1h30m, got '${value}'`,
    );
  }
  return ms;
}

/**
 * The evaluations this run is about, out of everything `GET .../gates`
 * answers: those started by our `evaluate` call (by `id`; when that id is no
 * longer listed — someone started a newer evaluation of the same gate — the
 * newest of the same gate), or, when the evaluate call answered nothing to
 * follow, every gate listed.
 */
export function selectEvaluations(
  all: readonly GateEvaluation[],
  started: readonly GateEvaluation[],
  gate?: string,
): GateEvaluation[] {
  const candidates = gate ? all.filter(e => e.gate === gate) : [...all];
  if (started.length === 0) {
    return latestEvaluationPerGate(candidates);
  }
  return started.map(s => {
    const match =
      (s.id ? candidates.find(e => e.id === s.id) : undefined) ??
      latestEvaluationPerGate(candidates.filter(e => e.gate === s.gate))[0];
    // Not listed yet (e.g. a replica behind a load balancer that has not
    // seen it): keep what the evaluate call answered.
    return match ?? s;
  });
}

export type GateRunOptions = {
  client: Pick<LedgerClient, 'evaluateGates' | 'getGates'>;
  releaseId: string;
  gate?: string;
  wait: boolean;
  timeoutMs: number;
  pollMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called with the evaluations after the start and after every poll. */
  onUpdate?: (evaluations: GateEvaluation[]) => void;
};

export type GateRunResult = {
  outcome: GateOutcome;
  evaluations: GateEvaluation[];
  waitedMs: number;
};

/**
 * Starts an evaluation and, with `wait`, polls until every selected
 * evaluation has settled or the time-out passes. The outcome is the combined
 * enforced verdict; an evaluation still running at the end is `running`
 * (without `wait`) or `timeout`. HTTP errors propagate as `ApiError`.
 */
export async function runGate(options: GateRunOptions): Promise<GateRunResult> {
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ??
    ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)));
  const began = now();
  const deadline = began + options.timeoutMs;

  const started = await options.client.evaluateGates(
    options.releaseId,
    options.gate,
  );
  let current = options.gate
    ? started.filter(e => e.gate === options.gate)
    : started;
  if (current.length === 0 && started.length > 0) {
    current = started;
  }
  options.onUpdate?.(current);

  const settled = () => current.length > 0 && current.every(isGateSettled);
  while (options.wait && !settled()) {
    const left = deadline - now();
    if (left <= 0) {
      return {
        outcome: 'timeout',
        evaluations: current,
        waitedMs: now() - began,
      };
    }
    await sleep(Math.min(options.pollMs, left));
    const all = await options.client.getGates(options.releaseId);
    current = selectEvaluations(all, current, options.gate);
    options.onUpdate?.(current);
  }

  return {
    outcome: combineGateStates(current.map(enforcedGateState)),
    evaluations: current,
    waitedMs: now() - began,
  };
}

// The promotion rules are common's, so the ledger's gates answer decides alike.
export { checklistHold, enforcedGateState as enforcedState };
