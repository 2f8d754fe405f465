import {
  BAND_SETS,
  computeDoraMetrics,
  ContributingSystem,
  ReleaseFootprint,
  ReleaseMetricInput,
  TeamMetricsRow,
} from '@release-ledger/plugin-release-ledger-common';
import fc from 'fast-check';
import type { FootprintScope } from './DatabaseMetricsStore';
import {
  ComponentFacts,
  componentFootprintRow,
  componentsOf,
  forEachPackedComponentFootprint,
  ownFootprintInScope,
  packComponentFootprint,
} from './componentFootprints';
import { footprintRow, fromFootprintRow, parsePacked } from './footprints';
import { MetricsRollup } from './rollups';

const BASE = Date.UTC(2026, 10, 2);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

const release: ReleaseFootprint = {
  releaseId: 'shop@1',
  entityRef: 'component:default/shop',
  ownerRef: 'group:default/t1',
  systemRef: 'system:default/s1',
  environment: 'production',
  isDeployment: true,
  startedAt: iso(BASE),
  promotedAt: iso(BASE + HOUR),
  leadTimesMs: [2 * HOUR],
  failed: true,
  failureCauses: ['rolled_back'],
  firstFailureSignalAt: iso(BASE + 2 * HOUR),
  restoredAt: iso(BASE + 2 * HOUR),
  timeToRestoreMs: 0,
};

describe('packComponentFootprint', () => {
  it("leads with the release's id, owner and system key, then the release's footprint with the component's refs", () => {
    expect(
      packComponentFootprint(release, {
        entityRef: 'component:default/worker',
        ownerRef: 'group:default/t2',
        systemRef: 'system:default/s2',
      }),
    ).toBe(
      `"shop@1","group:default/t1","system:default/s1","group:default/t2","component:default/worker",127,1,"system:default/s2",${BASE},${
        BASE + HOUR
      },${BASE + 2 * HOUR},0,${2 * HOUR}`,
    );
    // Without owners or systems: the release's entity is its system key.
    expect(
      packComponentFootprint(
        { ...release, ownerRef: undefined, systemRef: undefined },
        { entityRef: 'component:default/worker' },
      ),
    ).toBe(
      `"shop@1",null,"component:default/shop",null,"component:default/worker",63,1,${BASE},${
        BASE + HOUR
      },${BASE + 2 * HOUR},0,${2 * HOUR}`,
    );
  });

  it('walks joined component footprints', () => {
    const joined = parsePacked(
      [
        packComponentFootprint(release, { entityRef: 'component:default/w' }),
        packComponentFootprint(
          { ...release, releaseId: 'shop@2', ownerRef: undefined },
          {
            entityRef: 'component:default/x',
            ownerRef: 'group:default/t3',
          },
        ),
      ].join(','),
    );
    const seen: unknown[] = [];
    expect(
      forEachPackedComponentFootprint(
        joined,
        (r, ownerRef, entityRef, times, systemRef) =>
          seen.push({
            release: { ...r },
            ownerRef,
            entityRef,
            systemRef,
            failed: times.failed,
            startedMs: times.startedMs,
            leadTimesMs: Array.from(times.leadTimesMs),
          }),
      ),
    ).toBe(2);
    expect(seen).toEqual([
      {
        release: {
          releaseId: 'shop@1',
          ownerRef: 'group:default/t1',
          systemKey: 'system:default/s1',
        },
        ownerRef: undefined,
        entityRef: 'component:default/w',
        systemRef: undefined,
        failed: true,
        startedMs: BASE,
        leadTimesMs: [2 * HOUR],
      },
      {
        release: {
          releaseId: 'shop@2',
          ownerRef: undefined,
          systemKey: 'system:default/s1',
        },
        ownerRef: 'group:default/t3',
        entityRef: 'component:default/x',
        systemRef: undefined,
        failed: true,
        startedMs: BASE,
        leadTimesMs: [2 * HOUR],
      },
    ]);
    expect(() =>
      forEachPackedComponentFootprint(
        [1, null, 's', ...joined.slice(3)],
        () => {},
      ),
    ).toThrow('expected a release at 0');
    expect(() =>
      forEachPackedComponentFootprint(joined.slice(0, -1), () => {}),
    ).toThrow('expected a number');
  });
});

describe('componentsOf', () => {
  it("lists each component once, without the release's own entity", () => {
    expect(
      componentsOf({
        entityRef: 'component:default/a',
        components: [
          'component:default/b',
          'component:default/a',
          'component:default/c',
          'component:default/b',
        ],
      }),
    ).toEqual(['component:default/b', 'component:default/c']);
    expect(componentsOf({ entityRef: 'component:default/a' })).toEqual([]);
  });
});

