import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import {
  createTestDatabases,
  startTestLedger,
} from '../__testUtils__/testLedger';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const service = mockCredentials.service.header();
const user = mockCredentials.user.header();

const start = (releaseId: string, extra: object = {}) => ({
  type: 'release_started',
  releaseId,
  entityRef: 'component:default/payments-api',
  timestamp: '2026-11-27T10:00:00Z',
  version: '1.42.0',
  commit: '9f2c1ab',
  ...extra,
});

describe.each(databases.eachSupportedId())(
  'release-ledger API on %p',
  databaseId => {
    let server: Awaited<ReturnType<typeof startTestLedger>>['server'];
    let knex: Awaited<ReturnType<typeof startTestLedger>>['knex'];

    beforeAll(async () => {
      ({ server, knex } = await startTestLedger(databases, databaseId));
    });

    const count = async () => {
      const [{ n }] = await knex('release_ledger_events').count({ n: '*' });
      return Number(n);
    };
    const post = (body: unknown) =>
      request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', service)
        .send(body as object);

    it('stores an event once and answers the second post as a duplicate', async () => {
      const event = { ...start('payments-api@1'), eventId: 'run-1-started' };
      const first = await post(event);
      expect(first.status).toBe(201);
      expect(first.body.results).toEqual([
        {
          index: 0,
          eventId: 'run-1-started',
          releaseId: 'payments-api@1',
          status: 'created',
        },
      ]);
      const second = await post(event);
      expect(second.status).toBe(201);
      expect(second.body.results[0].status).toBe('duplicate');
      const rows = await knex('release_ledger_events').where(
        'event_id',
        'run-1-started',
      );
      expect(rows).toHaveLength(1);
    });

    it('derives an id from the content so a blind retry without eventId is a duplicate', async () => {
      const event = start('payments-api@2');
      const a = await post(event);
      const b = await post({ ...event }); // same content, fresh object, same key order not required
      expect(a.body.results[0].status).toBe('created');
      expect(b.body.results[0]).toEqual({
        ...a.body.results[0],
        status: 'duplicate',
      });
      expect(a.body.results[0].eventId).toMatch(/^derived-[0-9a-f]{40}$/);
    });

    it('projects a release, resolves its owner from the catalog and serves it with its events', async () => {
      const res = await post({
        events: [
          {
            eventId: 'r3-pr',
            type: 'pr_merged',
            releaseId: 'payments-api@3',
            entityRef: 'payments-api',
            timestamp: '2026-11-26T09:00:00Z',
            attributes: { prNumber: 7, title: 'fix: tax', author: 'amara' },
          },
          {
            eventId: 'r3-promoted',
            type: 'promoted',
            releaseId: 'payments-api@3',
            timestamp: '2026-11-27T10:20:00Z',
          },
          { ...start('payments-api@3'), eventId: 'r3-start' },
          {
            eventId: 'r3-canary',
            type: 'canary_started',
            releaseId: 'payments-api@3',
            timestamp: '2026-11-27T10:05:00Z',
            attributes: { weight: 10 },
          },
        ],
      });
      expect(res.status).toBe(201);
      const got = await request(server)
        .get('/api/release-ledger/releases/payments-api@3')
        .set('Authorization', user);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({
        releaseId: 'payments-api@3',
        entityRef: 'component:default/payments-api',
        ownerRef: 'group:default/team-payments',
        status: 'promoted',
        version: '1.42.0',
        startedAt: '2026-11-27T10:00:00.000Z',
        promotedAt: '2026-11-27T10:20:00.000Z',
        changes: [
          {
            prNumber: 7,
            title: 'fix: tax',
            author: 'amara',
            mergedAt: '2026-11-26T09:00:00.000Z',
          },
        ],
        anomalies: [],
      });
      expect(
        got.body.events.map((e: { eventId: string }) => e.eventId),
      ).toEqual(['r3-pr', 'r3-start', 'r3-canary', 'r3-promoted']);
    });

    it('keeps and flags an impossible sequence', async () => {
      await post({
        events: [
          { ...start('payments-api@4'), eventId: 'r4-start' },
          {
            eventId: 'r4-rb',
            type: 'rolled_back',
            releaseId: 'payments-api@4',
            timestamp: '2026-11-27T10:10:00Z',
            attributes: { reason: 'errors' },
          },
          {
            eventId: 'r4-promoted',
            type: 'promoted',
            releaseId: 'payments-api@4',
            timestamp: '2026-11-27T10:20:00Z',
          },
        ],
      });
      const got = await request(server)
        .get('/api/release-ledger/releases/payments-api@4')
        .set('Authorization', user);
      expect(got.body.status).toBe('rolled_back');
      expect(got.body.events).toHaveLength(3);
      expect(got.body.anomalies).toEqual([
        {
          eventId: 'r4-promoted',
          type: 'promoted',
          message: 'promoted while the release was rolled_back',
        },
      ]);
    });

    it('rejects a batch with any invalid event, reports every bad index and stores nothing', async () => {
      const before = await count();
      const res = await post({
        events: [
          start('payments-api@5'),
          { type: 'deployed', releaseId: 'payments-api@5' },
          { type: 'promoted', timestamp: '2026-11-27T10:20:00Z' },
          {
            type: 'promoted',
            releaseId: 'payments-api@5',
            timestamp: 'yesterday',
          },
          { ...start('ghost@1'), entityRef: 'component:default/ghost' },
          { type: 'promoted', releaseId: 'orphan@1' },
        ],
      });
      expect(res.status).toBe(400);
      expect(res.body.issues).toEqual(
        expect.arrayContaining([
          {
            field: 'events[1].type',
            message: expect.stringContaining(
              "unknown event type 'deployed'; known types: pr_merged",
            ),
          },
          { field: 'events[2].releaseId', message: 'is required' },
          {
            field: 'events[3].timestamp',
            message: expect.stringContaining('ISO 8601'),
          },
          {
            field: 'events[4].entityRef',
            message: 'component:default/ghost is not in the catalog',
          },
          {
            field: 'events[5].entityRef',
            message: 'is required on the first event of release orphan@1',
          },
        ]),
      );
      expect(
        res.body.issues.map((i: { field: string }) => i.field),
      ).not.toContain('events[0].type');
      expect(res.body.error.message).toContain('events[1].type');
      expect(await count()).toBe(before);
    });

    it('refuses an event that names another entity than its release', async () => {
      await post({ ...start('payments-api@6'), eventId: 'r6' });
      const res = await post({
        type: 'promoted',
        releaseId: 'payments-api@6',
        entityRef: 'component:default/cart-service',
      });
      expect(res.status).toBe(400);
      expect(res.body.issues[0]).toEqual({
        field: 'entityRef',
        message:
          'release payments-api@6 belongs to component:default/payments-api, not component:default/cart-service',
      });
    });

    it('answers 401 without credentials, 415 for a non-JSON body, 413 for an oversized body', async () => {
      const before = await count();
      const none = mockCredentials.none.header();
      const anonymous = await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', none)
        .send(start('payments-api@7'));
      expect(anonymous.status).toBe(401);
      const anonRead = await request(server)
        .get('/api/release-ledger/releases')
        .set('Authorization', none);
      expect(anonRead.status).toBe(401);

      const text = await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', service)
        .set('Content-Type', 'text/plain')
        .send('release_started');
      expect(text.status).toBe(415);
      expect(text.body.error.message).toContain(
        'Content-Type: must be application/json',
      );

      const huge = {
        events: Array.from({ length: 900 }, (_, i) =>
          start(`payments-api@big${i}`, {
            attributes: { plan: 'x'.repeat(990) },
            version: 'v'.repeat(100),
          }),
        ),
      };
      const big = await post({
        ...huge,
        events: [
          ...huge.events,
          ...huge.events,
          ...huge.events,
          ...huge.events,
          ...huge.events,
          ...huge.events,
        ],
      });
      expect(big.status).toBe(413);
      expect(big.body.error.message).toMatch(
        /^body: must be at most \d+ bytes/,
      );
      expect(await count()).toBe(before);
    });

    it('refuses batches over 1000 events and malformed JSON', async () => {
      const tooMany = await post({
        events: Array.from({ length: 1001 }, (_, i) =>
          start(`payments-api@n${i}`),
        ),
      });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.error.message).toMatch(/events/);
      const broken = await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', service)
        .set('Content-Type', 'application/json')
        .send('{"type": ');
      expect(broken.status).toBe(400);
      expect(broken.body.error.message).toContain('body: is not valid JSON');
    });

    it('lists releases newest first with cursor pagination and filters', async () => {
      const events = Array.from({ length: 5 }, (_, i) => ({
        ...start(`cart-service@p${i}`),
        entityRef: 'component:default/cart-service',
        eventId: `p${i}`,
        timestamp: `2026-11-0${i + 1}T10:00:00Z`,
      }));
      expect((await post({ events })).status).toBe(201);
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await request(server)
          .get('/api/release-ledger/releases')
          .query({
            entityRef: 'component:default/cart-service',
            limit: '2',
            ...(cursor ? { cursor } : {}),
          })
          .set('Authorization', user);
        expect(page.status).toBe(200);
        ids.push(
          ...page.body.items.map((r: { releaseId: string }) => r.releaseId),
        );
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(ids).toEqual([
        'cart-service@p4',
        'cart-service@p3',
        'cart-service@p2',
        'cart-service@p1',
        'cart-service@p0',
      ]);

      const byOwner = await request(server)
        .get('/api/release-ledger/releases')
        .query({
          owner: 'team-storefront',
          from: '2026-11-02T00:00:00Z',
          to: '2026-11-04T23:00:00Z',
        })
        .set('Authorization', user);
      expect(
        byOwner.body.items.map((r: { releaseId: string }) => r.releaseId),
      ).toEqual(['cart-service@p3', 'cart-service@p2', 'cart-service@p1']);
      const byStatus = await request(server)
        .get('/api/release-ledger/releases')
        .query({ status: 'rolled_back' })
        .set('Authorization', user);
      expect(
        byStatus.body.items.map((r: { releaseId: string }) => r.releaseId),
      ).toEqual(['payments-api@4']);
    });

    it('answers 404 for an unknown release and 400 naming a bad query parameter', async () => {
      const missing = await request(server)
        .get('/api/release-ledger/releases/nope@1')
        .set('Authorization', user);
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toBe('release nope@1 not found');
      const badLimit = await request(server)
        .get('/api/release-ledger/releases')
        .query({ limit: '0' })
        .set('Authorization', user);
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.error.message).toContain('limit');
      const badCursor = await request(server)
        .get('/api/release-ledger/releases')
        .query({ cursor: 'garbage' })
        .set('Authorization', user);
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.error.message).toContain('cursor');
      const badStatus = await request(server)
        .get('/api/release-ledger/releases')
        .query({ status: 'exploded' })
        .set('Authorization', user);
      expect(badStatus.status).toBe(400);
    });

    it('lets a signed-in user write only with the permission', async () => {
      const allowed = await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', user)
        .send(start('payments-api@u1'));
      expect(allowed.status).toBe(201);
    });
  },
);

describe.each(databases.eachSupportedId())(
  'release-ledger permissions on %p',
  databaseId => {
    it('refuses a user without release-ledger.event.create but still accepts a service', async () => {
      const { server, knex } = await startTestLedger(databases, databaseId, {
        permissionResult: AuthorizeResult.DENY,
      });
      const denied = await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', user)
        .send(start('payments-api@d1'));
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain(
        'release-ledger.event.create',
      );
      const [{ n }] = await knex('release_ledger_events').count({ n: '*' });
      expect(Number(n)).toBe(0);
      const svc = await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', service)
        .send(start('payments-api@d1'));
      expect(svc.status).toBe(201);
    });
  },
);
