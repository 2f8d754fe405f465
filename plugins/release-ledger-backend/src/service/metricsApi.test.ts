import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { utcWeekStart } from '@release-ledger/plugin-release-ledger-common';
import request from 'supertest';
import {
  createTestDatabases,
  startTestLedger,
  testEntities,
  waitForProjections,
} from '../__testUtils__/testLedger';
import { releaseLedgerPlugin } from '../plugin';

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
const CHECKOUT = 'system:default/checkout';

/** The test catalog, with payments-api part of the checkout system. */
const entities: Entity[] = testEntities.map(e =>
  e.metadata.name === 'payments-api'
    ? {
        ...e,
        spec: { ...e.spec, system: 'checkout' },
        relations: [
          ...(e.relations ?? []),
          { type: 'partOf', targetRef: CHECKOUT },
        ],
      }
    : e,
);

/**
 * A small history, computed by hand (30-day window ending now):
 * - R1 payments: 2 changes merged 10 d and 9 d ago, started 8 d ago,
 *   promoted 2 h later → lead times 50 h and 26 h.
 * - R2 payments: started 6 d ago, gate failed 30 min later, rolled back
 *   1 h after start → failure, restored in 30 min.
 * - R3 payments: started 5 d ago, promoted 1 h later; INC-1 (SEV-2, no
 *   release) 3 h after start → attributed to R3 by window; SLO restored
 *   5 h after start → failure, restored in 2 h.
 * - R4 cart: started 12 d ago, promoted 1 h later; INC-2 (SEV-1, no
 *   release) 8 d ago → 95 h after the promotion, outside 72 h: unattributed.
 * - R5 cart: started 3 d ago, promoted 1 h later; INC-3 (SEV-3) names R5 →
 *   explicit, not a failure.
 * Org: 5 deployments, 2 failures → CFR 0.4; 4 promotions; lead times
 * {26 h, 50 h} → median 38 h, p90 26 + 0.9 × 24 = 47.6 h; restores
 * {0.5 h, 2 h} → p50 1.25 h, p95 0.5 + 0.95 × 1.5 = 1.925 h.
 */
function history() {
  const ev = (
    eventId: string,
    type: string,
    releaseId: string | undefined,
    timestamp: string,
    extra: object = {},
  ) => ({ eventId, type, releaseId, timestamp, ...extra });
  return [
    ev('r1-pr1', 'pr_merged', 'payments@1', at(10), {
      entityRef: PAYMENTS,
      attributes: { prNumber: 1, title: 'feat: a', mergedAt: at(10) },
    }),
    ev('r1-pr2', 'pr_merged', 'payments@1', at(9), {
      attributes: { prNumber: 2, title: 'fix: b', mergedAt: at(9) },
    }),
    ev('r1-start', 'release_started', 'payments@1', at(8)),
    ev('r1-promote', 'promoted', 'payments@1', at(8, 2)),
    ev('r2-start', 'release_started', 'payments@2', at(6), {
      entityRef: PAYMENTS,
    }),
    ev('r2-gate', 'gate_failed', 'payments@2', at(6, 0.5), {
      attributes: { gate: 'error-rate' },
    }),
    ev('r2-rollback', 'rolled_back', 'payments@2', at(6, 1), {
      attributes: { reason: 'error rate 4%' },
    }),
    ev('r3-start', 'release_started', 'payments@3', at(5), {
      entityRef: PAYMENTS,
    }),
    ev('r3-promote', 'promoted', 'payments@3', at(5, 1)),
    ev('inc1', 'incident_started', undefined, at(5, 3), {
      entityRef: PAYMENTS,
      attributes: { incidentId: 'INC-1', severity: 'SEV-2', title: 'Errors' },
    }),
    ev('r3-restored', 'slo_restored', 'payments@3', at(5, 5)),
    ev('r4-start', 'release_started', 'cart@4', at(12), { entityRef: CART }),
    ev('r4-promote', 'promoted', 'cart@4', at(12, 1)),
    ev('inc2', 'incident_started', undefined, at(8), {
      entityRef: CART,
      attributes: { incidentId: 'INC-2', severity: 'SEV-1' },
    }),
    ev('r5-start', 'release_started', 'cart@5', at(3), { entityRef: CART }),
    ev('r5-promote', 'promoted', 'cart@5', at(3, 1)),
    ev('inc3', 'incident_started', 'cart@5', at(3, 2), {
      attributes: { incidentId: 'INC-3', severity: 'SEV-3' },
    }),
  ];
}

