import {
  BAND_SETS,
  computeDoraMetrics,
  ContributingSystem,
  ReleaseFootprint,
  ReleaseMetricInput,
} from '@release-ledger/plugin-release-ledger-common';
import fc from 'fast-check';
import type { FootprintRow } from '../database/tables';
import {
  footprintRow,
  forEachPackedFootprint,
  fromFootprintRow,
  packFootprint,
  parsePacked,
} from './footprints';
import { MetricsRollup } from './rollups';

// The migrations' frozen copies of the format, for their back-fills.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const migration = require('../../migrations/20261129010000_packed_footprints');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fixesMigration = require('../../migrations/20261203050000_release_fixes');

const BASE = Date.UTC(2026, 10, 2);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

const fp = (f: Partial<ReleaseFootprint>): ReleaseFootprint => ({
  releaseId: 'r1',
  entityRef: 'component:default/a',
  ownerRef: 'group:default/t',
  environment: 'production',
  isDeployment: false,
  leadTimesMs: [],
  failed: false,
  failureCauses: [],
  ...f,
});

const A = '"group:default/t","component:default/a"';

describe('packFootprint', () => {
  it.each`
    name                                      | footprint                                                                                                                                                                                   | packed
    ${'outside production'}                   | ${fp({ environment: 'staging', isDeployment: false, startedAt: iso(BASE), promotedAt: iso(BASE + HOUR), leadTimesMs: [HOUR] })}                                                             | ${`${A},0,0`}
    ${'promoted, two changes'}                | ${fp({ isDeployment: true, startedAt: iso(BASE), promotedAt: iso(BASE + HOUR), leadTimesMs: [2 * HOUR, 3 * HOUR] })}                                                                        | ${`${A},11,2,${BASE},${BASE + HOUR},${2 * HOUR},${3 * HOUR}`}
    ${'rolled back, restored by it'}          | ${fp({ isDeployment: true, startedAt: iso(BASE), failed: true, failureCauses: ['rolled_back'], firstFailureSignalAt: iso(BASE + HOUR), restoredAt: iso(BASE + HOUR), timeToRestoreMs: 0 })} | ${`${A},55,0,${BASE},${BASE + HOUR},0`}
    ${'failed, not restored'}                 | ${fp({ isDeployment: true, startedAt: iso(BASE), promotedAt: iso(BASE + HOUR), failed: true, failureCauses: ['incident'], firstFailureSignalAt: iso(BASE + 2 * HOUR) })}                    | ${`${A},31,0,${BASE},${BASE + HOUR},${BASE + 2 * HOUR}`}
    ${'failed without a signal'}              | ${fp({ isDeployment: true, startedAt: iso(BASE), failed: true, failureCauses: ['rolled_back'], timeToRestoreMs: 5 })}                                                                       | ${`${A},7,0,${BASE}`}
    ${'promoted, never started'}              | ${fp({ promotedAt: iso(BASE), leadTimesMs: [HOUR] })}                                                                                                                                       | ${`${A},9,1,${BASE},${HOUR}`}
    ${'lead times without a promotion'}       | ${fp({ isDeployment: true, startedAt: iso(BASE), leadTimesMs: [HOUR] })}                                                                                                                    | ${`${A},3,0,${BASE}`}
    ${'an unreadable start (no deployment)'}  | ${fp({ isDeployment: true, startedAt: 'yesterday' })}                                                                                                                                       | ${`${A},1,0`}
    ${'without an owner'}                     | ${fp({ ownerRef: undefined, environment: 'staging' })}                                                                                                                                      | ${'null,"component:default/a",0,0'}
    ${'part of a system'}                     | ${fp({ systemRef: 'system:default/s', isDeployment: true, startedAt: iso(BASE), failed: true, failureCauses: ['incident'], firstFailureSignalAt: iso(BASE + HOUR) })}                       | ${`${A},87,0,"system:default/s",${BASE},${BASE + HOUR}`}
    ${'part of a system, outside production'} | ${fp({ systemRef: 'system:default/s', environment: 'staging' })}                                                                                                                            | ${`${A},0,0`}
    ${'rework'}                               | ${fp({ isDeployment: true, isRework: true, startedAt: iso(BASE), promotedAt: iso(BASE + HOUR) })}                                                                                           | ${`${A},139,0,${BASE},${BASE + HOUR}`}
    ${'rework in a system, failed'}           | ${fp({ systemRef: 'system:default/s', isDeployment: true, isRework: true, startedAt: iso(BASE), failed: true, failureCauses: ['incident'], firstFailureSignalAt: iso(BASE + HOUR) })}       | ${`${A},215,0,"system:default/s",${BASE},${BASE + HOUR}`}
    ${'rework without a readable start'}      | ${fp({ isDeployment: true, isRework: true, startedAt: 'yesterday' })}                                                                                                                       | ${`${A},1,0`}
  `('packs a footprint $name', ({ footprint, packed }) => {
    expect(packFootprint(footprint)).toBe(packed);
  });

  it('walks several joined footprints', () => {
    const joined = parsePacked(
      [
        'null,"component:default/b",0,0',
        `${A},11,2,${BASE},${BASE + HOUR},1,2`,
        `${A},119,0,"system:default/s",${BASE},${BASE + HOUR},0`,
        `${A},139,0,${BASE},${BASE + HOUR}`,
      ].join(','),
    );
    const seen: unknown[] = [];
    expect(
      forEachPackedFootprint(joined, (ownerRef, entityRef, t, systemRef) =>
        seen.push({
          ownerRef,
          entityRef,
          systemRef,
          ...t,
          leadTimesMs: Array.from(t.leadTimesMs),
        }),
      ),
    ).toBe(4);
    expect(seen).toEqual([
      expect.objectContaining({
        ownerRef: undefined,
        entityRef: 'component:default/b',
        production: false,
      }),
      expect.objectContaining({
        ownerRef: 'group:default/t',
        entityRef: 'component:default/a',
        production: true,
        deployment: true,
        failed: false,
        rework: false,
        startedMs: BASE,
        promotedMs: BASE + HOUR,
        leadTimesMs: [1, 2],
        timeToRestoreMs: undefined,
        systemRef: undefined,
      }),
      expect.objectContaining({
        systemRef: 'system:default/s',
        production: true,
        deployment: true,
        failed: true,
        startedMs: BASE,
        promotedMs: NaN,
        firstFailureSignalMs: BASE + HOUR,
        timeToRestoreMs: 0,
        leadTimesMs: [],
        rework: false,
      }),
      expect.objectContaining({
        production: true,
        deployment: true,
        rework: true,
        failed: false,
        startedMs: BASE,
        promotedMs: BASE + HOUR,
      }),
    ]);
    expect(forEachPackedFootprint(parsePacked(''), () => {})).toBe(0);
    expect(() => forEachPackedFootprint(joined.slice(0, -1), () => {})).toThrow(
      'expected a number',
    );
    expect(() => forEachPackedFootprint([1, 2, 3, 4], () => {})).toThrow(
      'expected refs',
    );
    expect(() =>
      forEachPackedFootprint([null, 'component:default/a', 65, 0, 5], () => {}),
    ).toThrow('expected a system at 4');
  });
});

