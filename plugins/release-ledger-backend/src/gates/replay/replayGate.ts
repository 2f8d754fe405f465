import {
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
import { verdictView, VerdictView } from '../evaluation/evaluationView';
import { advance, slotTime } from '../evaluation/schedule';

/** The stretch of time a release's canary ran. */
export type CanaryWindow = { start: string; end: string; ongoing: boolean };

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

/** A replay's answer: the verdict the gate would have reached, with its evidence. */
export type ReplayResult = VerdictView & {
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
  await Promise.all(
    definition.checks.map(async check => {
      const r = rendered.get(check.name)!;
      if (r.kind !== 'query') return;
      const slots = Math.min(
        check.count,
        Math.floor((endMs - startMs) / check.intervalMs),
      );
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
      const byTime = new Map<number, GateMeasurement['result']>();
      for (let seq = 1; seq <= slots; seq++) {
        const at = slotTime(startMs, check.intervalMs, seq);
        const point =
          answer.kind === 'range'
            ? answer.points.find(p => p.at.getTime() === at)
            : undefined;
        byTime.set(
          at,
          answer.kind !== 'range'
            ? answer
            : point?.result ?? { kind: 'no-data', cause: 'no-series' },
        );
      }
      ranges.set(check.name, byTime);
    }),
  );

  const measurements: Record<string, (GateMeasurement & { seq: number })[]> =
    {};
  const { verdict } = await advance(
    definition,
    startMs,
    measurements,
    endMs,
    async slot => {
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
