import type {
  CanaryWindow,
  GateVerdictEvidence,
} from '@release-ledger/plugin-release-ledger-common';
import {
  GateCheckDefinition,
  GateDefinition,
  GateMeasurement,
  QueryVariables,
  Release,
} from '@release-ledger/plugin-release-ledger-common';
import type { GateMetricProvider } from '@release-ledger/plugin-release-ledger-node';
import {
  measureCheck,
  RenderedCheck,
  renderCheck,
} from '../evaluation/measureCheck';
import { verdictView } from '../evaluation/evaluationView';
import { advance, slotTime } from '../evaluation/schedule';

/** The stretch of time a release's canary ran. */

/**
 * A release's canary window: from `canary_started` to the first of
 * promoted, rolled back or finished after it; a canary still running ends
 * now. Undefined when the release never started a canary.
 */
export function canaryWindow(
  release: Pick<
    Release,
    'canaryStartedAt' | 'promotedAt' | 'rolledBackAt' | 'finishedAt'
  >,
  now: Date,
): CanaryWindow | undefined {
  if (!release.canaryStartedAt) return undefined;
  const startMs = Date.parse(release.canaryStartedAt);
  const ends = [release.promotedAt, release.rolledBackAt, release.finishedAt]
    .flatMap(t => (t ? [Date.parse(t)] : []))
    .filter(t => t >= startMs);
  const endMs = ends.length ? Math.min(...ends) : now.getTime();
  return {
    start: new Date(startMs).toISOString(),
    end: new Date(Math.max(endMs, startMs)).toISOString(),
    ongoing: ends.length === 0,
  };
}

/** Measurements a replay takes between two turns of the event loop. */
const MEASUREMENTS_PER_CHUNK = 50;
/** Range queries one replay sends side by side. */
const RANGE_QUERIES_AT_ONCE = 4;

/**
 * How many measurements a check takes over a window at most: its `count`,
 * or as many of its intervals as fit in the window.
 */
export function slotsInWindow(
  check: Pick<GateCheckDefinition, 'count' | 'intervalMs'>,
  window: CanaryWindow,
): number {
  const spanMs = Date.parse(window.end) - Date.parse(window.start);
  return Math.max(
    0,
    Math.min(check.count, Math.floor(spanMs / check.intervalMs)),
  );
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachAtMost<T>(
  limit: number,
  items: readonly T[],
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
}

/** A replay's answer: the verdict the gate would have reached, with its evidence. */
export type ReplayResult = GateVerdictEvidence & {
  window: CanaryWindow;
  /** False when the window ended before every check had its measurements. */
  complete: boolean;
};

/**
 * Evaluates a gate over a past canary window as a live evaluation started
 * at the canary's start would have: the same slots (one interval apart),
 * the same early stops, the same verdict logic. Query checks are read with
 * one range query each; alert checks are asked at each slot. Nothing is
 * stored and no event is emitted: a replay answers "would this gate have
 * caught it?" without touching the release's history.
 */
export async function replayGate(options: {
  provider: GateMetricProvider;
  definition: GateDefinition;
  variables: QueryVariables;
  window: CanaryWindow;
  signal?: AbortSignal;
}): Promise<ReplayResult> {
  const { provider, definition, window, signal } = options;
  const startMs = Date.parse(window.start);
  const endMs = Date.parse(window.end);
  const rendered = new Map<string, RenderedCheck>(
    definition.checks.map(c => [c.name, renderCheck(c, options.variables)]),
  );

  // Each query check's values at its slots, from one range query.
  const ranges = new Map<string, Map<number, GateMeasurement['result']>>();
  await eachAtMost(RANGE_QUERIES_AT_ONCE, definition.checks, async check => {
    const r = rendered.get(check.name)!;
    if (r.kind !== 'query') return;
    const slots = slotsInWindow(check, window);
    if (slots < 1) return;
    const first = new Date(slotTime(startMs, check.intervalMs, 1));
    const last = new Date(slotTime(startMs, check.intervalMs, slots));
    const answer = await provider.rangeQuery(
      r.query,
      first,
      last,
      check.intervalMs / 1000,
      { signal },
    );
    const points = new Map<number, GateMeasurement['result']>();
    if (answer.kind === 'range') {
      for (const p of answer.points) {
        const at = p.at.getTime();
        if (!points.has(at)) points.set(at, p.result);
      }
    }
    const byTime = new Map<number, GateMeasurement['result']>();
    for (let seq = 1; seq <= slots; seq++) {
      const at = slotTime(startMs, check.intervalMs, seq);
      byTime.set(
        at,
        answer.kind !== 'range'
          ? answer
          : points.get(at) ?? { kind: 'no-data', cause: 'no-series' },
      );
    }
    ranges.set(check.name, byTime);
  });

  const measurements: Record<string, (GateMeasurement & { seq: number })[]> =
    {};
  let sinceYield = 0;
  const { verdict } = await advance(
    definition,
    startMs,
    measurements,
    endMs,
    async slot => {
      // Hand the event loop back now and then: other requests wait for a
      // chunk of a replay, never for all of it.
      if (++sinceYield >= MEASUREMENTS_PER_CHUNK) {
        sinceYield = 0;
        await new Promise(setImmediate);
        // The caller hung up while we yielded: stop measuring.
        signal?.throwIfAborted();
      }
      const r = rendered.get(slot.check)!;
      const at = new Date(slot.atMs);
      const taken =
        r.kind === 'query'
          ? {
              at: at.toISOString(),
              query: r.query,
              result: ranges.get(slot.check)!.get(slot.atMs)!,
            }
          : await measureCheck(provider, r, at, { signal });
      return { ...taken, seq: slot.seq };
    },
  );

  const view = verdictView(definition, measurements, verdict);
  if (verdict.state !== 'running') {
    return { ...view, window, complete: true };
  }
  // Never "running": a replay is over when its window is.
  const reason = `the canary window (${window.start} to ${window.end}) ended before the gate decided: ${verdict.reason}`;
  return {
    ...view,
    state: 'inconclusive',
    enforced: definition.dryRun ? 'passed' : 'inconclusive',
    reason,
    window,
    complete: false,
  };
}
