import fc from 'fast-check';
import { IncidentRecord, attributeIncidents } from './attribution';
import { BAND_SETS } from './bands';
import {
  computeDoraMetrics,
  DoraMetricsAccumulator,
  footprintTimes,
} from './computeDoraMetrics';
import {
  ReleaseFootprint,
  ReleaseMetricInput,
  releaseFootprint,
} from './footprint';

const HOUR = 3_600_000;
const payments = 'component:default/payments';

type ReleaseFacts = Omit<ReleaseMetricInput, 'incidents'>;

function release(id: number, facts: Partial<ReleaseFacts>): ReleaseFacts {
  return {
    releaseId: `payments@${id}`,
    entityRef: payments,
    ownerRef: 'group:default/payments-team',
    environment: 'production',
    changes: [],
    ...facts,
  };
}

const merged = (...times: string[]) => times.map(mergedAt => ({ mergedAt }));

/*
 * Two weeks of one service, Monday 2 March to Sunday 15 March 2026 (UTC).
 * Hours below are lead times (promoted − merged) and times to restore.
 */
const releases: ReleaseFacts[] = [
  // Started the day before the window, promoted inside it: a deploy, not a
  // deployment of this window (nor rework of it). Lead time 2 h.
  release(0, {
    fixes: ['INC-0'],
    startedAt: '2026-03-01T23:00:00Z',
    promotedAt: '2026-03-02T00:30:00Z',
    changes: merged('2026-03-01T22:30:00Z'),
  }),
  // Clean. Lead times 1, 2, 3 h.
  release(1, {
    startedAt: '2026-03-02T09:00:00Z',
    promotedAt: '2026-03-02T10:00:00Z',
    changes: merged(
      '2026-03-02T09:00:00Z',
      '2026-03-02T08:00:00Z',
      '2026-03-02T07:00:00Z',
    ),
  }),
  // Rolled back in canary: failure, restored by the rollback itself (0 h).
  // Never promoted, so its change has no lead time.
  release(2, {
    startedAt: '2026-03-03T09:00:00Z',
    rolledBackAt: '2026-03-03T09:30:00Z',
    changes: merged('2026-03-03T08:00:00Z'),
  }),
  // INC-1 names it (SEV-2): failure, 12:00 → SLO restored 14:00 = 2 h.
  // Lead time 24 h.
  release(3, {
    startedAt: '2026-03-04T09:00:00Z',
    promotedAt: '2026-03-04T10:00:00Z',
    changes: merged('2026-03-03T10:00:00Z'),
    sloRestoredAt: ['2026-03-04T14:00:00Z'],
  }),
  // INC-2 (SEV-1) starts 24 h after its promotion: attributed by the
  // window, failure, 10:00 → 11:00 = 1 h. Lead times 5 and 10 h.
  release(4, {
    startedAt: '2026-03-05T09:00:00Z',
    promotedAt: '2026-03-05T10:00:00Z',
    changes: merged('2026-03-05T05:00:00Z', '2026-03-05T00:00:00Z'),
    sloRestoredAt: ['2026-03-06T11:00:00Z'],
  }),
  // INC-3 is SEV-3: attributed, not a failure. Lead time 2 h.
  release(5, {
    startedAt: '2026-03-09T09:00:00Z',
    promotedAt: '2026-03-09T10:00:00Z',
    changes: merged('2026-03-09T08:00:00Z'),
  }),
  // Second promotion on 9 March: one more deploy, no more deploy days.
  // It fixes INC-3: rework. Lead time 1 h.
  release(6, {
    fixes: ['INC-3'],
    startedAt: '2026-03-09T13:00:00Z',
    promotedAt: '2026-03-09T14:00:00Z',
    changes: merged('2026-03-09T13:00:00Z'),
  }),
  // Staging: counts for nothing, fixes or not.
  release(7, {
    environment: 'staging',
    fixes: ['payments@2'],
    startedAt: '2026-03-10T09:00:00Z',
    promotedAt: '2026-03-10T10:00:00Z',
    rolledBackAt: '2026-03-10T11:00:00Z',
    changes: merged('2026-03-10T08:00:00Z'),
  }),
  // INC-5 names it (SEV-1), never restored.
  release(10, {
    startedAt: '2026-03-12T09:00:00Z',
    promotedAt: '2026-03-12T10:00:00Z',
  }),
  // Promoted in the last millisecond of the window; fixes release 10:
  // rework (its promotion restores nothing here: footprintsOf below does
  // not look fixes up, as the backend does).
  release(8, {
    fixes: ['payments@10'],
    startedAt: '2026-03-15T22:00:00Z',
    promotedAt: '2026-03-15T23:59:59.999Z',
  }),
  // Starts at the window's (exclusive) end: outside, rework or not.
  release(9, {
    fixes: ['INC-4'],
    startedAt: '2026-03-16T00:00:00Z',
    promotedAt: '2026-03-16T00:30:00Z',
    changes: merged('2026-03-15T23:30:00Z'),
  }),
];

