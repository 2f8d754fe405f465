import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import {
  createTestDatabases,
  startTestLedger,
  testEntities,
  waitForProjections,
} from '../__testUtils__/testLedger';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const service = mockCredentials.service.header();
const user = mockCredentials.user.header();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Whole hours, so every duration below is exact. */
const NOW = Math.floor(Date.now() / HOUR) * HOUR;
const at = (daysAgo: number, plusHours = 0) =>
  new Date(NOW - daysAgo * DAY + plusHours * HOUR).toISOString();

const PAYMENTS = 'component:default/payments-api';
const CART = 'component:default/cart-service';
const INDEXER = 'component:default/search-indexer';
const MAILER = 'component:default/email-sender';

function component(name: string, owner: string, system?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner, system },
    relations: [
      { type: 'ownedBy', targetRef: `group:default/${owner}` },
      ...(system
        ? [{ type: 'partOf', targetRef: `system:default/${system}` }]
        : []),
    ],
  };
}

/**
 * The test catalog (payments-api of team-payments, no system), with
 * cart-service in the shop system and team-search's two services in the
 * search system.
 */
const entities: Entity[] = [
  ...testEntities.filter(e => e.metadata.name !== 'cart-service'),
  component('cart-service', 'team-storefront', 'shop'),
  component('search-indexer', 'team-search', 'search'),
  component('email-sender', 'team-search', 'search'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-search', namespace: 'default', title: 'Search' },
    spec: { type: 'team', children: [], parent: 'engineering' },
    relations: [{ type: 'childOf', targetRef: 'group:default/engineering' }],
  },
];

/**
 * A monorepo release of cart-service that deploys three other services,
 * computed by hand (30-day window ending now):
 * - payments@1 (payments-api alone): a change merged 10 d ago, started
 *   9 d ago, promoted 1 h later → lead time 25 h; clean.
 * - cart@1 (cart-service; components payments-api, search-indexer and
 *   email-sender): a change merged 6 d ago, started 5 d ago, promoted 1 h
 *   later → lead time 25 h; a SEV-1 incident 2 h after the start, rolled
 *   back 1 h after that → failed, restored in 1 h.
 * - cart@2 (cart-service; component search-indexer) fixes cart@1: started
 *   4 d ago, promoted 1 h later; clean, rework.
 */
function history() {
  return [
    {
      eventId: 'p1-pr',
      type: 'pr_merged',
      releaseId: 'payments@1',
      entityRef: PAYMENTS,
      timestamp: at(10),
      attributes: { prNumber: 1, title: 'feat: a', mergedAt: at(10) },
    },
    {
      eventId: 'p1-start',
      type: 'release_started',
      releaseId: 'payments@1',
      timestamp: at(9),
    },
    {
      eventId: 'p1-promote',
      type: 'promoted',
      releaseId: 'payments@1',
      timestamp: at(9, 1),
    },
    {
      eventId: 'c1-pr',
      type: 'pr_merged',
      releaseId: 'cart@1',
      entityRef: CART,
      timestamp: at(6),
      attributes: { prNumber: 2, title: 'feat: b', mergedAt: at(6) },
    },
    {
      eventId: 'c1-start',
      type: 'release_started',
      releaseId: 'cart@1',
      timestamp: at(5),
      // As a pipeline may send them: unnormalised, and the release's own
      // entity among them.
      attributes: {
        components: [
          'payments-api',
          'component:default/Search-Indexer',
          MAILER,
          CART,
        ],
      },
    },
    {
      eventId: 'c1-promote',
      type: 'promoted',
      releaseId: 'cart@1',
      timestamp: at(5, 1),
    },
    {
      eventId: 'c1-inc',
      type: 'incident_started',
      releaseId: 'cart@1',
      timestamp: at(5, 2),
      attributes: { incidentId: 'INC-7', severity: 'SEV-1' },
    },
    {
      eventId: 'c1-rollback',
      type: 'rolled_back',
      releaseId: 'cart@1',
      timestamp: at(5, 3),
      attributes: { reason: 'errors' },
    },
    {
      eventId: 'c2-start',
      type: 'release_started',
      releaseId: 'cart@2',
      entityRef: CART,
      timestamp: at(4),
      attributes: { components: [INDEXER], fixes: ['cart@1'] },
    },
    {
      eventId: 'c2-promote',
      type: 'promoted',
      releaseId: 'cart@2',
      timestamp: at(4, 1),
    },
  ];
}

