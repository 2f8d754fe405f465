import {
  ComputeDoraMetricsOptions,
  ContributingComponent,
  ContributingSystem,
  DoraFootprintTimes,
  DoraMetrics,
  DoraMetricsAccumulator,
  footprintTimes,
  ReleaseFootprint,
  TeamMetricsRow,
} from '@release-ledger/plugin-release-ledger-common';
import { forEachPackedFootprint, PackedValue } from './footprints';
import {
  forEachPackedComponentFootprint,
  PackedRelease,
} from './componentFootprints';

/** The window and bands of a rollup. */
export type RollupOptions = Omit<ComputeDoraMetricsOptions, 'trend'>;

type ComponentRow = ContributingComponent & { latestMs: number };
type SystemRow = {
  failures: number;
  deployments: number;
  components: Map<string, ComponentRow>;
};

/**
 * A scope's DORA metrics with, optionally, a row per owner group and the
 * systems with the most failures, computed in one pass over the
 * footprints: each footprint's times are read once and counted towards the
 * scope, its owner's row and its system and component.
 *
 * Component footprints (see componentFootprints.ts) count a release once
 * per figure: towards the scope, a team or a system only when neither the
 * release's own footprint nor another of its components already counts it
 * there. A component always counts for itself.
 */
export class MetricsRollup {
  readonly #options: RollupOptions;
  readonly #fromMs: number;
  readonly #toMs: number;
  readonly #all: DoraMetricsAccumulator;
  readonly #teams?: Map<string, DoraMetricsAccumulator>;
  readonly #systems?: Map<string, SystemRow>;
  /** What component footprints counted: release id, figure and key. */
  readonly #counted = new Set<string>();

  constructor(
    options: RollupOptions & { teams?: boolean; contributors?: boolean },
  ) {
    this.#options = options;
    this.#fromMs = Date.parse(options.from);
    this.#toMs = Date.parse(options.to);
    this.#all = new DoraMetricsAccumulator(options);
    if (options.teams) this.#teams = new Map();
    if (options.contributors) this.#systems = new Map();
  }

  /**
   * Counts one footprint of `entityRef`, owned by `ownerRef` and part of
   * `systemRef` when its release started.
   */
  add(
    ownerRef: string | undefined,
    entityRef: string,
    times: DoraFootprintTimes,
    systemRef?: string,
  ): void {
    this.#all.add(times);
    this.#team(ownerRef)?.add(times);
    if (this.#systems && this.#isDeploymentInWindow(times)) {
      this.#contribute(ownerRef, entityRef, systemRef, times);
    }
  }

  /** Counts every footprint of a parsed packed list (see packFootprint). */
  addPacked(values: ArrayLike<PackedValue>): void {
    forEachPackedFootprint(values, (ownerRef, entityRef, times, systemRef) =>
      this.add(ownerRef, entityRef, times, systemRef),
    );
  }