describe.each(databases.eachSupportedId())('metrics API on %p', databaseId => {
  let server: Awaited<ReturnType<typeof startTestLedger>>['server'];

  beforeAll(async () => {
    ({ server } = await startTestLedger(databases, databaseId, { entities }));
    // Arrival order is not event order: the history goes in reversed.
    const res = await request(server)
      .post('/api/release-ledger/events')
      .set('Authorization', service)
      .send({ events: history().reverse() });
    if (res.status !== 201) {
      throw new Error(`history refused: ${JSON.stringify(res.body)}`);
    }
    await waitForProjections(server, service);
  });

  /** `a=b&c=d` with every value URL-encoded, as a browser client sends it. */
  const get = (query: string) =>
    request(server)
      .get(
        `/api/release-ledger/metrics?${new URLSearchParams(
          query.split('&').map(kv => kv.split('=') as [string, string]),
        )}`,
      )
      .set('Authorization', user);

  it('computes the org figures exactly as defined', async () => {
    const res = await get('scope=org&window=30d');
    expect(res.status).toBe(200);
    const m = res.body.metrics;
    expect(m.changeFailureRate).toEqual({
      deployments: 5,
      failures: 2,
      rate: 0.4,
      sampleSize: 5,
      notEnoughData: false,
      band: 'low',
    });
    expect(m.deploymentFrequency).toMatchObject({
      deploys: 4,
      deploysPerWeek: 4 / (30 / 7),
      sampleSize: 4,
      notEnoughData: true,
    });
    expect(m.deploymentFrequency.band).toBeUndefined();
    expect(m.leadTime).toEqual({
      p50Ms: 38 * HOUR,
      p90Ms: 47.6 * HOUR,
      sampleSize: 2,
      notEnoughData: true,
    });
    expect(m.timeToRestore).toMatchObject({
      p50Ms: 1.25 * HOUR,
      p95Ms: 1.925 * HOUR,
      sampleSize: 2,
      unrestored: 0,
      notEnoughData: true,
    });
    expect(res.body.changeFailureRateTarget).toBe(0.15);
    expect(res.body.bandSets).toEqual(['dora-2023', 'dora-2021']);
  });

  it('lists teams, the top contributing systems and unattributed incidents for the org', async () => {
    const res = await get('scope=org&window=30d');
    expect(
      res.body.teams.map((t: any) => [
        t.groupRef,
        t.title,
        t.metrics.changeFailureRate.deployments,
        t.metrics.changeFailureRate.failures,
      ]),
    ).toEqual([
      ['group:default/team-payments', 'Payments', 3, 2],
      ['group:default/team-storefront', 'Storefront', 2, 0],
    ]);
    expect(res.body.teams[0].metrics.trend).toBeUndefined();
    // payments-api was part of the checkout system when its releases started.
    expect(res.body.topContributors).toEqual([
      {
        systemRef: CHECKOUT,
        failures: 2,
        deployments: 3,
        components: [
          {
            entityRef: PAYMENTS,
            ownerRef: 'group:default/team-payments',
            failures: 2,
            deployments: 3,
          },
        ],
      },
    ]);
    expect(res.body.unattributedIncidents).toEqual([
      {
        incidentId: 'INC-2',
        entityRef: CART,
        severity: 'SEV-1',
        startedAt: at(8),
        attribution: 'unattributed',
      },
    ]);
  });

  it('rolls a group up with its child groups', async () => {
    const res = await get('scope=group&ref=group:default/engineering');
    expect(res.body.error).toBeUndefined();
    expect(res.status).toBe(200);
    expect(res.body.groups).toEqual([
      'group:default/engineering',
      'group:default/team-payments',
      'group:default/team-storefront',
    ]);
    expect(res.body.metrics.changeFailureRate.rate).toBe(0.4);
    expect(
      res.body.unattributedIncidents.map((i: any) => i.incidentId),
    ).toEqual(['INC-2']);

    const team = await get('scope=group&ref=team-storefront');
    expect(team.body.ref).toBe('group:default/team-storefront');
    expect(team.body.metrics.changeFailureRate).toMatchObject({
      deployments: 2,
      failures: 0,
      rate: 0,
    });
  });

  it('answers one entity', async () => {
    const res = await get(`scope=entity&ref=${PAYMENTS}&window=7d`);
    expect(res.status).toBe(200);
    // 7 days back: R1 (8 d ago) is out; R2 and R3 both failed.
    expect(res.body.metrics.changeFailureRate).toMatchObject({
      deployments: 2,
      failures: 2,
      rate: 1,
    });
    expect(res.body.unattributedIncidents).toEqual([]);
  });

  it("shows a release's footprint with how its incidents were attributed", async () => {
    const res = await request(server)
      .get('/api/release-ledger/releases/payments@3')
      .set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body.footprint).toMatchObject({
      failed: true,
      failureCauses: ['incident'],
      firstFailureSignalAt: at(5, 3),
      restoredAt: at(5, 5),
      timeToRestoreMs: 2 * HOUR,
      incidents: [
        {
          incidentId: 'INC-1',
          attribution: 'window',
          releaseId: 'payments@3',
          severity: 'SEV-2',
        },
      ],
    });
    const r1 = await request(server)
      .get('/api/release-ledger/releases/payments@1')
      .set('Authorization', user);
    expect(r1.body.footprint.leadTimesMs.sort()).toEqual(
      [26 * HOUR, 50 * HOUR].sort(),
    );
    expect(r1.body.footprint.failed).toBe(false);
  });

  it.each([
    [
      'scope=team',
      'request/query/scope must be equal to one of the allowed values: entity, group, org',
    ],
    [
      'window=14d',
      'request/query/window must be equal to one of the allowed values: 7d, 30d, 90d, 365d',
    ],
    ['bandSet=dora-1999', "bandSet: unknown band set 'dora-1999'"],
    // Object keys are not band sets (own-key lookup).
    ...['constructor', '__proto__', 'toString', 'hasOwnProperty'].map(name => [
      `bandSet=${name}`,
      `bandSet: unknown band set '${name}'`,
    ]),
    ['scope=entity', 'ref: is required for this scope'],
    [
      'scope=group&ref=component:default/payments-api',
      'ref: must be a group ref',
    ],
  ])('refuses %s naming the parameter', async (query, message) => {
    const res = await get(query);
    expect(res.body.error.message).toContain(message);
    expect(res.status).toBe(400);
  });

  it.each([
    [
      'scope=entity&ref=component:default/nope',
      'component:default/nope not found',
    ],
    [
      'scope=group&ref=group:default/nope',
      'group group:default/nope not found',
    ],
  ])('answers 404 for %s', async (query, message) => {
    const res = await get(query);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain(message);
  });

  it('needs credentials', async () => {
    const res = await request(server)
      .get('/api/release-ledger/metrics')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });
});