const incidents: IncidentRecord[] = [
  {
    incidentId: 'INC-1',
    entityRef: payments,
    severity: 'SEV-2',
    startedAt: '2026-03-04T12:00:00Z',
    releaseId: 'payments@3',
  },
  {
    incidentId: 'INC-2',
    entityRef: payments,
    severity: 'SEV-1',
    startedAt: '2026-03-06T10:00:00Z',
  },
  {
    incidentId: 'INC-3',
    entityRef: payments,
    severity: 'SEV-3',
    startedAt: '2026-03-09T12:00:00Z',
  },
  // 73 h after the latest promotion (payments@10): blamed on nothing.
  {
    incidentId: 'INC-4',
    entityRef: payments,
    severity: 'SEV-1',
    startedAt: '2026-03-15T11:00:00Z',
  },
  {
    incidentId: 'INC-5',
    entityRef: payments,
    severity: 'SEV-1',
    startedAt: '2026-03-12T11:00:00Z',
    releaseId: 'payments@10',
  },
];

/** What the backend will do: attribute incidents, then footprint releases. */
function footprintsOf(
  facts: ReleaseFacts[],
  incidentRecords: IncidentRecord[],
): ReleaseFootprint[] {
  const promotions = facts.flatMap(r =>
    r.environment === 'production' && r.promotedAt
      ? [{ ...r, promotedAt: r.promotedAt }]
      : [],
  );
  const attributions = attributeIncidents(incidentRecords, promotions);
  return facts.map(r =>
    releaseFootprint({
      ...r,
      incidents: incidentRecords.flatMap((incident, i) => {
        const attribution = attributions[i];
        return attribution.method !== 'unattributed' &&
          attribution.releaseId === r.releaseId
          ? [{ ...incident, attribution: attribution.method }]
          : [];
      }),
    }),
  );
}

const footprints = footprintsOf(releases, incidents);
const twoWeeks = {
  from: '2026-03-02T00:00:00Z',
  to: '2026-03-16T00:00:00Z',
};
const close = (value: number) => expect.closeTo(value, 3);

