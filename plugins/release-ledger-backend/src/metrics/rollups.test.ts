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
  systemRef?: string,
  environment = 'production',
): ReleaseFootprint => ({
  releaseId,
  entityRef,
  ownerRef,
  systemRef,
  environment,
  isDeployment: true,
  startedAt,
  leadTimesMs: [],
  failed,
  failureCauses: failed ? ['rolled_back'] : [],
});

describe('topContributors', () => {
  const SHOP = 'system:default/shop';
  const SEARCH = 'system:default/search';
  const at = (day: number) =>
    `2026-11-${String(day).padStart(2, '0')}T00:00:00.000Z`;

  it('ranks systems by failures in the window, then deployments, then ref, keeping 3, with their failing components beneath', () => {
    const footprints = [
      // shop: a (2 of 2) and b (1 of 2) → 3 failures in 4 deployments.
      fp('a1', 'component:default/a', 'group:default/t', at(2), true, SHOP),
      fp('a2', 'component:default/a', 'group:default/t', at(3), true, SHOP),
      fp('b1', 'component:default/b', 'group:default/u', at(2), true, SHOP),
      fp('b2', 'component:default/b', 'group:default/u', at(4), false, SHOP),
      // search: g (0 of 1) and h (1 of 1) → 1 failure in 2 deployments.
      fp('g1', 'component:default/g', 'group:default/u', at(5), false, SEARCH),
      fp('h1', 'component:default/h', 'group:default/u', at(5), true, SEARCH),
      // c and d have no system: each stands for itself, 1 of 1.
      fp('c1', 'component:default/c', 'group:default/u', at(5), true),
      fp('d1', 'component:default/d', 'group:default/u', at(5), true),
      // Outside the window, in staging, or without failures: not counted.
      fp(
        'a0',
        'component:default/a',
        'group:default/t',
        '2026-10-31T23:59:59.999Z',
        true,
        SHOP,
      ),
      fp(
        'e1',
        'component:default/e',
        'group:default/u',
        at(5),
        true,
        SEARCH,
        'staging',
      ),
      fp('f1', 'component:default/f', 'group:default/u', at(5), false),
    ];
    expect(topContributors(footprints, { from, to })).toEqual([
      {
        systemRef: SHOP,
        failures: 3,
        deployments: 4,
        components: [
          {
            entityRef: 'component:default/a',
            ownerRef: 'group:default/t',
            failures: 2,
            deployments: 2,
          },
          {
            entityRef: 'component:default/b',
            ownerRef: 'group:default/u',
            failures: 1,
            deployments: 2,
          },
        ],
      },
      {
        systemRef: SEARCH,
        failures: 1,
        deployments: 2,
        components: [
          {
            entityRef: 'component:default/h',
            ownerRef: 'group:default/u',
            failures: 1,
            deployments: 1,
          },
        ],
      },
      {
        systemRef: 'component:default/c',
        failures: 1,
        deployments: 1,
        components: [
          {
            entityRef: 'component:default/c',
            ownerRef: 'group:default/u',
            failures: 1,
            deployments: 1,
          },
        ],
      },
    ]);
  });

  it('counts a release for the system its component was part of when it started', () => {
    const moved = [
      fp('m1', 'component:default/m', 'group:default/t', at(2), true, SHOP),
      fp('m2', 'component:default/m', 'group:default/t', at(3), true, SHOP),
      fp('m3', 'component:default/m', 'group:default/t', at(9), true, SEARCH),
    ];
    expect(
      topContributors(moved, { from, to }).map(s => [
        s.systemRef,
        s.failures,
        s.components.map(c => c.entityRef),
      ]),
    ).toEqual([
      [SHOP, 2, ['component:default/m']],
      [SEARCH, 1, ['component:default/m']],
    ]);
  });

  it("names the owner of the component's latest deployment when the owner changed", () => {
    const moved = [
      fp('m2', 'component:default/m', 'group:default/new', at(9), true),
      fp('m1', 'component:default/m', 'group:default/old', at(2), true),
      // Later, but outside the window: not a deployment of this window.
      fp('m3', 'component:default/m', 'group:default/later', at(30), true),
    ];
    for (const footprints of [moved, [...moved].reverse()]) {
      expect(topContributors(footprints, { from, to })).toEqual([
        {
          systemRef: 'component:default/m',
          failures: 2,
          deployments: 2,
          components: [
            {
              entityRef: 'component:default/m',
              ownerRef: 'group:default/new',
              failures: 2,
              deployments: 2,
            },
          ],
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