/**
 * The documented pipeline token: a static token restricted to
 * `release-ledger` (app-config.yaml). The real auth services and a catalog
 * client that asks for a catalog token on behalf of the credentials it is
 * given, as @backstage/plugin-catalog-node's does: a read made with the
 * caller's credentials is refused exactly as in a real backend.
 */
async function startWithRestrictedToken(
  databaseId: TestDatabaseId,
  token: string,
) {
  const knex = await databases.init(databaseId);
  const catalogCalls: string[] = [];
  const { server } = await startTestBackend({
    features: [
      releaseLedgerPlugin,
      mockServices.database.factory({ knex }),
      authServiceFactory,
      httpAuthServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          backend: {
            auth: {
              externalAccess: [
                {
                  type: 'static',
                  options: { token, subject: 'release-pipeline' },
                  accessRestrictions: [{ plugin: 'release-ledger' }],
                },
              ],
            },
          },
        },
      }),
      createServiceFactory({
        service: catalogServiceRef,
        deps: { auth: coreServices.auth },
        factory: ({ auth }) => {
          const catalog = catalogServiceMock({ entities });
          return new Proxy(catalog, {
            get(target, name, receiver) {
              const method = Reflect.get(target, name, receiver);
              if (typeof method !== 'function') return method;
              return async (...args: any[]) => {
                const options = args[args.length - 1];
                await auth.getPluginRequestToken({
                  onBehalfOf: options.credentials,
                  targetPluginId: 'catalog',
                });
                catalogCalls.push(String(name));
                return method.apply(target, args);
              };
            },
          });
        },
      }),
    ],
  });
  return { server, catalogCalls };
}