describe('computeDoraMetrics', () => {
  it('attributes the history as described', () => {
    const promotions = releases.flatMap(r =>
      r.environment === 'production' && r.promotedAt
        ? [{ ...r, promotedAt: r.promotedAt }]
        : [],
    );
    expect(attributeIncidents(incidents, promotions)).toEqual([
      { incidentId: 'INC-1', method: 'explicit', releaseId: 'payments@3' },
      { incidentId: 'INC-2', method: 'window', releaseId: 'payments@4' },
      { incidentId: 'INC-3', method: 'window', releaseId: 'payments@5' },
      { incidentId: 'INC-4', method: 'unattributed' },
      { incidentId: 'INC-5', method: 'explicit', releaseId: 'payments@10' },
    ]);
  });

  it('computes every figure of the history by its definition', () => {
    const metrics = computeDoraMetrics(footprints, twoWeeks);
    expect(metrics).toEqual({
      from: '2026-03-02T00:00:00.000Z',
      to: '2026-03-16T00:00:00.000Z',
      bandSet: 'dora-2023',
      minSamples: 5,
      // Promotions of releases 0, 1, 3, 4, 5, 6, 10, 8 on 2, 4, 5, 9, 12
      // and 15 March, over two weeks.
      deploymentFrequency: {
        sampleSize: 8,
        notEnoughData: false,
        band: 'elite',
        deploys: 8,
        deploysPerWeek: 4,
        deployDays: 6,
        deployDaysPerWeek: 3,
      },
      // Lead times 1, 1, 2, 2, 2, 3, 5, 10, 24 h: median 2 h;
      // p90 at rank 7.2 = 10 + 0.2 × (24 − 10) = 12.8 h.
      leadTime: {
        sampleSize: 9,
        notEnoughData: false,
        band: 'elite',
        p50Ms: 2 * HOUR,
        p90Ms: close(12.8 * HOUR),
      },
      // Started 1, 2, 3, 4, 5, 6, 10, 8; failed 2, 3, 4, 10.
      changeFailureRate: {
        sampleSize: 8,
        notEnoughData: false,
        band: 'low',
        deployments: 8,
        failures: 4,
        rate: 0.5,
      },
      // Restored in 0, 1, 2 h; release 10 not restored. Median 1 h;
      // p95 at rank 1.9 = 1 + 0.9 × (2 − 1) = 1.9 h. Three samples: no band.
      timeToRestore: {
        sampleSize: 3,
        notEnoughData: true,
        p50Ms: 1 * HOUR,
        p95Ms: close(1.9 * HOUR),
        unrestored: 1,
      },
      // Started 1, 2, 3, 4, 5, 6, 10, 8; 6 and 8 fix something. Eight
      // samples, but never a band: no band set ranks it.
      reworkRate: {
        sampleSize: 8,
        notEnoughData: false,
        deployments: 8,
        reworkDeployments: 2,
        rate: 0.25,
      },
      trend: [
        {
          weekStart: '2026-03-02T00:00:00.000Z',
          partial: false,
          deploys: 4,
          deployDays: 3,
          // 1, 2, 2, 3, 5, 10, 24 h: median 3 h; p90 at rank 5.4 = 15.6 h.
          changes: 7,
          leadTimeP50Ms: 3 * HOUR,
          leadTimeP90Ms: close(15.6 * HOUR),
          deployments: 4,
          failures: 3,
          changeFailureRate: 0.75,
          restored: 3,
          timeToRestoreP50Ms: 1 * HOUR,
          timeToRestoreP95Ms: close(1.9 * HOUR),
          reworkDeployments: 0,
          reworkRate: 0,
        },
        {
          weekStart: '2026-03-09T00:00:00.000Z',
          partial: false,
          deploys: 4,
          deployDays: 3,
          // 1, 2 h: median 1.5 h; p90 at rank 0.9 = 1.9 h.
          changes: 2,
          leadTimeP50Ms: 1.5 * HOUR,
          leadTimeP90Ms: close(1.9 * HOUR),
          deployments: 4,
          failures: 1,
          changeFailureRate: 0.25,
          restored: 0,
          reworkDeployments: 2,
          reworkRate: 0.5,
        },
      ],
    });
  });

  it.each`
    bandSet        | minSamples | deploymentFrequency | leadTime     | changeFailureRate | timeToRestore
    ${'dora-2023'} | ${5}       | ${'elite'}          | ${'elite'}   | ${'low'}          | ${undefined}
    ${'dora-2021'} | ${5}       | ${'elite'}          | ${'high'}    | ${'low'}          | ${undefined}
    ${'dora-2023'} | ${3}       | ${'elite'}          | ${'elite'}   | ${'low'}          | ${'elite'}
    ${'dora-2023'} | ${9}       | ${undefined}        | ${'elite'}   | ${undefined}      | ${undefined}
    ${'dora-2023'} | ${10}      | ${undefined}        | ${undefined} | ${undefined}      | ${undefined}
  `(
    'bands the history on $bandSet with at least $minSamples samples',
    ({ bandSet, minSamples, ...bands }) => {
      const metrics = computeDoraMetrics(footprints, {
        ...twoWeeks,
        bandSet: BAND_SETS[bandSet as keyof typeof BAND_SETS],
        minSamples,
      });
      expect({
        deploymentFrequency: metrics.deploymentFrequency.band,
        leadTime: metrics.leadTime.band,
        changeFailureRate: metrics.changeFailureRate.band,
        timeToRestore: metrics.timeToRestore.band,
      }).toEqual(bands);
      expect(metrics.bandSet).toBe(bandSet);
      // Same sample as the change failure rate, but no table to band it on.
      expect(metrics.reworkRate).toEqual({
        sampleSize: 8,
        notEnoughData: minSamples > 8,
        deployments: 8,
        reworkDeployments: 2,
        rate: 0.25,
      });
    },
  );

  it('counts only what falls inside a window that starts and ends mid-week', () => {
    const metrics = computeDoraMetrics(footprints, {
      from: '2026-03-04T12:00:00Z',
      to: '2026-03-11T12:00:00Z',
      minSamples: 1,
    });
    // Promotions of 4, 5, 6 (3 is promoted at 10:00, before the window).
    expect(metrics.deploymentFrequency).toMatchObject({
      deploys: 3,
      deploysPerWeek: 3,
      deployDays: 2,
      deployDaysPerWeek: 2,
    });
    // 1, 2, 5, 10 h: median 3.5 h; p90 at rank 2.7 = 5 + 0.7 × 5 = 8.5 h.
    expect(metrics.leadTime).toMatchObject({
      sampleSize: 4,
      p50Ms: 3.5 * HOUR,
      p90Ms: close(8.5 * HOUR),
    });
    // Started 4, 5, 6; failed 4; 6 is rework.
    expect(metrics.changeFailureRate).toMatchObject({
      deployments: 3,
      failures: 1,
      rate: close(1 / 3),
    });
    expect(metrics.reworkRate).toEqual({
      sampleSize: 3,
      notEnoughData: false,
      deployments: 3,
      reworkDeployments: 1,
      rate: close(1 / 3),
    });
    // Only release 4's 1 h: INC-1 starts exactly at `from`, but release 3
    // started before the window, so its failure is not this window's (its
    // change failure rate does not count it either).
    expect(metrics.timeToRestore).toMatchObject({
      sampleSize: 1,
      p50Ms: 1 * HOUR,
      p95Ms: 1 * HOUR,
      unrestored: 0,
    });
    expect(metrics.trend).toEqual([
      expect.objectContaining({
        weekStart: '2026-03-02T00:00:00.000Z',
        partial: true,
        deploys: 1,
        deployDays: 1,
        changes: 2,
        deployments: 1,
        failures: 1,
        restored: 1,
        reworkDeployments: 0,
        reworkRate: 0,
      }),
      expect.objectContaining({
        weekStart: '2026-03-09T00:00:00.000Z',
        partial: true,
        deploys: 2,
        deployDays: 1,
        changes: 2,
        deployments: 2,
        failures: 0,
        changeFailureRate: 0,
        restored: 0,
        reworkDeployments: 1,
        reworkRate: 0.5,
      }),
    ]);
  });

  it('puts Sunday 23:59:59.999Z and the next Monday 00:00Z in different weeks', () => {
    const metrics = computeDoraMetrics(
      [
        release(1, { promotedAt: '2026-03-15T23:59:59.999Z' }),
        release(2, { promotedAt: '2026-03-16T00:00:00.000Z' }),
      ].map(r => releaseFootprint({ ...r, incidents: [] })),
      { from: '2026-03-09T00:00:00Z', to: '2026-03-23T00:00:00Z' },
    );
    expect(metrics.deploymentFrequency.deployDays).toBe(2);
    expect(
      metrics.trend.map(({ weekStart, deploys, deployDays }) => ({
        weekStart,
        deploys,
        deployDays,
      })),
    ).toEqual([
      { weekStart: '2026-03-09T00:00:00.000Z', deploys: 1, deployDays: 1 },
      { weekStart: '2026-03-16T00:00:00.000Z', deploys: 1, deployDays: 1 },
    ]);
  });

  it.each`
    season            | from                      | to                        | promotedAt                | weekStarts
    ${'late March'}   | ${'2026-03-23T00:00:00Z'} | ${'2026-04-06T00:00:00Z'} | ${'2026-03-29T01:30:00Z'} | ${['2026-03-23', '2026-03-30']}
    ${'late October'} | ${'2026-10-19T00:00:00Z'} | ${'2026-11-02T00:00:00Z'} | ${'2026-10-25T01:30:00Z'} | ${['2026-10-19', '2026-10-26']}
  `(
    'keeps 7-day UTC weeks across the $season clock change',
    ({ from, to, promotedAt, weekStarts }) => {
      const metrics = computeDoraMetrics(
        [releaseFootprint({ ...release(1, { promotedAt }), incidents: [] })],
        { from, to },
      );
      expect(metrics.deploymentFrequency.deploysPerWeek).toBe(0.5);
      expect(
        metrics.trend.map(({ weekStart, partial, deploys }) => ({
          weekStart,
          partial,
          deploys,
        })),
      ).toEqual([
        {
          weekStart: `${weekStarts[0]}T00:00:00.000Z`,
          partial: false,
          deploys: 1,
        },
        {
          weekStart: `${weekStarts[1]}T00:00:00.000Z`,
          partial: false,
          deploys: 0,
        },
      ]);
    },
  );

  it.each`
    name                             | input
    ${'no releases'}                 | ${[]}
    ${'releases outside the window'} | ${footprints}
  `('reports an empty 90-day window ($name) without NaN', ({ input }) => {
    const metrics = computeDoraMetrics(input, {
      from: '2025-01-06T00:00:00Z',
      to: '2025-04-06T00:00:00Z',
    });
    const empty = { sampleSize: 0, notEnoughData: true };
    expect(metrics.deploymentFrequency).toEqual({
      ...empty,
      deploys: 0,
      deploysPerWeek: 0,
      deployDays: 0,
      deployDaysPerWeek: 0,
    });
    expect(metrics.leadTime).toEqual(empty);
    expect(metrics.changeFailureRate).toEqual({
      ...empty,
      deployments: 0,
      failures: 0,
    });
    expect(metrics.timeToRestore).toEqual({ ...empty, unrestored: 0 });
    expect(metrics.reworkRate).toEqual({
      ...empty,
      deployments: 0,
      reworkDeployments: 0,
    });
    // 6 January to 31 March: 13 Mondays, the last week cut short on 6 April.
    expect(metrics.trend).toHaveLength(13);
    expect(metrics.trend[12]).toEqual({
      weekStart: '2025-03-31T00:00:00.000Z',
      partial: true,
      deploys: 0,
      deployDays: 0,
      changes: 0,
      deployments: 0,
      failures: 0,
      restored: 0,
      reworkDeployments: 0,
    });
    expect(JSON.stringify(metrics)).not.toMatch(/null|NaN|Infinity/);
    const numbers = JSON.stringify(metrics).match(/-?\d+(\.\d+)?/g) ?? [];
    expect(numbers.every(n => Number.isFinite(Number(n)))).toBe(true);
  });

  it.each`
    days                                          | deployDaysPerWeek | band
    ${['2026-01-05', '2026-02-05', '2026-03-05']} | ${7 / 30}         | ${'medium'}
    ${['2026-01-05', '2026-01-05', '2026-03-05']} | ${7 / 45}         | ${'low'}
  `(
    'bands $days.length promotions in 90 days on deploy days: $band',
    ({ days, deployDaysPerWeek, band }) => {
      const metrics = computeDoraMetrics(
        days.map((day: string, i: number) =>
          releaseFootprint({
            ...release(i, { promotedAt: `${day}T10:00:00Z` }),
            incidents: [],
          }),
        ),
        {
          from: '2026-01-05T00:00:00Z',
          to: '2026-04-05T00:00:00Z',
          minSamples: 1,
        },
      );
      // Exactly "once a month" (7/30 per week) must reach Medium, not miss it
      // by a rounding error.
      expect(metrics.deploymentFrequency).toMatchObject({
        deploys: 3,
        deployDaysPerWeek,
        band,
      });
    },
  );

  it('does not depend on the order of footprints', () => {
    const expected = computeDoraMetrics(footprints, twoWeeks);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(footprints, { minLength: footprints.length }),
        shuffled => {
          expect(computeDoraMetrics(shuffled, twoWeeks)).toEqual(expected);
        },
      ),
    );
  });

  it.each`
    options                                                         | message
    ${{ from: '2026-03-16T00:00:00Z', to: '2026-03-02T00:00:00Z' }} | ${"from and to must be ISO 8601 date-times with from before to, got '2026-03-16T00:00:00Z' and '2026-03-02T00:00:00Z'"}
    ${{ from: '2026-03-02T00:00:00Z', to: '2026-03-02T00:00:00Z' }} | ${'with from before to'}
    ${{ from: 'last week', to: '2026-03-02T00:00:00Z' }}            | ${"got 'last week'"}
    ${{ ...twoWeeks, minSamples: -1 }}                              | ${'minSamples must be a non-negative integer, got -1'}
    ${{ ...twoWeeks, minSamples: 2.5 }}                             | ${'minSamples must be a non-negative integer, got 2.5'}
  `('refuses $options', ({ options, message }) => {
    expect(() => computeDoraMetrics([], options)).toThrow(message);
  });
});

