/*
 * Regression tests for what probing the API from outside found (issue 11):
 * each class of input that gave a 500 on PostgreSQL, a stack overflow or a
 * silently dropped event, on SQLite and on PostgreSQL.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  createTestDatabases,
  startTestLedger,
} from '../__testUtils__/testLedger';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const service = mockCredentials.service.header();
const user = mockCredentials.user.header();
const API = '/api/release-ledger';

const event = (overrides: object = {}) => ({
  type: 'release_started',
  releaseId: 'payments-api@h1',
  entityRef: 'component:default/payments-api',
  timestamp: '2026-11-27T10:00:00Z',
  version: '1.42.0',
  commit: '9f2c1ab',
  ...overrides,
});

/** An object nested `depth` levels deep, built without recursion. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

describe.each(databases.eachSupportedId())(
  'hostile input on %p',
  databaseId => {
    let server: Server;
    let knex: Knex;

    beforeAll(async () => {
      ({ server, knex } = await startTestLedger(databases, databaseId, {
        permissionResult: AuthorizeResult.ALLOW,
      }));
    });

    const counts = async () => {
      const [{ events }] = await knex('release_ledger_events').count({
        events: '*',
      });
      const [{ releases }] = await knex('release_ledger_releases').count({
        releases: '*',
      });
      return { events: Number(events), releases: Number(releases) };
    };
    const post = (body: unknown) =>
      request(server)
        .post(`${API}/events`)
        .set('Authorization', service)
        .send(body as object);
    const postText = (text: string, contentType = 'application/json') =>
      request(server)
        .post(`${API}/events`)
        .set('Authorization', service)
        .set('Content-Type', contentType)
        .send(text);

    describe('NUL characters', () => {
      it.each([
        ['version', { version: 'v1\u0000' }, 'version'],
        ['commit', { commit: 'abc\u0000' }, 'commit'],
        [
          'entityRef',
          { entityRef: 'component:default/pay\u0000' },
          'entityRef',
        ],
        [
          'an attribute value',
          { attributes: { plan: 'p\u0000' } },
          'attributes.plan',
        ],
        [
          'an attribute name',
          { attributes: { ['k\u0000']: 1 } },
          'attributes.k\\u0000',
        ],
      ])(
        'in %s on POST /events: 400 naming it',
        async (_, overrides, field) => {
          const before = await counts();
          const single = await post(event(overrides));
          expect(single.status).toBe(400);
          expect(single.body.error.message).toBe(
            `${field}: must not contain NUL (\\u0000) characters`,
          );
          const batch = await post({ events: [event(), event(overrides)] });
          expect(batch.status).toBe(400);
          expect(batch.body.error.message).toBe(
            `events[1].${field}: must not contain NUL (\\u0000) characters`,
          );
          expect(await counts()).toEqual(before);
        },
      );

      it.each([
        ['GET', '/releases/%00'],
        ['GET', '/releases/x%00y/comms'],
        ['GET', '/releases/%00/checklist'],
        ['GET', '/releases/%00/notes'],
        ['GET', '/releases/%00/gates'],
        ['POST', '/releases/%00/gates/evaluate'],
        ['POST', '/releases/%00/gates/replay'],
      ])(
        'in the release id of %s %s: 400 naming releaseId',
        async (method, path) => {
          const req =
            method === 'GET'
              ? request(server).get(`${API}${path}`)
              : request(server).post(`${API}${path}`).send({});
          const res = await req.set('Authorization', service);
          expect(res.status).toBe(400);
          expect(res.body.error.message).toContain('releaseId:');
        },
      );

      it.each([
        ['entityRef', '/releases?entityRef=component:default/x%00'],
        ['owner', '/releases?owner=group:default/x%00'],
        ['cursor', '/releases?cursor=%00'],
        ['ref', '/metrics?scope=entity&ref=component:default/x%00'],
        [
          'entityRef',
          '/checklists/skipped?entityRef=component%3Adefault%2Fx%00',
        ],
      ])('in the query parameter %s: 400 naming it', async (name, path) => {
        const res = await request(server)
          .get(`${API}${path}`)
          .set('Authorization', service);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(name);
      });

      it('in a forged cursor: 400', async () => {
        const cursor = Buffer.from(
          JSON.stringify({ s: '2026-11-27T10:00:00.000Z\u0000', r: 'x' }),
        ).toString('base64url');
        const res = await request(server)
          .get(`${API}/releases?cursor=${cursor}`)
          .set('Authorization', service);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe(
          'cursor: is not a cursor returned by this API',
        );
      });

      it('in the weekly note: 400 naming text, nothing stored', async () => {
        const res = await request(server)
          .put(`${API}/notes/2026-11-23`)
          .set('Authorization', user)
          .send({ text: 'calm week\u0000' });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe(
          'text: must not contain NUL (\\u0000) characters',
        );
        const [{ n }] = await knex('release_ledger_weekly_notes').count({
          n: '*',
        });
        expect(Number(n)).toBe(0);
      });
    });

    it('refuses deep nesting with a 400 naming the field, before anything recursive runs', async () => {
      const before = await counts();
      // 10,000 levels once overflowed JSON.stringify's stack (a 500); the
      // body is written by hand because the test's own stringify would, too.
      const depth = 10_000;
      const deep = await postText(
        JSON.stringify(event({ attributes: { deep: 0 } })).replace(
          '"deep":0',
          `"a":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
        ),
      );
      expect(deep.status).toBe(400);
      expect(deep.body.error.message).toMatch(
        /^attributes(\.a)+: must not nest deeper than (16|32) levels$/,
      );
      const justOver = await post(event({ attributes: nested(17) }));
      expect(justOver.status).toBe(400);
      expect(justOver.body.error.message).toMatch(
        /^attributes(\.a){16}: must not nest deeper than 16 levels$/,
      );
      expect(await counts()).toEqual(before);
      const atLimit = await post(
        event({ releaseId: 'payments-api@deep', attributes: nested(16) }),
      );
      expect(atLimit.status).toBe(201);
    });

    it('refuses non-finite numbers instead of storing null', async () => {
      const before = await counts();
      const res = await postText(
        JSON.stringify(event({ attributes: { changeCount: 1 } })).replace(
          '"changeCount":1',
          '"changeCount":1e999',
        ),
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'attributes.changeCount: must be a finite number',
      );
      expect(await counts()).toEqual(before);
    });

    it('keeps links to http(s)', async () => {
      const res = await post({
        type: 'pr_merged',
        releaseId: 'payments-api@h1',
        entityRef: 'component:default/payments-api',
        timestamp: '2026-11-27T09:00:00Z',
        attributes: {
          prNumber: 7,
          title: 'Fix',
          // eslint-disable-next-line no-script-url -- the hostile input under test
          url: 'javascript:alert(document.cookie)',
        },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'attributes.url: must be an http(s) URL',
      );
    });

    it('refuses times far in the future or before 2000, naming the field', async () => {
      const before = await counts();
      const future = await post(event({ timestamp: '9999-12-31T00:00:00Z' }));
      expect(future.status).toBe(400);
      expect(future.body.error.message).toMatch(
        /^timestamp: must not be more than 86400 s in the future \(releaseLedger.ingest.maxFutureSkewMs\); got 9999-12-31T00:00:00.000Z/,
      );
      const ancient = await post(event({ timestamp: '0001-01-01T00:00:00Z' }));
      expect(ancient.status).toBe(400);
      expect(ancient.body.error.message).toBe(
        'timestamp: must not be before 2000-01-01T00:00:00.000Z',
      );
      const merged = await post({
        type: 'pr_merged',
        releaseId: 'payments-api@h1',
        entityRef: 'component:default/payments-api',
        timestamp: '2026-11-27T09:00:00Z',
        attributes: {
          prNumber: 8,
          title: 'Fix',
          mergedAt: '3026-01-01T00:00:00Z',
        },
      });
      expect(merged.status).toBe(400);
      expect(merged.body.error.message).toMatch(
        /^attributes\.mergedAt: must not be more than/,
      );
      expect(await counts()).toEqual(before);
      // Clock skew within the allowance is fine.
      const soon = await post(
        event({
          releaseId: 'payments-api@soon',
          timestamp: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
        }),
      );
      expect(soon.status).toBe(201);
    });

    describe('an eventId reused for a different event', () => {
      it('is a 409 naming the id and what differs, and stores nothing of the batch', async () => {
        const first = await post(
          event({ eventId: 'run-9-started', releaseId: 'payments-api@c1' }),
        );
        expect(first.status).toBe(201);
        const before = await counts();

        const rollback = {
          eventId: 'run-9-started',
          type: 'rolled_back',
          releaseId: 'payments-api@c1',
          timestamp: '2026-11-27T11:00:00Z',
          attributes: { reason: 'errors' },
        };
        const single = await post(rollback);
        expect(single.status).toBe(409);
        expect(single.body.error.name).toBe('ConflictError');
        expect(single.body.error.message).toBe(
          "eventId: 'run-9-started' is already taken by an event with a different type, entityRef, version, commit, timestamp, attributes; send a changed event with a new eventId",
        );

        const batch = await post({
          events: [
            event({ eventId: 'run-9-new', releaseId: 'payments-api@c2' }),
            {
              ...event({ releaseId: 'payments-api@c1' }),
              eventId: 'run-9-started',
              version: '9.9.9',
            },
          ],
        });
        expect(batch.status).toBe(409);
        expect(batch.body.issues).toEqual([
          {
            field: 'events[1].eventId',
            message:
              "'run-9-started' is already taken by an event with a different version; send a changed event with a new eventId",
          },
        ]);
        expect(await counts()).toEqual(before);
        const missing = await request(server)
          .get(`${API}/releases/payments-api@c2`)
          .set('Authorization', service);
        expect(missing.status).toBe(404);
      });

      it('within one batch is a 409 too', async () => {
        const before = await counts();
        const res = await post({
          events: [
            event({ eventId: 'twice', releaseId: 'payments-api@c3' }),
            event({ eventId: 'twice', releaseId: 'payments-api@c4' }),
          ],
        });
        expect(res.status).toBe(409);
        expect(res.body.issues[0].field).toBe('events[1].eventId');
        expect(res.body.issues[0].message).toContain('different releaseId');
        expect(await counts()).toEqual(before);
      });

      it('stays a duplicate when the content is the same, also without a timestamp or with keys reordered', async () => {
        const sent = {
          eventId: 'run-10-promoted',
          type: 'promoted',
          releaseId: 'payments-api@c5',
          entityRef: 'component:default/payments-api',
          attributes: { weight: 100, note: { b: 1, a: 2 } },
        };
        expect((await post(sent)).status).toBe(201);
        // The ledger used "now" for the first; the retry comes later.
        const retry = await post({
          ...sent,
          attributes: { note: { a: 2, b: 1 }, weight: 100 },
        });
        expect(retry.status).toBe(201);
        expect(retry.body.results[0].status).toBe('duplicate');
        const inBatch = await post({ events: [sent, sent] });
        expect(inBatch.body.results.map((r: any) => r.status)).toEqual([
          'duplicate',
          'duplicate',
        ]);
      });

      it('sent concurrently with different content: one is stored, the other is a 409', async () => {
        const a = event({ eventId: 'race-1', releaseId: 'payments-api@r1' });
        const b = {
          eventId: 'race-1',
          type: 'rolled_back',
          releaseId: 'payments-api@r1',
          entityRef: 'component:default/payments-api',
          timestamp: '2026-11-27T10:05:00Z',
          attributes: { reason: 'race' },
        };
        const answers = await Promise.all([post(a), post(b)]);
        expect(answers.map(r => r.status).sort()).toEqual([201, 409]);
        const rows = await knex('release_ledger_events').where({
          event_id: 'race-1',
        });
        expect(rows).toHaveLength(1);
        const winner = answers.find(r => r.status === 201)!;
        expect(winner.body.results[0].status).toBe('created');
      });
    });

    it('answers 415 for a JSON body in another charset than UTF-8', async () => {
      const res = await postText(
        JSON.stringify(event()),
        'application/json; charset=utf-16',
      );
      expect(res.status).toBe(415);
      expect(res.body.error.message).toBe(
        'Content-Type: charset must be utf-8, got utf-16',
      );
      const utf8 = await postText(
        JSON.stringify(event({ releaseId: 'payments-api@cs' })),
        'application/json; charset=UTF-8',
      );
      expect(utf8.status).toBe(201);
    });

    it('accepts entity refs typed unencoded in the query', async () => {
      const res = await request(server)
        .get(
          `${API}/releases?entityRef=component:default/payments-api&limit=20`,
        )
        .set('Authorization', service);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      const owner = await request(server)
        .get(`${API}/releases?owner=group:default/team-payments`)
        .set('Authorization', service);
      expect(owner.status).toBe(200);
    });
  },
);