describe.each(databases.eachSupportedId())(
  'metrics of the components a release deploys, through the API on %p',
  databaseId => {
    let server: Awaited<ReturnType<typeof startTestLedger>>['server'];

    beforeAll(async () => {
      ({ server } = await startTestLedger(databases, databaseId, {
        entities,
      }));
      const res = await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', service)
        .send({ events: history() });
      if (res.status !== 201) {
        throw new Error(`history refused: ${JSON.stringify(res.body)}`);
      }
      await waitForProjections(server, service);
    });

    const metrics = async (query: Record<string, string>) => {
      const res = await request(server)
        .get('/api/release-ledger/metrics')
        .query({ window: '30d', ...query })
        .set('Authorization', user);
      expect(res.status).toBe(200);
      return res.body;
    };

    it("counts the release in each component's figures: deployments, lead time, failure, restore and rework", async () => {
      const payments = (await metrics({ scope: 'entity', ref: PAYMENTS }))
        .metrics;
      expect(payments.changeFailureRate).toMatchObject({
        deployments: 2,
        failures: 1,
        rate: 0.5,
      });
      expect(payments.deploymentFrequency).toMatchObject({ deploys: 2 });
      expect(payments.leadTime).toMatchObject({
        sampleSize: 2,
        p50Ms: 25 * HOUR,
      });
      expect(payments.timeToRestore).toMatchObject({
        sampleSize: 1,
        p50Ms: HOUR,
        unrestored: 0,
      });
      expect(payments.reworkRate).toMatchObject({
        deployments: 2,
        reworkDeployments: 0,
      });

      const indexer = (await metrics({ scope: 'entity', ref: INDEXER }))
        .metrics;
      expect(indexer.changeFailureRate).toMatchObject({
        deployments: 2,
        failures: 1,
      });
      expect(indexer.deploymentFrequency).toMatchObject({ deploys: 2 });
      expect(indexer.leadTime).toMatchObject({
        sampleSize: 1,
        p50Ms: 25 * HOUR,
      });
      expect(indexer.timeToRestore).toMatchObject({
        sampleSize: 1,
        p50Ms: HOUR,
      });
      expect(indexer.reworkRate).toMatchObject({
        deployments: 2,
        reworkDeployments: 1,
        rate: 0.5,
      });

      const mailer = (await metrics({ scope: 'entity', ref: MAILER })).metrics;
      expect(mailer.changeFailureRate).toMatchObject({
        deployments: 1,
        failures: 1,
      });

      // The release's own entity is counted once, as before.
      const cart = (await metrics({ scope: 'entity', ref: CART })).metrics;
      expect(cart.changeFailureRate).toMatchObject({
        deployments: 2,
        failures: 1,
      });
    });

    it('counts the release once for a team that owns several of its components, for a parent group and for the org', async () => {
      const search = await metrics({ scope: 'group', ref: 'team-search' });
      expect(search.metrics.changeFailureRate).toMatchObject({
        deployments: 2,
        failures: 1,
      });
      expect(search.metrics.deploymentFrequency).toMatchObject({ deploys: 2 });
      expect(search.metrics.leadTime).toMatchObject({ sampleSize: 1 });
      expect(search.metrics.timeToRestore).toMatchObject({ sampleSize: 1 });
      expect(search.metrics.reworkRate).toMatchObject({
        deployments: 2,
        reworkDeployments: 1,
      });

      const engineering = await metrics({
        scope: 'group',
        ref: 'engineering',
      });
      const org = await metrics({ scope: 'org' });
      for (const m of [engineering.metrics, org.metrics]) {
        expect(m.changeFailureRate).toMatchObject({
          deployments: 3,
          failures: 1,
        });
        expect(m.deploymentFrequency).toMatchObject({ deploys: 3 });
        expect(m.leadTime).toMatchObject({ sampleSize: 2, p50Ms: 25 * HOUR });
        expect(m.timeToRestore).toMatchObject({ sampleSize: 1, p50Ms: HOUR });
        expect(m.reworkRate).toMatchObject({
          deployments: 3,
          reworkDeployments: 1,
        });
      }

      expect(
        org.teams.map((t: any) => [
          t.groupRef,
          t.metrics.changeFailureRate.deployments,
          t.metrics.changeFailureRate.failures,
          t.metrics.reworkRate.reworkDeployments,
        ]),
      ).toEqual([
        ['group:default/team-payments', 2, 1, 0],
        ['group:default/team-search', 2, 1, 1],
        ['group:default/team-storefront', 2, 1, 1],
      ]);
    });

    it('counts the release once per contributing system, and for each of its components beneath', async () => {
      const org = await metrics({ scope: 'org' });
      expect(org.topContributors).toEqual([
        {
          // Without a system, payments-api stands for itself.
          systemRef: PAYMENTS,
          failures: 1,
          deployments: 2,
          components: [
            {
              entityRef: PAYMENTS,
              ownerRef: 'group:default/team-payments',
              failures: 1,
              deployments: 2,
            },
          ],
        },
        {
          systemRef: 'system:default/search',
          failures: 1,
          deployments: 2,
          components: [
            {
              entityRef: INDEXER,
              ownerRef: 'group:default/team-search',
              failures: 1,
              deployments: 2,
            },
            {
              entityRef: MAILER,
              ownerRef: 'group:default/team-search',
              failures: 1,
              deployments: 1,
            },
          ],
        },
        {
          systemRef: 'system:default/shop',
          failures: 1,
          deployments: 2,
          components: [
            {
              entityRef: CART,
              ownerRef: 'group:default/team-storefront',
              failures: 1,
              deployments: 2,
            },
          ],
        },
      ]);
    });
  },
);
