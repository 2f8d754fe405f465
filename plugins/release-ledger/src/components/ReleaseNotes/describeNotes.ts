import type { ReleaseNotes } from '@release-ledger/plugin-release-ledger-common';
import { plural } from '../../utils/formatMetrics';

/**
 * A share as a whole percentage; with one decimal where rounding would make
 * it read as equal to `limit` (a flagged 25.4% must not read "25% (limit
 * 25%)").
 */
export function formatShare(share: number, limit?: number): string {
  const whole = Math.round(share * 100);
  if (
    limit !== undefined &&
    share !== limit &&
    whole === Math.round(limit * 100)
  ) {
    return `${(share * 100).toFixed(1)}%`;
  }
  return `${whole}%`;
}

/** "40% of commits are not conventional (limit 25%)". */
export function flaggedMessage(notes: ReleaseNotes): string {
  const { nonConventionalShare: share, maxNonConventionalShare: max } = notes;
  return `${formatShare(
    share,
    max,
  )} of commits are not conventional (limit ${formatShare(max)})`;
}

/** "12 commits · 9 conventional · 1 breaking"; undefined without commits. */
export function notesSummary(notes: ReleaseNotes): string | undefined {
  const { commits, conventional, breaking } = notes.counts;
  if (commits === 0) return undefined;
  return [
    plural(commits, 'commit'),
    `${conventional} conventional`,
    breaking > 0 && `${breaking} breaking`,
  ]
    .filter(Boolean)
    .join(' · ');
}