// Release facts over a month, with everything a footprint can hold.
const time = fc
  .integer({ min: 0, max: 40 * DAY })
  .map(offset => iso(BASE + offset));
const inputArb: fc.Arbitrary<ReleaseMetricInput> = fc.record({
  releaseId: fc.uuid(),
  entityRef: fc.constantFrom(
    'component:default/a',
    'component:default/b',
    'component:default/c',
  ),
  ownerRef: fc.option(fc.constantFrom('group:default/t1', 'group:default/t2'), {
    nil: undefined,
  }),
  systemRef: fc.option(
    fc.constantFrom('system:default/s1', 'system:default/s2'),
    { nil: undefined },
  ),
  environment: fc.constantFrom('production', 'production', 'staging'),
  startedAt: fc.option(time, { nil: undefined }),
  promotedAt: fc.option(time, { nil: undefined }),
  rolledBackAt: fc.option(time, { nil: undefined, freq: 4 }),
  changes: fc.array(
    time.map(mergedAt => ({ mergedAt })),
    { maxLength: 4 },
  ),
  gateFailedAt: fc.array(time, { maxLength: 2 }),
  sloRestoredAt: fc.array(time, { maxLength: 2 }),
  incidents: fc.array(
    fc.record({
      incidentId: fc.uuid(),
      severity: fc.constantFrom('SEV-1', 'SEV-2', 'SEV-3', 'SEV-4'),
      startedAt: time,
      attribution: fc.constantFrom('explicit', 'window'),
    }),
    { maxLength: 2 },
  ),
  fixes: fc.array(fc.constantFrom('INC-1', 'payments@1'), { maxLength: 2 }),
  fixedBy: fc.array(fc.record({ releaseId: fc.uuid(), promotedAt: time }), {
    maxLength: 2,
  }),
}) as fc.Arbitrary<ReleaseMetricInput>;

