import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  createTestDatabases,
  startTestLedger,
  waitForProjections,
} from '../__testUtils__/testLedger';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const service = mockCredentials.service.header();
const user = mockCredentials.user.header();
const none = mockCredentials.none.header();

describe.each(databases.eachSupportedId())(
  'GET /ledger/status on %p',
  databaseId => {
    it('shows the deferred projectors and their queue, which the backend drains by itself', async () => {
      const { server, knex } = await startTestLedger(databases, databaseId);
      const before = await request(server)
        .get('/api/release-ledger/ledger/status')
        .set('Authorization', user)
        .expect(200);
      expect(before.body).toEqual({
        projections: {
          pendingSubjects: 0,
          pendingEvents: 0,
          retrying: 0,
          lagMs: 0,
          projectors: [
            { id: 'metrics', mode: 'deferred' },
            { id: 'comms', mode: 'deferred' },
            { id: 'checklists', mode: 'deferred' },
          ],
        },
      });

      await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', service)
        .send({
          events: [
            {
              type: 'release_started',
              releaseId: 'payments@1',
              entityRef: 'component:default/payments-api',
              timestamp: '2026-11-27T10:00:00.000Z',
            },
            {
              type: 'promoted',
              releaseId: 'payments@1',
              timestamp: '2026-11-27T10:30:00.000Z',
            },
          ],
        })
        .expect(201);
      // No drain is called here: the plugin's worker catches up on its own.
      await waitForProjections(server, user);
      const footprint = await knex('release_ledger_footprints')
        .where({ release_id: 'payments@1' })
        .first();
      expect(footprint).toMatchObject({
        entity_ref: 'component:default/payments-api',
        promoted_at: '2026-11-27T10:30:00.000Z',
      });
      const [{ n }] = await knex('release_ledger_outbox')
        .where({ release_id: 'payments@1' })
        .count({ n: '*' });
      expect(Number(n)).toBeGreaterThan(0);
    });

    it('answers 401 without credentials', async () => {
      const { server } = await startTestLedger(databases, databaseId);
      const response = await request(server)
        .get('/api/release-ledger/ledger/status')
        .set('Authorization', none);
      expect(response.status).toBe(401);
    });
  },
);