describe.each(databases.eachSupportedId())(
  'metrics API with a pipeline token restricted to release-ledger on %p',
  databaseId => {
    const token = 'pipeline-token-restricted-to-release-ledger';

    it('answers every scope: the catalog is read with the plugin’s own credentials', async () => {
      const { server, catalogCalls } = await startWithRestrictedToken(
        databaseId,
        token,
      );
      const auth = `Bearer ${token}`;
      const posted = await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', auth)
        .send({ events: history() });
      expect(posted.status).toBe(201);
      await waitForProjections(server, auth);

      for (const query of [
        'scope=org&window=90d',
        'scope=group&ref=group:default/engineering&window=90d',
        `scope=entity&ref=${PAYMENTS}&window=90d`,
      ]) {
        const res = await request(server)
          .get(`/api/release-ledger/metrics?${query}`)
          .set('Authorization', auth);
        expect({ query, status: res.status, error: res.body.error }).toEqual({
          query,
          status: 200,
          error: undefined,
        });
        expect(res.body.metrics.changeFailureRate.deployments).toBe(
          query.startsWith('scope=entity') ? 3 : 5,
        );
      }
      // The catalog was asked (groups, ownership, the entity), never refused.
      expect(catalogCalls).toEqual(
        expect.arrayContaining(['getEntities', 'getEntityByRef']),
      );
    });
  },
);

describe.each(databases.eachSupportedId())(
  'weekly notes API on %p',
  databaseId => {
    const monday = new Date(utcWeekStart(NOW)).toISOString().slice(0, 10);

    it('stores a note with its author, and reads it back', async () => {
      const { server } = await startTestLedger(databases, databaseId);
      const put = await request(server)
        .put(`/api/release-ledger/notes/${monday}`)
        .set('Authorization', user)
        .send({ text: 'CFR spiked: two config pushes skipped the canary.' });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({
        week: monday,
        text: 'CFR spiked: two config pushes skipped the canary.',
        author: mockCredentials.user().principal.userEntityRef,
      });
      const got = await request(server)
        .get(`/api/release-ledger/notes/${monday}`)
        .set('Authorization', user);
      expect(got.body).toEqual(put.body);
    });

    it.each([
      [
        'a Tuesday',
        '2026-11-24',
        {},
        'week: must be a Monday (the week of 2026-11-24 starts 2026-11-23)',
      ],
      [
        'a date that does not exist',
        '2026-02-30',
        {},
        "week: must be a date like 2026-11-23, got '2026-02-30'",
      ],
      [
        'blank text',
        '2026-11-23',
        { text: '   ' },
        'text: must be a non-empty string',
      ],
      [
        'text over 10,000 characters',
        '2026-11-23',
        { text: 'x'.repeat(10_001) },
        'text: must be at most 10000 characters, got 10001',
      ],
    ])('refuses %s', async (_name, week, body, message) => {
      const { server, knex } = await startTestLedger(databases, databaseId);
      const res = await request(server)
        .put(`/api/release-ledger/notes/${week}`)
        .set('Authorization', user)
        .send({ text: 'fine', ...body });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(message);
      const [{ n }] = await knex('release_ledger_weekly_notes').count({
        n: '*',
      });
      expect(Number(n)).toBe(0);
    });

    it('refuses writers without the permission, and services', async () => {
      const { server, knex } = await startTestLedger(databases, databaseId, {
        permissionResult: AuthorizeResult.DENY,
      });
      const denied = await request(server)
        .put(`/api/release-ledger/notes/${monday}`)
        .set('Authorization', user)
        .send({ text: 'hello' });
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain('release-ledger.note.update');
      const asService = await request(server)
        .put(`/api/release-ledger/notes/${monday}`)
        .set('Authorization', service)
        .send({ text: 'hello' });
      expect(asService.status).toBe(403);
      const [{ n }] = await knex('release_ledger_weekly_notes').count({
        n: '*',
      });
      expect(Number(n)).toBe(0);
    });

    it('answers 404 for a week without a note', async () => {
      const { server } = await startTestLedger(databases, databaseId);
      const res = await request(server)
        .get(`/api/release-ledger/notes/${monday}`)
        .set('Authorization', user);
      expect(res.status).toBe(404);
    });
  },
);
