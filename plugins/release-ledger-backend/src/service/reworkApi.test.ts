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

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Whole hours, so every duration below is exact. */
const NOW = Math.floor(Date.now() / HOUR) * HOUR;
const at = (daysAgo: number, plusHours = 0) =>
  new Date(NOW - daysAgo * DAY + plusHours * HOUR).toISOString();

const PAYMENTS = 'component:default/payments-api';

describe.each(databases.eachSupportedId())(
  'rework and restores by a fix through the API on %p',
  databaseId => {
    it('restores a failed release at the promotion of the release that fixes it, and answers the rework rate', async () => {
      // Two samples are enough for a band here: rework rate still has none.
      const { server } = await startTestLedger(databases, databaseId, {
        config: { releaseLedger: { metrics: { minSamples: 2 } } },
      });
      const post = (events: object[]) =>
        request(server)
          .post('/api/release-ledger/events')
          .set('Authorization', service)
          .send({ events });

      // R fails: a SEV-1 incident 2 h after its start, never SLO-restored.
      let res = await post([
        {
          eventId: 'r-start',
          type: 'release_started',
          releaseId: 'payments@1',
          entityRef: PAYMENTS,
          timestamp: at(5),
        },
        {
          eventId: 'r-promote',
          type: 'promoted',
          releaseId: 'payments@1',
          timestamp: at(5, 1),
        },
        {
          eventId: 'r-inc',
          type: 'incident_started',
          releaseId: 'payments@1',
          timestamp: at(5, 2),
          attributes: { incidentId: 'INC-42', severity: 'SEV-1' },
        },
      ]);
      expect(res.status).toBe(201);
      await waitForProjections(server, service);
      res = await request(server)
        .get('/api/release-ledger/releases/payments@1')
        .set('Authorization', user);
      expect(res.body.footprint).toMatchObject({
        failed: true,
        firstFailureSignalAt: at(5, 2),
        isRework: false,
      });
      expect(res.body.footprint.timeToRestoreMs).toBeUndefined();

      // F fixes R, and is promoted 3 h after R's incident started.
      res = await post([
        {
          eventId: 'f-start',
          type: 'release_started',
          releaseId: 'payments@2',
          entityRef: PAYMENTS,
          timestamp: at(5, 4),
          attributes: { fixes: ['payments@1'] },
        },
      ]);
      expect(res.status).toBe(201);
      res = await post([
        {
          eventId: 'f-promote',
          type: 'promoted',
          releaseId: 'payments@2',
          timestamp: at(5, 5),
        },
      ]);
      expect(res.status).toBe(201);
      await waitForProjections(server, service);

      res = await request(server)
        .get('/api/release-ledger/releases/payments@1')
        .set('Authorization', user);
      expect(res.status).toBe(200);
      expect(res.body.footprint).toMatchObject({
        failed: true,
        restoredAt: at(5, 5),
        timeToRestoreMs: 3 * HOUR,
        isRework: false,
      });
      res = await request(server)
        .get('/api/release-ledger/releases/payments@2')
        .set('Authorization', user);
      expect(res.body.fixes).toEqual(['payments@1']);
      expect(res.body.footprint).toMatchObject({
        isDeployment: true,
        isRework: true,
        failed: false,
      });

      res = await request(server)
        .get('/api/release-ledger/metrics')
        .query({ scope: 'entity', ref: PAYMENTS, window: '30d' })
        .set('Authorization', user);
      expect(res.status).toBe(200);
      const m = res.body.metrics;
      expect(m.timeToRestore).toEqual({
        sampleSize: 1,
        notEnoughData: true,
        p50Ms: 3 * HOUR,
        p95Ms: 3 * HOUR,
        unrestored: 0,
      });
      expect(m.changeFailureRate).toMatchObject({
        deployments: 2,
        failures: 1,
        rate: 0.5,
        band: 'low',
      });
      expect(m.reworkRate).toEqual({
        sampleSize: 2,
        notEnoughData: false,
        deployments: 2,
        reworkDeployments: 1,
        rate: 0.5,
      });
      const week = m.trend.find(
        (p: { deployments: number }) => p.deployments > 0,
      );
      expect(week).toMatchObject({
        deployments: 2,
        reworkDeployments: 1,
        reworkRate: 0.5,
        restored: 1,
        timeToRestoreP50Ms: 3 * HOUR,
      });
      expect(
        m.trend.reduce(
          (n: number, p: { reworkDeployments: number }) =>
            n + p.reworkDeployments,
          0,
        ),
      ).toBe(1);

      // The org answer and its team row carry it too.
      res = await request(server)
        .get('/api/release-ledger/metrics')
        .query({ scope: 'org', window: '30d' })
        .set('Authorization', user);
      expect(res.body.metrics.reworkRate).toMatchObject({
        deployments: 2,
        reworkDeployments: 1,
      });
      expect(res.body.teams).toEqual([
        expect.objectContaining({
          groupRef: 'group:default/team-payments',
          metrics: expect.objectContaining({
            reworkRate: expect.objectContaining({ reworkDeployments: 1 }),
          }),
        }),
      ]);
    });
  },
);
