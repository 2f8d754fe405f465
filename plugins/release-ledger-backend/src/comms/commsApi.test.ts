/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "request.**.expect"] }] */
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { ReleaseComms } from '@release-ledger/plugin-release-ledger-common';
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
const PAYMENTS = 'component:default/payments-api';

const events = [
  {
    eventId: 'c-start',
    type: 'release_started',
    releaseId: 'payments@7',
    entityRef: PAYMENTS,
    timestamp: '2026-11-27T10:00:00.000Z',
    version: '1.7.0',
  },
  {
    eventId: 'c-rb',
    type: 'rolled_back',
    releaseId: 'payments@7',
    timestamp: '2026-11-27T10:05:00.000Z',
    attributes: { reason: '<!channel> error rate' },
  },
];

describe.each(databases.eachSupportedId())('comms API on %p', databaseId => {
  it('shows the thread as it would look in Slack when Slack is not configured', async () => {
    const { server } = await startTestLedger(databases, databaseId, {
      config: { releaseLedger: { slack: { defaultChannel: '#releases' } } },
    });
    await request(server)
      .post('/api/release-ledger/events')
      .set('Authorization', service)
      .send({ events })
      .expect(201);
    await waitForProjections(server, service);

    // The worker settles the rows shortly after the commit.
    let comms: ReleaseComms | undefined;
    for (let i = 0; i < 100; i++) {
      const res = await request(server)
        .get('/api/release-ledger/releases/payments%407/comms')
        .set('Authorization', user)
        .expect(200);
      comms = res.body;
      if (comms!.messages.every(m => m.state !== 'pending')) break;
      await new Promise(r => setTimeout(r, 100));
    }
    expect(comms).toMatchObject({
      releaseId: 'payments@7',
      delivery: { mode: 'not_configured' },
      channel: '#releases',
    });
    expect(
      comms!.messages.map(m => [m.kind, m.state, m.broadcast, m.lastError]),
    ).toEqual([
      ['parent', 'not_delivered', false, 'not delivered: Slack not configured'],
      ['reply', 'not_delivered', true, 'not delivered: Slack not configured'],
    ]);
    const reply = JSON.stringify(comms!.messages[1].message);
    expect(reply).toContain('&lt;!channel&gt; error rate');
    expect(reply).not.toContain('<!channel>');

    const status = await request(server)
      .get('/api/release-ledger/comms/status')
      .set('Authorization', user)
      .expect(200);
    expect(status.body.counts).toMatchObject({ not_delivered: 2, pending: 0 });
  });

  it('previews an incident sent without a release in the thread of the release it was attributed to', async () => {
    const { server } = await startTestLedger(databases, databaseId, {
      config: { releaseLedger: { slack: { defaultChannel: '#releases' } } },
    });
    await request(server)
      .post('/api/release-ledger/events')
      .set('Authorization', service)
      .send({
        events: [
          {
            eventId: 'p-start',
            type: 'release_started',
            releaseId: 'payments@8',
            entityRef: PAYMENTS,
            timestamp: '2026-11-27T11:00:00.000Z',
          },
          {
            eventId: 'p-promoted',
            type: 'promoted',
            releaseId: 'payments@8',
            timestamp: '2026-11-27T11:10:00.000Z',
          },
          {
            eventId: 'p-inc',
            type: 'incident_started',
            entityRef: PAYMENTS,
            timestamp: '2026-11-27T12:00:00.000Z',
            attributes: { incidentId: 'INC-77', severity: 'SEV-2' },
          },
        ],
      })
      .expect(201);
    await waitForProjections(server, service);
    const comms = await request(server)
      .get('/api/release-ledger/releases/payments%408/comms')
      .set('Authorization', user)
      .expect(200);
    const incident = (comms.body as ReleaseComms).messages.find(
      m => m.kind === 'reply' && JSON.stringify(m.message).includes('INC-77'),
    );
    expect(incident).toMatchObject({ broadcast: true });
    expect(JSON.stringify(incident!.message)).toContain(
      'attributed to this release',
    );
  });

  it('answers 404 for an unknown release and 401 without credentials', async () => {
    const { server } = await startTestLedger(databases, databaseId);
    await request(server)
      .get('/api/release-ledger/releases/nope/comms')
      .set('Authorization', user)
      .expect(404);
    await request(server)
      .get('/api/release-ledger/comms/status')
      .set('Authorization', none)
      .expect(401);
  });

  it('lists where a release cannot be routed among the problems', async () => {
    const { server } = await startTestLedger(databases, databaseId);
    await request(server)
      .post('/api/release-ledger/events')
      .set('Authorization', service)
      .send(events[0])
      .expect(201);
    await waitForProjections(server, service);
    const res = await request(server)
      .get('/api/release-ledger/releases/payments%407/comms')
      .set('Authorization', user)
      .expect(200);
    expect(res.body.channel).toBeUndefined();
    expect(res.body.delivery.problems).toEqual([
      expect.stringContaining(
        'no Slack channel for component:default/payments-api',
      ),
    ]);
  });

  it('requeues parked messages for services and permitted users only, and names a bad field', async () => {
    const denied = await startTestLedger(databases, databaseId, {
      permissionResult: AuthorizeResult.DENY,
    });
    await request(denied.server)
      .post('/api/release-ledger/comms/requeue')
      .set('Authorization', user)
      .send({})
      .expect(403);
    await request(denied.server)
      .post('/api/release-ledger/comms/requeue')
      .set('Authorization', service)
      .send({})
      .expect(200, { requeued: 0 });
    const bad = await request(denied.server)
      .post('/api/release-ledger/comms/requeue')
      .set('Authorization', service)
      .send({ releaseId: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('releaseId');
  });
});