describe('ownFootprintInScope', () => {
  it("says whether a scope's read holds the release's own footprint", () => {
    const t1 = 'group:default/t1';
    expect(ownFootprintInScope({ kind: 'org' })(undefined)).toBe(true);
    expect(
      ownFootprintInScope({ kind: 'entity', entityRef: 'component:default/a' })(
        t1,
      ),
    ).toBe(false);
    const group = ownFootprintInScope({
      kind: 'owners',
      ownerRefs: [t1, 'group:default/t2'],
    });
    expect([group(t1), group('group:default/t3'), group(undefined)]).toEqual([
      true,
      false,
      false,
    ]);
  });
});

// Releases over a month that each deploy their entity and up to three of
// four others, whose owners and systems overlap the release's.
const ENTITIES = ['a', 'b', 'c', 'd', 'e'].map(n => `component:default/${n}`);
const OWNERS = ['group:default/t1', 'group:default/t2', 'group:default/t3'];
const SYSTEMS = ['system:default/s1', 'system:default/s2'];
const time = fc
  .integer({ min: 0, max: 40 * DAY })
  .map(offset => iso(BASE + offset));
const factsArb: fc.Arbitrary<ComponentFacts> = fc.record({
  ownerRef: fc.option(fc.constantFrom(...OWNERS), { nil: undefined }),
  systemRef: fc.option(fc.constantFrom(...SYSTEMS), { nil: undefined }),
});
const releaseArb = fc.record({
  input: fc.record({
    releaseId: fc.uuid(),
    entityRef: fc.constantFrom(...ENTITIES),
    ownerRef: fc.option(fc.constantFrom(...OWNERS), { nil: undefined }),
    systemRef: fc.option(fc.constantFrom(...SYSTEMS), { nil: undefined }),
    environment: fc.constantFrom('production', 'production', 'staging'),
    startedAt: fc.option(time, { nil: undefined, freq: 8 }),
    promotedAt: fc.option(time, { nil: undefined }),
    rolledBackAt: fc.option(time, { nil: undefined, freq: 4 }),
    changes: fc.array(
      time.map(mergedAt => ({ mergedAt })),
      { maxLength: 3 },
    ),
    gateFailedAt: fc.array(time, { maxLength: 1 }),
    sloRestoredAt: fc.array(time, { maxLength: 1 }),
    incidents: fc.constant([]),
    fixes: fc.array(fc.constantFrom('INC-1'), { maxLength: 1 }),
  }) as fc.Arbitrary<ReleaseMetricInput>,
  components: fc.uniqueArray(
    fc.record({ entityRef: fc.constantFrom(...ENTITIES), facts: factsArb }),
    { maxLength: 3, selector: c => c.entityRef },
  ),
});
const scopeArb: fc.Arbitrary<FootprintScope> = fc.oneof(
  fc.constant({ kind: 'org' as const }),
  fc
    .subarray(OWNERS, { minLength: 1 })
    .map(ownerRefs => ({ kind: 'owners' as const, ownerRefs })),
  fc
    .constantFrom(...ENTITIES)
    .map(entityRef => ({ kind: 'entity' as const, entityRef })),
);

/** Whether a footprint (a release's own or a component's) is in the scope. */
function inScope(scope: FootprintScope, f: ReleaseFootprint): boolean {
  if (scope.kind === 'entity') return f.entityRef === scope.entityRef;
  if (scope.kind === 'owners') return scope.ownerRefs.includes(f.ownerRef!);
  return true;
}

/** Each release once: all of a release's footprints have its times. */
function releasesOf(footprints: ReleaseFootprint[]): ReleaseFootprint[] {
  return [...new Map(footprints.map(f => [f.releaseId, f])).values()];
}

/**
 * A scope's figures by definition, over the footprints in it (a release's
 * own and its components', each with the entity's refs): the scope, each
 * team and each system count every release any of their footprints
 * belongs to, once; each component counts the releases that deployed it.
 */
