import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
} from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import type { Server } from 'node:http';
import request from 'supertest';
import { releaseLedgerPlugin } from '../plugin';
import { createTestDatabases, testEntities } from '../__testUtils__/testLedger';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const api = '/api/release-ledger';
const service = mockCredentials.service.header();

const PAYMENTS = 'component:default/payments-api';
const CART = 'component:default/cart-service';

/**
 * The policy these tests run under, decided per user as a real policy would
 * (the example one in packages/backend gives the same answers through the
 * catalog's ownership condition): Sam owns cart-service, Riley is a release
 * manager, Nora may only read.
 */
const sam = 'user:default/sam';
const riley = 'user:default/riley';
const nora = 'user:default/nora';
function decide(
  userEntityRef: string,
  { permission, resourceRef }: AuthorizePermissionRequest,
): AuthorizeResult.ALLOW | AuthorizeResult.DENY {
  const allowed =
    permission.name === 'release-ledger.release.read' ||
    userEntityRef === riley ||
    (userEntityRef === sam &&
      permission.name === 'release-ledger.event.create' &&
      resourceRef === CART);
  return allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY;
}

const as = (userEntityRef: string) =>
  mockCredentials.user.header(userEntityRef);

const started = (releaseId: string, entityRef: string, extra = {}) => ({
  eventId: `${releaseId}-started`,
  type: 'release_started',
  releaseId,
  entityRef,
  timestamp: '2026-11-27T10:00:00Z',
  version: '1.0.0',
  ...extra,
});
const checked = (releaseId: string, item: string) => ({
  eventId: `${releaseId}-${item}`,
  type: 'checklist_item_checked',
  releaseId,
  timestamp: '2026-11-27T10:05:00Z',
  attributes: { item },
});

