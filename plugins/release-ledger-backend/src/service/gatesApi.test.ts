import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Server } from 'node:http';
import type { Knex } from 'knex';
import request from 'supertest';
import {
  CANARY_START,
  canaryFamilies,
  canaryTime,
  ERROR_RATIO_QUERY,
  prometheusAvailable,
  RunningPrometheus,
  startPrometheus,
  toOpenMetrics,
} from '@release-ledger/test-utils';
import {
  createTestDatabases,
  startTestLedger,
} from '../__testUtils__/testLedger';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const describeWithPrometheus = prometheusAvailable() ? describe : describe.skip;
const service = mockCredentials.service.header();
const user = mockCredentials.user.header();
const api = '/api/release-ledger';

const errorRateCheck = {
  name: 'error-rate',
  query: ERROR_RATIO_QUERY,
  condition: '< 0.01',
  count: 5,
  failureLimit: 1,
  noData: 'inconclusive',
};

function gatesConfig(prometheusUrl: string, withDefault = true) {
  return {
    releaseLedger: {
      prometheus: { url: prometheusUrl },
      gates: {
        ...(withDefault ? { default: { checks: [errorRateCheck] } } : {}),
        strict: {
          checks: [
            { ...errorRateCheck, failureLimit: 0 },
            {
              name: 'gate-alerts',
              kind: 'alert',
              labels: { service: '{{entity}}' },
            },
          ],
        },
      },
    },
  };
}

/**
 * The cart canary of the Prometheus fixtures as a ledger release: canary
 * 12:00–12:20 on 2024-06-03, then rolled back.
 */
/** A cart-service release whose canary was rolled back, or is still running. */
function cartRelease(releaseId: string, { rolledBack = true } = {}) {
  const base = {
    releaseId,
    entityRef: 'component:default/cart-service',
    version: '3.1.0',
  };
  return {
    events: [
      {
        ...base,
        eventId: `${releaseId}-started`,
        type: 'release_started',
        timestamp: new Date(CANARY_START - 5 * 60_000).toISOString(),
      },
      {
        ...base,
        eventId: `${releaseId}-canary`,
        type: 'canary_started',
        timestamp: canaryTime(0).toISOString(),
        attributes: { weight: 10 },
      },
      ...(rolledBack
        ? [
            {
              ...base,
              eventId: `${releaseId}-rolled-back`,
              type: 'rolled_back',
              timestamp: canaryTime(20).toISOString(),
              attributes: { reason: 'error rate' },
            },
          ]
        : []),
    ],
  };
}

/** The error-rate gate as changed after the incident: it names the service itself. */
const cartDefinition = {
  checks: [
    {
      ...errorRateCheck,
      query: ERROR_RATIO_QUERY.replace(/\{\{entity\}\}/g, 'cart'),
    },
  ],
};