  /**
   * Counts the footprint of `release` as its component `entityRef` (owned
   * by `ownerRef`, part of `systemRef`) sees it, where nothing counted the
   * release yet: `ownCounted` says the rollup is given the release's own
   * footprint too (see ownFootprintInScope).
   */
  addComponent(
    release: PackedRelease,
    ownCounted: boolean,
    ownerRef: string | undefined,
    entityRef: string,
    times: DoraFootprintTimes,
    systemRef?: string,
  ): void {
    const id = release.releaseId;
    if (!ownCounted && this.#first(id, 'scope', '')) this.#all.add(times);
    if (
      this.#teams &&
      ownerRef &&
      !(ownCounted && release.ownerRef === ownerRef) &&
      this.#first(id, 'team', ownerRef)
    ) {
      this.#team(ownerRef)!.add(times);
    }
    if (this.#systems && this.#isDeploymentInWindow(times)) {
      const key = systemRef ?? entityRef;
      const countsSystem =
        !(ownCounted && release.systemKey === key) &&
        this.#first(id, 'system', key);
      this.#contribute(ownerRef, entityRef, systemRef, times, countsSystem);
    }
  }

  /**
   * Counts every component footprint of a parsed packed list (see
   * packComponentFootprint); `ownCounted` tells by a release's owner
   * whether its own footprint is counted too.
   */
  addPackedComponents(
    values: ArrayLike<PackedValue>,
    ownCounted: (releaseOwnerRef: string | undefined) => boolean,
  ): void {
    forEachPackedComponentFootprint(
      values,
      (release, ownerRef, entityRef, times, systemRef) =>
        this.addComponent(
          release,
          ownCounted(release.ownerRef),
          ownerRef,
          entityRef,
          times,
          systemRef,
        ),
    );
  }

  metrics(): DoraMetrics {
    return this.#all.metrics();
  }

  /**
   * One row per owner group with releases in the window, worst change
   * failure rate first (teams without deployments last), then by group ref.
   */
  teamRows(titles: Map<string, string | undefined>): TeamMetricsRow[] {
    const rows = [...(this.#teams ?? [])].map(
      ([groupRef, accumulator]): TeamMetricsRow => {
        const { trend: _trend, ...metrics } = accumulator.metrics();
        return { groupRef, title: titles.get(groupRef), metrics };
      },
    );
    return rows.sort((a, b) => {
      const ra = a.metrics.changeFailureRate.rate ?? -1;
      const rb = b.metrics.changeFailureRate.rate ?? -1;
      if (ra !== rb) return rb - ra;
      return a.groupRef.localeCompare(b.groupRef);
    });
  }

  /**
   * The systems with the most failed releases among releases started in
   * production in [from, to); ties go to more deployments, then the ref. A
   * release counts for the system its entity was part of when it started;
   * an entity without one stands for itself. Beneath each, its components
   * with failures, ranked the same way, each with the owner of its latest
   * deployment in the window.
   */
  topContributors(limit = 3): ContributingSystem[] {
    return [...(this.#systems ?? [])]
      .map(([systemRef, row]) => ({ ...row, systemRef }))
      .filter(r => r.failures > 0)
      .sort((a, b) => compareContributors(a, a.systemRef, b, b.systemRef))
      .slice(0, limit)
      .map(({ systemRef, failures, deployments, components }) => ({
        systemRef,
        failures,
        deployments,
        components: [...components.values()]
          .filter(c => c.failures > 0)
          .sort((a, b) => compareContributors(a, a.entityRef, b, b.entityRef))
          .map(c => ({
            entityRef: c.entityRef,
            ownerRef: c.ownerRef,
            failures: c.failures,
            deployments: c.deployments,
          })),
      }));
  }

  #team(ownerRef: string | undefined): DoraMetricsAccumulator | undefined {
    if (!this.#teams || !ownerRef) return undefined;
    let team = this.#teams.get(ownerRef);
    if (!team) {
      // Table rows carry no weekly series.
      team = new DoraMetricsAccumulator({ ...this.#options, trend: false });
      this.#teams.set(ownerRef, team);
    }
    return team;
  }

  #isDeploymentInWindow(times: DoraFootprintTimes): boolean {
    return (
      times.production &&
      times.deployment &&
      times.startedMs >= this.#fromMs &&
      times.startedMs < this.#toMs
    );
  }

  /** True the first time a component footprint counts `id` for `key`. */
  #first(id: string, figure: string, key: string): boolean {
    const k = `${figure}\n${key}\n${id}`;
    if (this.#counted.has(k)) return false;
    this.#counted.add(k);
    return true;
  }

  #contribute(
    ownerRef: string | undefined,
    entityRef: string,
    systemRef: string | undefined,
    times: DoraFootprintTimes,
    /** False when the system counts this release already. */
    countsSystem = true,
  ) {
    const key = systemRef ?? entityRef;
    let system = this.#systems!.get(key);
    if (!system) {
      system = { failures: 0, deployments: 0, components: new Map() };
      this.#systems!.set(key, system);
    }
    if (countsSystem) {
      system.deployments++;
      if (times.failed) system.failures++;
    }
    let row = system.components.get(entityRef);
    if (!row) {
      row = {
        entityRef,
        ownerRef,
        failures: 0,
        deployments: 0,
        latestMs: times.startedMs,
      };
      system.components.set(entityRef, row);
    } else if (
      // The owner is the one of the entity's latest deployment (the
      // smaller ref on a tie), whatever order the rows come in.
      times.startedMs > row.latestMs ||
      (times.startedMs === row.latestMs &&
        (ownerRef ?? '') < (row.ownerRef ?? ''))
    ) {
      row.ownerRef = ownerRef;
      row.latestMs = times.startedMs;
    }
    row.deployments++;
    if (times.failed) row.failures++;
  }
}

function rollupOf(
  footprints: readonly ReleaseFootprint[],
  options: RollupOptions & { teams?: boolean; contributors?: boolean },
): MetricsRollup {
  const rollup = new MetricsRollup(options);
  const times = footprintTimes({
    releaseId: '',
    entityRef: '',
    environment: '',
    isDeployment: false,
    leadTimesMs: [],
    failed: false,
    failureCauses: [],
  });
  for (const f of footprints) {
    rollup.add(f.ownerRef, f.entityRef, footprintTimes(f, times), f.systemRef);
  }
  return rollup;
}

/** More failures first, then more deployments, then the ref. */
function compareContributors(
  a: { failures: number; deployments: number },
  aRef: string,
  b: { failures: number; deployments: number },
  bRef: string,
): number {
  return (
    b.failures - a.failures ||
    b.deployments - a.deployments ||
    aRef.localeCompare(bRef)
  );
}

/**
 * One row per owner group with releases in the window, worst change failure
 * rate first (teams without deployments last), then by group ref.
 */
export function teamRows(
  footprints: readonly ReleaseFootprint[],
  options: RollupOptions & { titles: Map<string, string | undefined> },
): TeamMetricsRow[] {
  return rollupOf(footprints, { ...options, teams: true }).teamRows(
    options.titles,
  );
}

/**
 * The systems with the most failed releases among releases started in
 * production in [from, to), with their failing components (see
 * MetricsRollup.topContributors).
 */
export function topContributors(
  footprints: readonly ReleaseFootprint[],
  options: { from: string; to: string; limit?: number },
): ContributingSystem[] {
  return rollupOf(footprints, {
    from: options.from,
    to: options.to,
    contributors: true,
  }).topContributors(options.limit);
}