describe.each(databases.eachSupportedId())(
  'write permissions on %p',
  databaseId => {
    let server: Server;
    let knex: Knex;
    const authorize = jest.fn();

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      ({ server } = await startTestBackend({
        features: [
          releaseLedgerPlugin,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({ entities: testEntities }),
          mockServices.rootConfig.factory({
            data: {
              releaseLedger: {
                // Nothing listens there: evaluations and replays measure
                // errors, which is enough to see them start.
                prometheus: { url: 'http://127.0.0.1:9' },
                gates: {
                  default: {
                    checks: [
                      {
                        name: 'error-rate',
                        query: 'up{job="{{entity}}"}',
                        condition: '< 1',
                        count: 1,
                        noData: 'inconclusive',
                      },
                    ],
                  },
                },
              },
            },
          }),
          mockServices.permissions.mock({
            authorize: authorize.mockImplementation(
              async (requests: AuthorizePermissionRequest[], { credentials }) =>
                requests.map(r => ({
                  result: decide(credentials.principal.userEntityRef, r),
                })),
            ),
          }).factory,
        ],
      }));
      // Releases of both teams, posted by a pipeline.
      await request(server)
        .post(`${api}/events`)
        .set('Authorization', service)
        .send({
          events: [
            started('payments-api@1', PAYMENTS),
            started('cart-service@1', CART),
            // A past canary, for replays.
            started('cart-service@0', CART),
            {
              eventId: 'cart-service@0-canary',
              type: 'canary_started',
              releaseId: 'cart-service@0',
              timestamp: '2026-11-27T10:01:00Z',
              attributes: { weight: 10 },
            },
            {
              eventId: 'cart-service@0-rolled-back',
              type: 'rolled_back',
              releaseId: 'cart-service@0',
              timestamp: '2026-11-27T10:03:00Z',
              attributes: { reason: 'error rate' },
            },
          ],
        })
        .expect(201);
    });

    beforeEach(() => authorize.mockClear());

    const eventIds = async () =>
      (await knex('release_ledger_events').select('event_id'))
        .map(r => r.event_id)
        .sort();
    const postEvents = (who: string, body: object) =>
      request(server)
        .post(`${api}/events`)
        .set('Authorization', who)
        .send(body);

    describe('POST /events (release-ledger.event.create on each entity)', () => {
      it('lets an owner tick the checklist of their entity’s release', async () => {
        const res = await postEvents(
          as(sam),
          checked('cart-service@1', 'smoke-tested'),
        );
        expect(res.status).toBe(201);
        expect(await eventIds()).toContain('cart-service@1-smoke-tested');
        expect(authorize).toHaveBeenCalledTimes(1);
        expect(authorize.mock.calls[0][0]).toEqual([
          {
            permission: expect.objectContaining({
              name: 'release-ledger.event.create',
              resourceType: 'catalog-entity',
            }),
            resourceRef: CART,
          },
        ]);
      });

      it('refuses another team’s release by the entity it is stored under, and stores nothing', async () => {
        const before = await eventIds();
        // The event names no entity: the stored release's entity decides.
        const res = await postEvents(
          as(sam),
          checked('payments-api@1', 'smoke-tested'),
        );
        expect(res.status).toBe(403);
        expect(res.body.error.message).toBe(
          `writing events needs a service token or the permission release-ledger.event.create on ${PAYMENTS}; nothing was stored`,
        );
        expect(await eventIds()).toEqual(before);
      });

      it('refuses a whole batch when one entity is not allowed, asking once per distinct entity', async () => {
        const before = await eventIds();
        const res = await postEvents(as(sam), {
          events: [
            checked('cart-service@1', 'a'),
            started('payments-api@2', PAYMENTS),
            checked('cart-service@1', 'b'),
            checked('payments-api@2', 'c'),
          ],
        });
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain(`event.create on ${PAYMENTS}`);
        expect(res.body.error.message).not.toContain(CART);
        expect(await eventIds()).toEqual(before);
        expect(authorize).toHaveBeenCalledTimes(1);
        expect(
          authorize.mock.calls[0][0].map(
            (r: AuthorizePermissionRequest) => r.resourceRef,
          ),
        ).toEqual([CART, PAYMENTS]);
      });

      it('refuses a user’s incident that names neither release nor entity, which a pipeline may send', async () => {
        const incident = {
          eventId: 'inc-7-resolved',
          type: 'incident_resolved',
          timestamp: '2026-11-27T11:00:00Z',
          attributes: { incidentId: 'INC-7' },
        };
        const denied = await postEvents(as(riley), incident);
        expect(denied.status).toBe(403);
        expect(denied.body.error.message).toContain(
          'without releaseId or entityRef needs a service token',
        );
        expect(await eventIds()).not.toContain('inc-7-resolved');
        await postEvents(service, incident).expect(201);
      });

      it('answers bad events with 400 before asking the policy', async () => {
        const res = await postEvents(as(nora), {
          ...checked('cart-service@1', 'x'),
          type: 'exploded',
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain('unknown event type');
        expect(authorize).not.toHaveBeenCalled();
      });

      it('lets a release manager write for any entity', async () => {
        const manager = await postEvents(as(riley), {
          events: [
            checked('payments-api@1', 'approved'),
            checked('cart-service@1', 'approved'),
          ],
        });
        expect(manager.status).toBe(201);
        const reader = await postEvents(
          as(nora),
          checked('cart-service@1', 'nora'),
        );
        expect(reader.status).toBe(403);
        expect(await eventIds()).not.toContain('cart-service@1-nora');
      });
    });

    describe('POST /releases/:id/gates/evaluate (release-ledger.event.create on the release’s entity)', () => {
      const evaluate = (who: string, releaseId: string) =>
        request(server)
          .post(`${api}/releases/${releaseId}/gates/evaluate`)
          .set('Authorization', who)
          .send({});

      it('refuses a user who may not write for the release’s entity', async () => {
        for (const who of [as(nora), as(sam)]) {
          const res = await evaluate(who, 'payments-api@1');
          expect(res.status).toBe(403);
          expect(res.body.error.message).toBe(
            'evaluating gates needs a service token or the permission release-ledger.event.create',
          );
        }
        expect(authorize.mock.calls[0][0]).toEqual([
          expect.objectContaining({ resourceRef: PAYMENTS }),
        ]);
        const [{ n }] = await knex('release_ledger_gate_evaluations').count({
          n: '*',
        });
        expect(Number(n)).toBe(0);
      });

      it('starts for an owner, a release manager and a pipeline', async () => {
        expect((await evaluate(as(sam), 'cart-service@1')).status).toBe(202);
        expect((await evaluate(as(riley), 'payments-api@1')).status).toBe(202);
        expect((await evaluate(service, 'payments-api@1')).status).toBe(202);
      });

      it('answers 404 for a release that does not exist', async () => {
        expect((await evaluate(as(sam), 'nope@1')).status).toBe(404);
      });
    });

    describe('POST /releases/:id/gates/replay (release-ledger.gate.replay)', () => {
      const replay = (who: string) =>
        request(server)
          .post(`${api}/releases/cart-service@0/gates/replay`)
          .set('Authorization', who)
          .send({});

      it('refuses users without the permission, even owners', async () => {
        for (const who of [as(nora), as(sam)]) {
          const res = await replay(who);
          expect(res.status).toBe(403);
          expect(res.body.error.message).toBe(
            'replaying gates needs the permission release-ledger.gate.replay',
          );
        }
      });

      it('replays for a release manager', async () => {
        const res = await replay(as(riley));
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          releaseId: 'cart-service@0',
          replay: true,
        });
      });
    });

    describe('POST /comms/requeue (release-ledger.comms.manage)', () => {
      const requeue = (who: string) =>
        request(server)
          .post(`${api}/comms/requeue`)
          .set('Authorization', who)
          .send({});

      it('refuses users without the permission and serves a release manager', async () => {
        for (const who of [as(nora), as(sam)]) {
          const res = await requeue(who);
          expect(res.status).toBe(403);
          expect(res.body.error.message).toBe(
            'requeueing messages needs the permission release-ledger.comms.manage',
          );
        }
        await requeue(as(riley)).expect(200, { requeued: 0 });
      });
    });

    describe('PUT /notes/:week (release-ledger.note.update)', () => {
      const week = '2026-11-23';
      const putNote = (who: string, text: string) =>
        request(server)
          .put(`${api}/notes/${week}`)
          .set('Authorization', who)
          .send({ text });

      it('refuses users without the permission and stores nothing', async () => {
        for (const who of [as(nora), as(sam)]) {
          const res = await putNote(who, 'all green');
          expect(res.status).toBe(403);
          expect(res.body.error.message).toBe(
            'writing the weekly note needs the permission release-ledger.note.update',
          );
        }
        const [{ n }] = await knex('release_ledger_weekly_notes').count({
          n: '*',
        });
        expect(Number(n)).toBe(0);
      });

      it('stores the note of a release manager, with its author', async () => {
        const res = await putNote(as(riley), 'One rollback, fixed same day.');
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          week,
          text: 'One rollback, fixed same day.',
          author: riley,
        });
      });
    });

    it('lets every signed-in user read', async () => {
      const res = await request(server)
        .get(`${api}/releases`)
        .set('Authorization', as(nora));
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeGreaterThan(0);
    });
  },
);