/** A stored row as each database reads it back. */
function asRead(row: FootprintRow, db: 'sqlite' | 'pg') {
  return db === 'sqlite'
    ? {
        ...row,
        is_deployment: row.is_deployment ? 1 : 0,
        is_rework: row.is_rework ? 1 : 0,
        failed: +row.failed,
      }
    : {
        ...row,
        restore_ms: row.restore_ms === null ? null : String(row.restore_ms),
      };
}

describe('the packed column', () => {
  it('round-trips: stored row, ReleaseFootprint and the migration back-fill agree', () => {
    fc.assert(
      fc.property(inputArb, time, (input, firstEventAt) => {
        const row = footprintRow(input, firstEventAt);
        for (const db of ['sqlite', 'pg'] as const) {
          const read = asRead(row, db) as unknown as FootprintRow;
          expect(packFootprint(fromFootprintRow(read))).toBe(row.packed);
          // The fixes migration re-packs rows in today's format.
          expect(fixesMigration.packRow(read)).toBe(row.packed);
          // The packed migration predates systems and rework: its rows are
          // ours without them (and identical for a release without either).
          expect(migration.packRow(read)).toBe(
            packFootprint(
              fromFootprintRow({ ...read, system_ref: null, is_rework: false }),
            ),
          );
          const isRework = row.is_rework;
          expect(isRework).toBe(
            input.environment === 'production' &&
              input.startedAt !== undefined &&
              input.fixes!.length > 0,
          );
          expect(migration.packRow(read) === row.packed).toBe(
            (!input.systemRef && !isRework) ||
              input.environment !== 'production',
          );
        }
        expect(forEachPackedFootprint(parsePacked(row.packed), () => {})).toBe(
          1,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('gives the figures, team rows and contributors of the ReleaseFootprints it packs', () => {
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
        fc.array(inputArb, { maxLength: 40 }),
        windowArb,
        fc.integer({ min: 0, max: 3 }),
        (inputs, window, minSamples) => {
          const rows = inputs.map(i =>
            footprintRow(i, i.startedAt ?? iso(BASE)),
          );
          const footprints = rows.map(fromFootprintRow);
          const options = {
            ...window,
            bandSet: BAND_SETS['dora-2021'],
            minSamples,
          };

          // As the store answers them: joined into one list.
          const rollup = new MetricsRollup({
            ...options,
            teams: true,
            contributors: true,
          });
          rollup.addPacked(parsePacked(rows.map(r => r.packed).join(',')));

          expect(rollup.metrics()).toEqual(
            computeDoraMetrics(footprints, options),
          );
          expect(rollup.teamRows(new Map())).toEqual(
            referenceTeams(footprints, options),
          );
          expect(rollup.topContributors()).toEqual(
            referenceContributors(footprints, window),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Team rows by definition: computeDoraMetrics over each owner's releases. */
function referenceTeams(
  footprints: ReleaseFootprint[],
  options: Parameters<typeof computeDoraMetrics>[1],
) {
  const owners = [
    ...new Set(footprints.flatMap(f => (f.ownerRef ? [f.ownerRef] : []))),
  ];
  return owners
    .map(groupRef => {
      const { trend: _trend, ...metrics } = computeDoraMetrics(
        footprints.filter(f => f.ownerRef === groupRef),
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
}

/** Top contributing systems by definition, on the footprints' ISO times. */
function referenceContributors(
  footprints: ReleaseFootprint[],
  window: { from: string; to: string },
): ContributingSystem[] {
  const started = footprints.filter(
    f =>
      f.environment === 'production' &&
      f.isDeployment &&
      f.startedAt! >= window.from &&
      f.startedAt! < window.to,
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
  // A component without a system stands for itself.
  const systemOf = (f: ReleaseFootprint) => f.systemRef ?? f.entityRef;
  const systems = [...new Set(started.map(systemOf))].map(systemRef => {
    const ofSystem = started.filter(f => systemOf(f) === systemRef);
    const components = [...new Set(ofSystem.map(f => f.entityRef))].map(
      entityRef => {
        const mine = ofSystem.filter(f => f.entityRef === entityRef);
        // The owner of the latest deployment; the smaller ref on a tie.
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
    return {
      systemRef,
      failures: ofSystem.filter(f => f.failed).length,
      deployments: ofSystem.length,
      components: ranked(components, c => c.entityRef),
    };
  });
  return ranked(systems, s => s.systemRef).slice(0, 3);
}
