import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  createTestDatabases,
  startTestLedger,
} from '../__testUtils__/testLedger';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const service = mockCredentials.service.header();
const user = mockCredentials.user.header();

const at = (hour: number) =>
  new Date(Date.UTC(2026, 10, 27, hour)).toISOString();

describe.each(databases.eachSupportedId())(
  'GET /releases?outcome on %p',
  databaseId => {
    let server: Awaited<ReturnType<typeof startTestLedger>>['server'];

    beforeAll(async () => {
      ({ server } = await startTestLedger(databases, databaseId));
      const ev = (
        releaseId: string,
        type: string,
        hour: number,
        attributes: object = {},
      ) => ({
        eventId: `${releaseId}-${type}`,
        type,
        releaseId,
        entityRef: 'component:default/payments-api',
        timestamp: at(hour),
        attributes,
      });
      const res = await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', service)
        .send({
          events: [
            ev('shipped', 'release_started', 1),
            ev('shipped', 'promoted', 2),
            ev('shipped', 'release_finished', 3),
            // Rolled back after an incident, once it had finished.
            ev('reverted', 'release_started', 4),
            ev('reverted', 'promoted', 5),
            ev('reverted', 'release_finished', 6),
            ev('reverted', 'rolled_back', 9, { reason: 'INC-7' }),
            ev('rolling', 'release_started', 7),
            ev('rolling', 'rolled_back', 8, { reason: 'canary' }),
          ],
        });
      if (res.status !== 201) {
        throw new Error(`history refused: ${JSON.stringify(res.body)}`);
      }
    });

    const list = (query: string) =>
      request(server)
        .get(`/api/release-ledger/releases?${query}`)
        .set('Authorization', user);

    it.each([
      ['outcome=rolled_back', ['reverted']],
      ['outcome=promoted', ['shipped']],
      ['status=rolled_back', ['rolling']],
      ['status=finished&outcome=rolled_back', ['reverted']],
      ['status=finished', ['reverted', 'shipped']],
    ])('lists %s', async (query, ids) => {
      const res = await list(query);
      expect(res.status).toBe(200);
      expect(res.body.items.map((r: any) => r.releaseId)).toEqual(ids);
    });

    it('shows the rollback after release_finished as the outcome, not an anomaly', async () => {
      const res = await request(server)
        .get('/api/release-ledger/releases/reverted')
        .set('Authorization', user);
      expect(res.body).toMatchObject({
        status: 'finished',
        outcome: 'rolled_back',
        anomalies: [],
      });
    });

    it('refuses an unknown outcome, naming the parameter', async () => {
      const res = await list('outcome=reverted');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('outcome');
      expect(res.body.error.message).toContain('promoted, rolled_back');
    });
  },
);
