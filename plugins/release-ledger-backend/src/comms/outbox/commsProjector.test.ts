import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../../__testUtils__/testLedger';
import { bulkWriterFor } from '../../database/bulkWrites';
import { DatabaseReleaseLedgerStore } from '../../ledger/DatabaseReleaseLedgerStore';
import type {
  Release,
  ReleaseStatus,
} from '@release-ledger/plugin-release-ledger-common';
import type { AppendedBatch } from '../../ledger/projectors';
import type { AcceptedEvent } from '../../ledger/ReleaseLedgerStore';
import { createCommsProjector } from './commsProjector';
import { OUTBOX_TABLE } from './OutboxStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'comms projector on %p',
  databaseId => {
    it('replies in the thread of the release the batch says an incident is attributed to, without reading incidents back', async () => {
      const knex = await databases.init(databaseId);
      // Only for the migrations: no projectors, no incidents table rows.
      await DatabaseReleaseLedgerStore.create({
        database: mockServices.database({ knex }),
      });
      const projector = createCommsProjector({ bulk: bulkWriterFor(knex) });
      const incident = (eventId: string, incidentId: string) =>
        ({
          eventId,
          type: 'incident_started',
          entityRef: 'component:default/payments-api',
          timestamp: '2026-11-27T12:00:00.000Z',
          environment: 'production',
          attributes: { incidentId, severity: 'SEV-1' },
        } as AcceptedEvent);
      const batch: AppendedBatch = {
        fresh: [
          incident('e-attributed', 'INC-1'),
          incident('e-alone', 'INC-2'),
        ],
        releases: new Map(),
        receivedAt: '2026-11-27T12:00:01.000Z',
        incidents: new Map([
          ['INC-1', { releaseId: 'payments@7', attribution: 'window' }],
          ['INC-2', { releaseId: null, attribution: 'unattributed' }],
        ]),
      };
      await knex.transaction(tx => projector.project(tx, batch));
      const rows = await knex(OUTBOX_TABLE).select(
        'dedupe_key',
        'kind',
        'release_id',
        'event_id',
      );
      expect(rows).toEqual([
        {
          dedupe_key: 'reply:e-attributed',
          kind: 'reply',
          release_id: 'payments@7',
          event_id: 'e-attributed',
        },
      ]);
    });

    it('writes the messages "not delivered" at once when nothing sends them (no Slack)', async () => {
      const knex = await databases.init(databaseId);
      await DatabaseReleaseLedgerStore.create({
        database: mockServices.database({ knex }),
      });
      const projector = createCommsProjector({
        bulk: bulkWriterFor(knex),
        undelivered: 'not delivered: Slack not configured',
      });
      const started = {
        eventId: 'e-start',
        type: 'release_started',
        releaseId: 'payments@8',
        releaseEntityRef: 'component:default/payments-api',
        timestamp: '2026-11-27T12:00:00.000Z',
        environment: 'production',
        attributes: { version: '8' },
      } as AcceptedEvent;
      const canary = {
        ...started,
        eventId: 'e-canary',
        type: 'canary_started',
        timestamp: '2026-11-27T12:01:00.000Z',
        attributes: { weight: 5 },
      } as AcceptedEvent;
      const promoted = {
        ...started,
        eventId: 'e-promoted',
        type: 'promoted',
        timestamp: '2026-11-27T12:02:00.000Z',
        attributes: {},
      } as AcceptedEvent;
      const project = (
        fresh: AcceptedEvent[],
        status: ReleaseStatus,
        previousStatus?: ReleaseStatus,
      ) =>
        knex.transaction(tx =>
          projector.project(tx, {
            fresh,
            releases: new Map([
              [
                'payments@8',
                {
                  release: {
                    releaseId: 'payments@8',
                    entityRef: 'component:default/payments-api',
                    status,
                    startedAt: '2026-11-27T12:00:00.000Z',
                    firstEventAt: '2026-11-27T12:00:00.000Z',
                    lastEventAt: fresh[0].timestamp,
                  } as Release,
                  events: [],
                  previousStatus,
                },
              ],
            ]),
            receivedAt: fresh[0].timestamp,
            incidents: new Map(),
          }),
        );
      const outbox = () =>
        knex(OUTBOX_TABLE)
          .orderBy('dedupe_key')
          .select('dedupe_key', 'state', 'last_error', 'generation');
      await project([started], 'started');
      await project([canary], 'canary', 'started');
      const before = await outbox();
      // A third drain re-arms the card: it stays "not delivered".
      await project([promoted], 'promoted', 'canary');
      const rows = await outbox();
      expect(rows.map(r => r.dedupe_key)).toEqual([
        'card:payments@8',
        'parent:payments@8',
        'reply:e-canary',
        'reply:e-promoted',
      ]);
      for (const row of rows) {
        expect(row).toMatchObject({
          state: 'not_delivered',
          last_error: 'not delivered: Slack not configured',
        });
      }
      expect(rows[0].generation).toBe(before[0].generation + 1);
    });
  },
);
