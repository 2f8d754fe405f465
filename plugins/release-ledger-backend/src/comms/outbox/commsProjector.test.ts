import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../../__testUtils__/testLedger';
import { bulkWriterFor } from '../../database/bulkWrites';
import { DatabaseReleaseLedgerStore } from '../../ledger/DatabaseReleaseLedgerStore';
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
  },
);
