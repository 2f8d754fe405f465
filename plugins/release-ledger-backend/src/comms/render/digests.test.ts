import {
  computeDoraMetrics,
  ContributingSystem,
  MetricsResponse,
} from '@release-ledger/plugin-release-ledger-common';
import { renderLeadershipDigest } from './digests';

const metrics = computeDoraMetrics([], {
  from: '2026-11-16T00:00:00.000Z',
  to: '2026-11-23T00:00:00.000Z',
});

function response(topContributors: ContributingSystem[]): MetricsResponse {
  return {
    scope: 'org',
    window: '7d',
    generatedAt: '2026-11-23T09:00:00.000Z',
    changeFailureRateTarget: 0.15,
    bandSets: ['dora-2023'],
    metrics,
    topContributors,
    unattributedIncidents: [],
  };
}

const component = (name: string, failures: number, deployments: number) => ({
  entityRef: `component:default/${name}`,
  ownerRef: 'group:default/team',
  failures,
  deployments,
});

function topSection(topContributors: ContributingSystem[]): string {
  const week = response(topContributors);
  const message = renderLeadershipDigest({
    weekStart: '2026-11-16',
    week,
    month: week,
    portalUrl: 'https://backstage.example.com',
  });
  const section = message.blocks.find(
    b =>
      b.type === 'section' &&
      JSON.stringify(b).includes('Top contributing systems'),
  ) as { text: { text: string } };
  return section.text.text;
}

describe('renderLeadershipDigest', () => {
  it('lists the top systems by failures with their components beneath', () => {
    expect(
      topSection([
        {
          systemRef: 'system:default/checkout',
          failures: 5,
          deployments: 30,
          components: [
            component('cart', 2, 10),
            component('checkout-api', 1, 8),
            component('tax', 1, 4),
            component('promo', 1, 8),
          ],
        },
        {
          // No system: the component stands for itself.
          systemRef: 'component:default/search',
          failures: 1,
          deployments: 3,
          components: [component('search', 1, 3)],
        },
      ]),
    ).toBe(
      [
        '*Top contributing systems*',
        '1. `system:default/checkout` 5 failures in 30 deployments',
        '      `component:default/cart` 2 of 10 · `component:default/checkout-api` 1 of 8 · `component:default/tax` 1 of 4 and 1 more',
        '2. `component:default/search` 1 failure in 3 deployments',
      ].join('\n'),
    );
  });

  it('says so when nothing failed', () => {
    expect(topSection([])).toBe(
      '*Top contributing systems*\nNo failures this week.',
    );
  });
});