describeWithPrometheus('gates API', () => {
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheus(toOpenMetrics(canaryFamilies()));
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let server: Server;
    let knex: Knex;

    beforeAll(async () => {
      ({ server, knex } = await startTestLedger(databases, databaseId, {
        config: gatesConfig(prometheus.url),
      }));
      await request(server)
        .post(`${api}/events`)
        .set('Authorization', service)
        .send(cartRelease('cart-service@3.1.0'))
        .expect(201);
      await request(server)
        .post(`${api}/events`)
        .set('Authorization', service)
        .send({
          type: 'release_started',
          releaseId: 'payments-api@7',
          entityRef: 'component:default/payments-api',
          version: '7.0.0',
        })
        .expect(201);
    });

    const evaluate = (releaseId: string, body?: object) => {
      const req = request(server)
        .post(`${api}/releases/${encodeURIComponent(releaseId)}/gates/evaluate`)
        .set('Authorization', service);
      return body ? req.send(body) : req;
    };

    it('starts the default gate with 202, and answers the running one when started again', async () => {
      const first = await evaluate('payments-api@7');
      expect(first.status).toBe(202);
      expect(first.body).toMatchObject({
        created: true,
        evaluation: {
          releaseId: 'payments-api@7',
          gate: 'default',
          provider: 'prometheus',
          entityRef: 'component:default/payments-api',
          version: '7.0.0',
          environment: 'production',
          state: 'running',
          dryRun: false,
          reason: "waiting for 'error-rate' (0 of 5 measurements)",
          checks: [
            {
              name: 'error-rate',
              kind: 'query',
              condition: '< 0.01',
              query: ERROR_RATIO_QUERY,
              interval: '1m',
              count: 5,
              noDataPolicy: 'inconclusive',
              state: 'running',
              measurements: [],
            },
          ],
        },
      });
      const { startedAt, nextDueAt } = first.body.evaluation;
      // The first minute of canary traffic, then Prometheus' default 30 s
      // ingestion delay before that minute is measured.
      expect(Date.parse(nextDueAt) - Date.parse(startedAt)).toBe(90_000);

      const again = await evaluate('payments-api@7', {});
      expect(again.status).toBe(202);
      expect(again.body).toMatchObject({
        created: false,
        evaluation: { id: first.body.evaluation.id },
      });

      const strict = await evaluate('payments-api@7', { gate: 'strict' });
      expect(strict.status).toBe(202);
      expect(strict.body.created).toBe(true);

      const shown = await request(server)
        .get(`${api}/releases/payments-api@7/gates`)
        .set('Authorization', user);
      expect(shown.status).toBe(200);
      expect(shown.body.releaseId).toBe('payments-api@7');
      expect(
        shown.body.evaluations.map((e: { gate: string; id: string }) => [
          e.gate,
          e.id,
        ]),
      ).toEqual([
        ['default', first.body.evaluation.id],
        ['strict', strict.body.evaluation.id],
      ]);
    });

    it('answers 200 with no evaluations for a release never gated', async () => {
      const shown = await request(server)
        .get(`${api}/releases/cart-service@3.1.0/gates`)
        .set('Authorization', service);
      expect(shown.status).toBe(200);
      expect(shown.body).toEqual({
        releaseId: 'cart-service@3.1.0',
        evaluations: [],
        // No verdict, no promotion; a checklist not read (yet, or at all:
        // this entity has no catalog file to find it beside) holds nothing.
        promotion: {
          promotable: false,
          gate: 'inconclusive',
          openChecklistItems: [],
          checklistNote: expect.stringMatching(
            /^checklist(: not read yet| unavailable).*not checked/,
          ),
        },
      });
    });

    it('answers 400 naming the field for an unknown gate or body field', async () => {
      const unknown = await evaluate('payments-api@7', { gate: 'nope' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toBe(
        "gate: unknown gate 'nope'; configured: default, strict",
      );
      const extra = await evaluate('payments-api@7', { gates: 'strict' });
      expect(extra.status).toBe(400);
      expect(extra.body.error.message).toBe(
        'gates: unknown field; allowed: gate',
      );
    });

    it('answers 404 for an unknown release', async () => {
      const started = await evaluate('nope@1');
      expect(started.status).toBe(404);
      expect(started.body.error.message).toBe('release nope@1 not found');
      const shown = await request(server)
        .get(`${api}/releases/nope@1/gates`)
        .set('Authorization', service);
      expect(shown.status).toBe(404);
      const replayed = await request(server)
        .post(`${api}/releases/nope@1/gates/replay`)
        .set('Authorization', service)
        .send({});
      expect(replayed.status).toBe(404);
    });

    it('answers 401 without credentials', async () => {
      const none = mockCredentials.none.header();
      const answers = await Promise.all([
        request(server)
          .post(`${api}/releases/payments-api@7/gates/evaluate`)
          .set('Authorization', none),
        request(server)
          .get(`${api}/releases/payments-api@7/gates`)
          .set('Authorization', none),
        request(server)
          .post(`${api}/releases/payments-api@7/gates/replay`)
          .set('Authorization', none)
          .send({}),
      ]);
      expect(answers.map(a => a.status)).toEqual([401, 401, 401]);
    });

    it('replays a changed gate over the rolled-back canary: it would have failed at 12:02, and nothing is stored or emitted', async () => {
      const eventsBefore = await knex('release_ledger_events').count({
        n: '*',
      });
      const evaluationsBefore = await knex(
        'release_ledger_gate_evaluations',
      ).count({ n: '*' });
      const replayed = await request(server)
        .post(`${api}/releases/cart-service@3.1.0/gates/replay`)
        .set('Authorization', user)
        .send({ gate: 'cart-errors', definition: cartDefinition });
      expect(replayed.status).toBe(200);
      expect(replayed.body).toMatchObject({
        releaseId: 'cart-service@3.1.0',
        replay: true,
        complete: true,
        gate: 'cart-errors',
        state: 'failed',
        enforced: 'failed',
        reason:
          "key check 'error-rate' failed: 2 of 2 measurements failed (limit 1): 0.05 > 0.01 at 12:01 UTC, 0.05 > 0.01 at 12:02 UTC",
        window: {
          start: canaryTime(0).toISOString(),
          end: canaryTime(20).toISOString(),
          ongoing: false,
        },
      });
      const [measured] = replayed.body.checks;
      expect(measured.measurements).toEqual([
        expect.objectContaining({
          seq: 1,
          at: canaryTime(1).toISOString(),
          query:
            'sum(rate(http_requests_total{service="cart",version="3.1.0",code=~"5.."}[1m])) / sum(rate(http_requests_total{service="cart",version="3.1.0"}[1m]))',
          valueText: '0.05',
          outcome: 'fail',
        }),
        expect.objectContaining({
          seq: 2,
          at: canaryTime(2).toISOString(),
          outcome: 'fail',
        }),
      ]);
      expect(await knex('release_ledger_events').count({ n: '*' })).toEqual(
        eventsBefore,
      );
      expect(
        await knex('release_ledger_gate_evaluations').count({ n: '*' }),
      ).toEqual(evaluationsBefore);
    });

    it('replays a configured gate by name: the entity name matches no series, so it is inconclusive with the evidence', async () => {
      const replayed = await request(server)
        .post(`${api}/releases/cart-service@3.1.0/gates/replay`)
        .set('Authorization', service)
        .send({ gate: 'default' });
      expect(replayed.status).toBe(200);
      expect(replayed.body).toMatchObject({
        gate: 'default',
        state: 'inconclusive',
        complete: true,
      });
      expect(replayed.body.checks[0].measurements).toHaveLength(5);
      expect(replayed.body.checks[0].measurements[0]).toMatchObject({
        result: { kind: 'no-data' },
        outcome: 'no-data',
      });
    });

    it('answers 400 for a replay of a bad definition or a release without a canary', async () => {
      const bad = await request(server)
        .post(`${api}/releases/cart-service@3.1.0/gates/replay`)
        .set('Authorization', service)
        .send({
          definition: {
            checks: [{ ...errorRateCheck, noData: undefined }],
          },
        });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe(
        'definition.checks[0].noData: required, one of fail|pass|inconclusive',
      );
      const noCanary = await request(server)
        .post(`${api}/releases/payments-api@7/gates/replay`)
        .set('Authorization', service)
        .send({});
      expect(noCanary.status).toBe(400);
      expect(noCanary.body.error.message).toBe(
        'releaseId: release payments-api@7 has no canary_started event, so there is no canary window to replay',
      );
    });
  });

  describe.each(databases.eachSupportedId())(
    'without a default gate set on %p',
    databaseId => {
      it('answers 400 naming the gate field for an entity with no gate set', async () => {
        const { server } = await startTestLedger(databases, databaseId, {
          config: gatesConfig(prometheus.url, false),
        });
        await request(server)
          .post(`${api}/events`)
          .set('Authorization', service)
          .send(cartRelease('cart-service@1'))
          .expect(201);
        const answer = await request(server)
          .post(`${api}/releases/cart-service@1/gates/evaluate`)
          .set('Authorization', service);
        expect(answer.status).toBe(400);
        expect(answer.body.error.message).toBe(
          'gate: component:default/cart-service has no gate set: give it the annotation release-ledger/gates, configure releaseLedger.gates.default, or name a gate in the request',
        );
      });
    },
  );

  describe.each(databases.eachSupportedId())(
    'permissions on %p',
    databaseId => {
      it('refuses users without release-ledger.event.create or release-ledger.gate.replay, and still serves services', async () => {
        const { server } = await startTestLedger(databases, databaseId, {
          config: gatesConfig(prometheus.url),
          permissionResult: AuthorizeResult.DENY,
        });
        await request(server)
          .post(`${api}/events`)
          .set('Authorization', service)
          .send(cartRelease('cart-service@2'))
          .expect(201);
        const evaluated = await request(server)
          .post(`${api}/releases/cart-service@2/gates/evaluate`)
          .set('Authorization', user);
        expect(evaluated.status).toBe(403);
        expect(evaluated.body.error.message).toBe(
          'evaluating gates needs a service token or the permission release-ledger.event.create',
        );
        const replayed = await request(server)
          .post(`${api}/releases/cart-service@2/gates/replay`)
          .set('Authorization', user)
          .send({});
        expect(replayed.status).toBe(403);
        expect(replayed.body.error.message).toBe(
          'replaying gates needs the permission release-ledger.gate.replay',
        );
        await request(server)
          .post(`${api}/events`)
          .set('Authorization', service)
          .send(cartRelease('cart-service@3', { rolledBack: false }))
          .expect(201);
        const asService = await request(server)
          .post(`${api}/releases/cart-service@3/gates/evaluate`)
          .set('Authorization', service);
        expect(asService.status).toBe(202);
      });
    },
  );
});

describe('gates API startup', () => {
  it.each(databases.eachSupportedId())(
    'stops startup on %p when a gate names a provider that is not registered',
    async databaseId => {
      await expect(
        startTestLedger(databases, databaseId, {
          config: {
            releaseLedger: { gates: { default: { checks: [errorRateCheck] } } },
          },
        }),
      ).rejects.toThrow(
        "releaseLedger.gates.default.provider: no gate metric provider 'prometheus' is registered",
      );
    },
  );
});
