import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/testLedger';
import { bulkWriterFor } from '../database/bulkWrites';
import { DatabaseReleaseLedgerStore } from '../ledger/DatabaseReleaseLedgerStore';
import type { AppendedBatch, LedgerProjector } from '../ledger/projectors';
import type { AcceptedReleaseEvent } from '../ledger/ReleaseLedgerStore';
import { createMetricsProjector } from './metricsProjector';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const at = (hour: number) =>
  new Date(Date.UTC(2026, 10, 27, hour)).toISOString();

function event(
  eventId: string,
  type: string,
  hour: number,
  extra: object = {},
): AcceptedReleaseEvent {
  return {
    eventId,
    type,
    releaseId: 'payments@7',
    entityRef: 'component:default/payments-api',
    releaseEntityRef: 'component:default/payments-api',
    timestamp: at(hour),
    environment: 'production',
    attributes: {},
    ...extra,
  } as AcceptedReleaseEvent;
}

describe.each(databases.eachSupportedId())(
  'metrics projector on %p',
  databaseId => {
    it('attributes an incident sent without a release to the promotion before it and tells later projectors', async () => {
      const knex = await databases.init(databaseId);
      const seen: AppendedBatch[] = [];
      const after: LedgerProjector = {
        id: 'after-metrics',
        mode: 'deferred',
        async project(_tx, batch) {
          seen.push(batch);
        },
      };
      const ledger = await DatabaseReleaseLedgerStore.create({
        database: mockServices.database({ knex }),
        projectors: [
          createMetricsProjector({
            bulk: bulkWriterFor(knex),
            attributionWindowHours: 72,
          }),
          after,
        ],
      });
      await ledger.appendEvents([
        event('s', 'release_started', 1),
        event('p', 'promoted', 2),
      ]);
      await ledger.projectionQueue.drainAll();
      await ledger.appendEvents([
        {
          eventId: 'inc',
          type: 'incident_started',
          entityRef: 'component:default/payments-api',
          timestamp: at(5),
          environment: 'production',
          attributes: { incidentId: 'INC-9', severity: 'SEV-2' },
        } as never,
      ]);
      await ledger.projectionQueue.drainAll();
      expect(seen[1].incidents.get('INC-9')).toEqual({
        releaseId: 'payments@7',
        attribution: 'window',
      });
      // …and the footprint of the release now counts the failure.
      const footprint = await knex('release_ledger_footprints')
        .where({ release_id: 'payments@7' })
        .first();
      expect(footprint).toBeDefined();
      expect(Boolean(footprint.failed)).toBe(true);
    });
  },
);