describe('time to restore', () => {
  const week = { from: '2026-03-09T00:00:00Z', to: '2026-03-16T00:00:00Z' };

  it('does not count a release started before the window whose failure signal falls inside it', () => {
    const footprint = releaseFootprint({
      ...release(1, {
        startedAt: '2026-03-08T23:00:00Z',
        promotedAt: '2026-03-08T23:30:00Z',
        sloRestoredAt: ['2026-03-09T03:00:00Z'],
      }),
      incidents: [
        {
          incidentId: 'INC-1',
          severity: 'SEV-1',
          startedAt: '2026-03-09T01:00:00Z',
          attribution: 'explicit',
        },
      ],
    });
    expect(footprint).toMatchObject({
      failed: true,
      firstFailureSignalAt: '2026-03-09T01:00:00Z',
      timeToRestoreMs: 2 * HOUR,
    });
    const metrics = computeDoraMetrics([footprint], week);
    expect(metrics.changeFailureRate).toMatchObject({
      deployments: 0,
      failures: 0,
    });
    expect(metrics.timeToRestore).toEqual({
      sampleSize: 0,
      notEnoughData: true,
      unrestored: 0,
    });
    expect(metrics.trend[0]).toMatchObject({ failures: 0, restored: 0 });
    // The week it started in counts it, restore and all.
    const before = computeDoraMetrics([footprint], {
      from: '2026-03-02T00:00:00Z',
      to: '2026-03-09T00:00:00Z',
    });
    expect(before.changeFailureRate.failures).toBe(1);
    expect(before.timeToRestore).toMatchObject({
      sampleSize: 1,
      p50Ms: 2 * HOUR,
      unrestored: 0,
    });
    expect(before.trend[0]).toMatchObject({ failures: 1, restored: 1 });
  });

  it('counts a failure of the window restored after it, in the week the release started', () => {
    const footprint = releaseFootprint({
      ...release(1, {
        startedAt: '2026-03-15T22:00:00Z',
        rolledBackAt: '2026-03-16T02:00:00Z',
        gateFailedAt: ['2026-03-15T23:00:00Z'],
      }),
      incidents: [],
    });
    const metrics = computeDoraMetrics([footprint], week);
    expect(metrics.timeToRestore).toMatchObject({
      sampleSize: 1,
      p50Ms: 3 * HOUR,
    });
    expect(metrics.trend[0]).toMatchObject({
      failures: 1,
      restored: 1,
      timeToRestoreP50Ms: 3 * HOUR,
    });
  });

  it('never shows more restores than failures, nor more rework than deployments, in the window or in a week', () => {
    const time = fc
      .integer({ min: -10 * 24, max: 24 * 24 })
      .map(h => new Date(Date.parse('2026-03-02T00:00:00Z') + h * HOUR));
    const iso = (d: Date) => d.toISOString();
    const input = fc.record({
      startedAt: fc.option(time.map(iso), { nil: undefined }),
      promotedAt: fc.option(time.map(iso), { nil: undefined }),
      rolledBackAt: fc.option(time.map(iso), { nil: undefined, freq: 3 }),
      gateFailedAt: fc.array(time.map(iso), { maxLength: 2 }),
      sloRestoredAt: fc.array(time.map(iso), { maxLength: 2 }),
      fixes: fc.array(fc.constantFrom('INC-9', 'payments@0'), {
        maxLength: 1,
      }),
      fixedBy: fc.array(
        fc.record({
          releaseId: fc.constantFrom('payments@97', 'payments@98'),
          promotedAt: time.map(iso),
        }),
        { maxLength: 2 },
      ),
      incidents: fc.array(
        fc.record({
          incidentId: fc.constant('INC-1'),
          severity: fc.constantFrom(
            'SEV-1' as const,
            'SEV-2' as const,
            'SEV-3' as const,
          ),
          startedAt: time.map(iso),
          attribution: fc.constant('explicit' as const),
        }),
        { maxLength: 2 },
      ),
    });
    fc.assert(
      fc.property(fc.array(input, { maxLength: 30 }), inputs => {
        const metrics = computeDoraMetrics(
          inputs.map((facts, i) =>
            releaseFootprint({ ...release(i, {}), ...facts }),
          ),
          twoWeeks,
        );
        const { failures } = metrics.changeFailureRate;
        const { sampleSize, unrestored } = metrics.timeToRestore;
        // Exactly the change failure rate's failures, restored or not.
        expect(sampleSize + unrestored).toBe(failures);
        for (const point of metrics.trend) {
          expect(point.restored).toBeLessThanOrEqual(point.failures);
        }
        // Rework is counted over the change failure rate's deployments.
        expect(metrics.reworkRate.deployments).toBe(
          metrics.changeFailureRate.deployments,
        );
        expect(metrics.reworkRate.reworkDeployments).toBeLessThanOrEqual(
          metrics.reworkRate.deployments,
        );
        expect(metrics.trend.reduce((n, p) => n + p.reworkDeployments, 0)).toBe(
          metrics.reworkRate.reworkDeployments,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('deployment rework rate and restores by a fix', () => {
  const week = { from: '2026-03-09T00:00:00Z', to: '2026-03-16T00:00:00Z' };

  it('restores a failure at the promotion of the release that fixes it, and counts that release as rework', () => {
    // payments@1 fails with INC-1 at 10:00; payments@2 fixes INC-1 and is
    // promoted at 12:30, before the SLO is seen restored at 14:00.
    const failed = releaseFootprint({
      ...release(1, {
        startedAt: '2026-03-10T09:00:00Z',
        promotedAt: '2026-03-10T09:30:00Z',
        sloRestoredAt: ['2026-03-10T14:00:00Z'],
        fixedBy: [
          { releaseId: 'payments@2', promotedAt: '2026-03-10T12:30:00Z' },
        ],
      }),
      incidents: [
        {
          incidentId: 'INC-1',
          severity: 'SEV-1',
          startedAt: '2026-03-10T10:00:00Z',
          attribution: 'window',
        },
      ],
    });
    const fix = releaseFootprint({
      ...release(2, {
        startedAt: '2026-03-10T12:00:00Z',
        promotedAt: '2026-03-10T12:30:00Z',
        fixes: ['INC-1'],
      }),
      incidents: [],
    });
    expect(failed).toMatchObject({
      isRework: false,
      failed: true,
      restoredAt: '2026-03-10T12:30:00Z',
      timeToRestoreMs: 2.5 * HOUR,
    });
    const metrics = computeDoraMetrics([failed, fix], {
      ...week,
      minSamples: 1,
    });
    expect(metrics.timeToRestore).toMatchObject({
      sampleSize: 1,
      p50Ms: 2.5 * HOUR,
      unrestored: 0,
    });
    expect(metrics.changeFailureRate).toMatchObject({
      deployments: 2,
      failures: 1,
    });
    // Enough samples, and still no band.
    expect(metrics.reworkRate).toEqual({
      sampleSize: 2,
      notEnoughData: false,
      deployments: 2,
      reworkDeployments: 1,
      rate: 0.5,
    });
    expect(metrics.trend[0]).toMatchObject({
      deployments: 2,
      reworkDeployments: 1,
      reworkRate: 0.5,
      restored: 1,
      timeToRestoreP50Ms: 2.5 * HOUR,
    });
  });

  it('buckets rework by the week the release started, as the change failure rate does', () => {
    const rework = releaseFootprint({
      ...release(1, {
        startedAt: '2026-03-08T23:00:00Z',
        promotedAt: '2026-03-09T01:00:00Z',
        fixes: ['INC-1'],
      }),
      incidents: [],
    });
    // Promoted in this week, started in the one before: a deploy here, not
    // a deployment, so not rework of this week either.
    const metrics = computeDoraMetrics([rework], week);
    expect(metrics.deploymentFrequency.deploys).toBe(1);
    expect(metrics.reworkRate).toEqual({
      sampleSize: 0,
      notEnoughData: true,
      deployments: 0,
      reworkDeployments: 0,
    });
    const before = computeDoraMetrics([rework], {
      from: '2026-03-02T00:00:00Z',
      to: '2026-03-09T00:00:00Z',
    });
    expect(before.reworkRate).toMatchObject({
      deployments: 1,
      reworkDeployments: 1,
      rate: 1,
      notEnoughData: true,
    });
    expect(before.trend[0]).toMatchObject({
      reworkDeployments: 1,
      reworkRate: 1,
    });
  });

  it('counts a footprint recorded before rework was as not rework', () => {
    const { isRework: _none, ...older } = releaseFootprint({
      ...release(1, { startedAt: '2026-03-10T09:00:00Z', fixes: ['INC-1'] }),
      incidents: [],
    });
    expect(footprintTimes(older).rework).toBe(false);
    expect(computeDoraMetrics([older], week).reworkRate.reworkDeployments).toBe(
      0,
    );
  });
});

describe('computeDoraMetrics without the trend', () => {
  it('answers the same figures and an empty series', () => {
    const history = [
      {
        releaseId: 'r1',
        entityRef: 'component:default/a',
        environment: 'production',
        isDeployment: true,
        startedAt: '2026-11-02T10:00:00.000Z',
        promotedAt: '2026-11-02T11:00:00.000Z',
        leadTimesMs: [3_600_000, 7_200_000],
        failed: true,
        failureCauses: ['rolled_back' as const],
        firstFailureSignalAt: '2026-11-02T12:00:00.000Z',
        restoredAt: '2026-11-02T12:30:00.000Z',
        timeToRestoreMs: 1_800_000,
      },
    ];
    const options = {
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-29T00:00:00.000Z',
    };
    const full = computeDoraMetrics(history, options);
    const { trend, ...figures } = computeDoraMetrics(history, {
      ...options,
      trend: false,
    });
    const { trend: fullTrend, ...fullFigures } = full;
    expect(trend).toEqual([]);
    expect(fullTrend).toHaveLength(5);
    expect(figures).toEqual(fullFigures);
    expect(figures.changeFailureRate.failures).toBe(1);
  });
});

describe('DoraMetricsAccumulator', () => {
  it('answers what computeDoraMetrics answers, fed one footprint at a time, and can be read twice', () => {
    const accumulator = new DoraMetricsAccumulator(twoWeeks);
    const times = footprints.map(f => footprintTimes(f));
    // Times as parsed epoch ms; absent ones are NaN.
    expect(times[2]).toMatchObject({
      production: true,
      deployment: true,
      promotedMs: NaN,
      failed: true,
      firstFailureSignalMs: Date.parse('2026-03-03T09:30:00Z'),
      timeToRestoreMs: 0,
    });
    for (const t of times) accumulator.add(t);
    const expected = computeDoraMetrics(footprints, twoWeeks);
    expect(accumulator.metrics()).toEqual(expected);
    expect(accumulator.metrics()).toEqual(expected);
  });

  it('refuses a window it cannot compute', () => {
    expect(
      () =>
        new DoraMetricsAccumulator({
          from: '2026-03-16T00:00:00Z',
          to: '2026-03-02T00:00:00Z',
        }),
    ).toThrow('with from before to');
  });
});
