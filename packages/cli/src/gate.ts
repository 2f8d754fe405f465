import {
  CheckState,
  parsePromQLDuration,
  type ReleaseChecklist,
} from '@release-ledger/plugin-release-ledger-common';
import { InvalidArgumentError } from 'commander';
import type { GateEvaluation, LedgerClient } from './api';
import { combineOutcomes, GateOutcome } from './exitCodes';

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

/** Whether an evaluation has reached its verdict. */
export function isSettled(evaluation: GateEvaluation): boolean {
  return evaluation.state !== 'running';
}

/** What the pipeline acts on: `enforced` when the server gives it (dry-run gates pass), else `state`. */
export function enforcedState(evaluation: GateEvaluation): CheckState {
  if (!isSettled(evaluation)) return 'running';
  return evaluation.enforced ?? evaluation.state;
}

function timeOf(e: GateEvaluation): number {
  const t = Date.parse(e.startedAt ?? '');
  return Number.isNaN(t) ? 0 : t;
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
    return latestPerGate(candidates);
  }
  return started.map(s => {
    const match =
      (s.id ? candidates.find(e => e.id === s.id) : undefined) ??
      latestPerGate(candidates.filter(e => e.gate === s.gate))[0];
    // Not listed yet (e.g. a replica behind a load balancer that has not
    // seen it): keep what the evaluate call answered.
    return match ?? s;
  });
}

function latestPerGate(list: readonly GateEvaluation[]): GateEvaluation[] {
  const byGate = new Map<string, GateEvaluation>();
  for (const e of list) {
    const seen = byGate.get(e.gate);
    if (!seen || timeOf(e) >= timeOf(seen)) {
      byGate.set(e.gate, e);
    }
  }
  return [...byGate.values()];
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

  const settled = () => current.length > 0 && current.every(isSettled);
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
    outcome: combineOutcomes(current.map(enforcedState)),
    evaluations: current,
    waitedMs: now() - began,
  };
}

/**
 * What a release's checklist says about promoting it: the required
 * pre-release items still open (they hold the release), or a note when the
 * checklist could not be read (which holds nothing: a file that is missing
 * or an SCM host that is away must not stop every release).
 */
export function checklistHold(checklist: ReleaseChecklist | undefined): {
  open: Array<{ id: string; text: string }>;
  note?: string;
} {
  if (!checklist) return { open: [] };
  if (checklist.state === 'pending') {
    return {
      open: [],
      note: 'checklist: not read yet (the release started moments ago); not checked',
    };
  }
  if (checklist.state === 'unavailable') {
    return {
      open: [],
      note: `checklist unavailable, not checked: ${
        checklist.reason ?? 'no reason given'
      }`,
    };
  }
  const items = new Map(
    (checklist.checklist?.sections ?? [])
      .flatMap(section => section.items)
      .map(item => [item.id, item.text]),
  );
  return {
    open: checklist.openRequired.map(id => ({
      id,
      text: items.get(id) ?? id,
    })),
  };
}
