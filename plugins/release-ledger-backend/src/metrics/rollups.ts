import {
  BandSet,
  computeDoraMetrics,
  ContributingSystem,
  DORA_ENVIRONMENT,
  ReleaseFootprint,
  TeamMetricsRow,
} from '@release-ledger/plugin-release-ledger-common';

/**
 * One row per owner group with releases in the window, worst change failure
 * rate first (teams without deployments last), then by group ref.
 */
export function teamRows(
  footprints: readonly ReleaseFootprint[],
  options: {
    from: string;
    to: string;
    bandSet: BandSet;
    minSamples: number;
    titles: Map<string, string | undefined>;
  },
): TeamMetricsRow[] {
  const byOwner = new Map<string, ReleaseFootprint[]>();
  for (const f of footprints) {
    if (!f.ownerRef) continue;
    const list = byOwner.get(f.ownerRef);
    if (list) list.push(f);
    else byOwner.set(f.ownerRef, [f]);
  }
  const rows = [...byOwner].map(([groupRef, list]): TeamMetricsRow => {
    const { trend: _trend, ...metrics } = computeDoraMetrics(list, {
      from: options.from,
      to: options.to,
      bandSet: options.bandSet,
      minSamples: options.minSamples,
      trend: false,
    });
    return { groupRef, title: options.titles.get(groupRef), metrics };
  });
  return rows.sort((a, b) => {
    const ra = a.metrics.changeFailureRate.rate ?? -1;
    const rb = b.metrics.changeFailureRate.rate ?? -1;
    if (ra !== rb) return rb - ra;
    return a.groupRef.localeCompare(b.groupRef);
  });
}

/**
 * The entities with the most failed releases among releases started in
 * production in [from, to); ties go to more deployments, then the ref.
 */
export function topContributors(
  footprints: readonly ReleaseFootprint[],
  options: { from: string; to: string; limit?: number },
): ContributingSystem[] {
  const byEntity = new Map<string, ContributingSystem>();
  for (const f of footprints) {
    if (f.environment !== DORA_ENVIRONMENT || !f.isDeployment) continue;
    if (!f.startedAt || f.startedAt < options.from || f.startedAt >= options.to)
      continue;
    let row = byEntity.get(f.entityRef);
    if (!row) {
      row = {
        entityRef: f.entityRef,
        ownerRef: f.ownerRef,
        failures: 0,
        deployments: 0,
      };
      byEntity.set(f.entityRef, row);
    }
    row.deployments++;
    if (f.failed) row.failures++;
  }
  return [...byEntity.values()]
    .filter(r => r.failures > 0)
    .sort(
      (a, b) =>
        b.failures - a.failures ||
        b.deployments - a.deployments ||
        a.entityRef.localeCompare(b.entityRef),
    )
    .slice(0, options.limit ?? 3);
}