function reference(
  footprints: ReleaseFootprint[],
  options: Parameters<typeof computeDoraMetrics>[1],
) {
  const owners = [
    ...new Set(footprints.flatMap(f => (f.ownerRef ? [f.ownerRef] : []))),
  ];
  const teams: TeamMetricsRow[] = owners
    .map(groupRef => {
      const { trend: _trend, ...metrics } = computeDoraMetrics(
        releasesOf(footprints.filter(f => f.ownerRef === groupRef)),
        { ...options, trend: false },
      );
      return { groupRef, title: undefined, metrics };
    })
    .sort(
      (a, b) =>
        (b.metrics.changeFailureRate.rate ?? -1) -
          (a.metrics.changeFailureRate.rate ?? -1) ||
        a.groupRef.localeCompare(b.groupRef),
    );
  const started = footprints.filter(
    f =>
      f.environment === 'production' &&
      f.isDeployment &&
      f.startedAt! >= options.from &&
      f.startedAt! < options.to,
  );
  const ranked = <T extends { failures: number; deployments: number }>(
    rows: T[],
    ref: (row: T) => string,
  ) =>
    rows
      .filter(r => r.failures > 0)
      .sort(
        (a, b) =>
          b.failures - a.failures ||
          b.deployments - a.deployments ||
          ref(a).localeCompare(ref(b)),
      );
  const systemOf = (f: ReleaseFootprint) => f.systemRef ?? f.entityRef;
  const systems = [...new Set(started.map(systemOf))].map(systemRef => {
    const ofSystem = started.filter(f => systemOf(f) === systemRef);
    const components = [...new Set(ofSystem.map(f => f.entityRef))].map(
      entityRef => {
        const mine = ofSystem.filter(f => f.entityRef === entityRef);
        const latest = [...mine].sort(
          (a, b) =>
            b.startedAt!.localeCompare(a.startedAt!) ||
            (a.ownerRef ?? '').localeCompare(b.ownerRef ?? ''),
        )[0];
        return {
          entityRef,
          ownerRef: latest.ownerRef,
          failures: mine.filter(f => f.failed).length,
          deployments: mine.length,
        };
      },
    );
    const releases = releasesOf(ofSystem);
    return {
      systemRef,
      failures: releases.filter(f => f.failed).length,
      deployments: releases.length,
      components: ranked(components, c => c.entityRef),
    };
  });
  const contributors: ContributingSystem[] = ranked(
    systems,
    s => s.systemRef,
  ).slice(0, 3);
  return {
    metrics: computeDoraMetrics(releasesOf(footprints), options),
    teams,
    contributors,
  };
}

describe('a rollup with component footprints', () => {
  it('counts each release once per scope, team and system, and once for each component it deploys, in any order', () => {
    const windowArb = fc
      .tuple(
        fc.integer({ min: -2 * DAY, max: 30 * DAY }),
        fc.integer({ min: 1, max: 30 * DAY }),
      )
      .map(([start, length]) => ({
        from: iso(BASE + start),
        to: iso(BASE + start + length),
      }));
    fc.assert(
      fc.property(
        fc.array(releaseArb, { maxLength: 25 }),
        scopeArb,
        windowArb,
        fc.integer({ min: 0, max: 2 }),
        fc.integer(),
        (releases, scope, window, minSamples, seed) => {
          const options = {
            ...window,
            bandSet: BAND_SETS['dora-2023'],
            minSamples,
          };
          const own = releases.map(r =>
            footprintRow(r.input, r.input.startedAt ?? iso(BASE)),
          );
          const components = releases.flatMap((r, i) =>
            componentsOf({
              entityRef: r.input.entityRef,
              components: r.components.map(c => c.entityRef),
            }).map(entityRef => ({
              row: componentFootprintRow(own[i], {
                entityRef,
                ...r.components.find(c => c.entityRef === entityRef)!.facts,
              }),
              footprint: {
                ...fromFootprintRow(own[i]),
                entityRef,
                ownerRef: r.components.find(c => c.entityRef === entityRef)!
                  .facts.ownerRef,
                systemRef: r.components.find(c => c.entityRef === entityRef)!
                  .facts.systemRef,
              },
            })),
          );
          // What the store reads: the scope's rows, in no particular order.
          const ownInScope = own.filter(row =>
            inScope(scope, fromFootprintRow(row)),
          );
          const componentsInScope = shuffled(
            components.filter(c => inScope(scope, c.footprint)),
            seed,
          );
          const rollup = new MetricsRollup({
            ...options,
            teams: true,
            contributors: true,
          });
          rollup.addPackedComponents(
            parsePacked(componentsInScope.map(c => c.row.packed).join(',')),
            ownFootprintInScope(scope),
          );
          rollup.addPacked(
            parsePacked(
              shuffled(ownInScope, seed)
                .map(r => r.packed)
                .join(','),
            ),
          );

          const expected = reference(
            [
              ...ownInScope.map(fromFootprintRow),
              ...componentsInScope.map(c => c.footprint),
            ],
            options,
          );
          expect(rollup.metrics()).toEqual(expected.metrics);
          expect(rollup.topContributors()).toEqual(expected.contributors);
          // Team rows are answered for the org only, but hold in any scope.
          expect(rollup.teamRows(new Map())).toEqual(expected.teams);
        },
      ),
      { numRuns: 400 },
    );
  });
});

/** A deterministic shuffle. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
