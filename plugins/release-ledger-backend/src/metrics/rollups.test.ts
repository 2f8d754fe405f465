import {
  BAND_SETS,
  ReleaseFootprint,
} from '@release-ledger/plugin-release-ledger-common';
import { teamRows, topContributors } from './rollups';

const from = '2026-11-01T00:00:00.000Z';
const to = '2026-11-29T00:00:00.000Z';

const fp = (
  releaseId: string,
  entityRef: string,
  ownerRef: string | undefined,
  startedAt: string,
  failed: boolean,
  environment = 'production',
): ReleaseFootprint => ({
  releaseId,
  entityRef,
  ownerRef,
  environment,
  isDeployment: true,
  startedAt,
  leadTimesMs: [],
  failed,
  failureCauses: failed ? ['rolled_back'] : [],
});

describe('topContributors', () => {
  it('ranks entities by failures in the window, then deployments, then ref, keeping 3', () => {
    const footprints = [
      fp(
        'a1',
        'component:default/a',
        'group:default/t',
        '2026-11-02T00:00:00.000Z',
        true,
      ),
      fp(
        'a2',
        'component:default/a',
        'group:default/t',
        '2026-11-03T00:00:00.000Z',
        true,
      ),
      fp(
        'b1',
        'component:default/b',
        'group:default/t',
        '2026-11-02T00:00:00.000Z',
        true,
      ),
      fp(
        'b2',
        'component:default/b',
        'group:default/t',
        '2026-11-04T00:00:00.000Z',
        false,
      ),
      fp(
        'c1',
        'component:default/c',
        'group:default/u',
        '2026-11-05T00:00:00.000Z',
        true,
      ),
      fp(
        'd1',
        'component:default/d',
        'group:default/u',
        '2026-11-05T00:00:00.000Z',
        true,
      ),
      // Outside the window, in staging, or without failures: not counted.
      fp(
        'a0',
        'component:default/a',
        'group:default/t',
        '2026-10-31T23:59:59.999Z',
        true,
      ),
      fp(
        'e1',
        'component:default/e',
        'group:default/u',
        '2026-11-05T00:00:00.000Z',
        true,
        'staging',
      ),
      fp(
        'f1',
        'component:default/f',
        'group:default/u',
        '2026-11-05T00:00:00.000Z',
        false,
      ),
    ];
    expect(topContributors(footprints, { from, to })).toEqual([
      {
        entityRef: 'component:default/a',
        ownerRef: 'group:default/t',
        failures: 2,
        deployments: 2,
      },
      {
        entityRef: 'component:default/b',
        ownerRef: 'group:default/t',
        failures: 1,
        deployments: 2,
      },
      {
        entityRef: 'component:default/c',
        ownerRef: 'group:default/u',
        failures: 1,
        deployments: 1,
      },
    ]);
  });

  it("names the owner of the entity's latest deployment when the owner changed", () => {
    const moved = [
      fp(
        'm2',
        'component:default/m',
        'group:default/new',
        '2026-11-09T00:00:00.000Z',
        true,
      ),
      fp(
        'm1',
        'component:default/m',
        'group:default/old',
        '2026-11-02T00:00:00.000Z',
        true,
      ),
      // Later, but outside the window: not a deployment of this window.
      fp(
        'm3',
        'component:default/m',
        'group:default/later',
        '2026-11-30T00:00:00.000Z',
        true,
      ),
    ];
    for (const footprints of [moved, [...moved].reverse()]) {
      expect(topContributors(footprints, { from, to })).toEqual([
        {
          entityRef: 'component:default/m',
          ownerRef: 'group:default/new',
          failures: 2,
          deployments: 2,
        },
      ]);
    }
  });
});

describe('teamRows', () => {
  it('gives each owner its own figures, worst change failure rate first', () => {
    const rows = teamRows(
      [
        fp(
          'a1',
          'component:default/a',
          'group:default/t',
          '2026-11-02T00:00:00.000Z',
          false,
        ),
        fp(
          'b1',
          'component:default/b',
          'group:default/u',
          '2026-11-02T00:00:00.000Z',
          true,
        ),
        fp(
          'b2',
          'component:default/b',
          'group:default/u',
          '2026-11-03T00:00:00.000Z',
          false,
        ),
        fp(
          'x1',
          'component:default/x',
          undefined,
          '2026-11-03T00:00:00.000Z',
          true,
        ),
      ],
      {
        from,
        to,
        bandSet: BAND_SETS['dora-2023'],
        minSamples: 1,
        titles: new Map([['group:default/u', 'Team U']]),
      },
    );
    expect(
      rows.map(r => [r.groupRef, r.title, r.metrics.changeFailureRate.rate]),
    ).toEqual([
      ['group:default/u', 'Team U', 0.5],
      ['group:default/t', undefined, 0],
    ]);
    expect('trend' in rows[0].metrics).toBe(false);
  });
});
