import { mockServices } from '@backstage/backend-test-utils';
import type { ReleaseEventType } from '@release-ledger/plugin-release-ledger-common';
import { createTestDatabases } from '../__testUtils__/testLedger';
import { DatabaseReleaseLedgerStore } from './DatabaseReleaseLedgerStore';
import type { AppendedBatch, LedgerProjector } from './projectors';
import type { AcceptedEvent, AcceptedReleaseEvent } from './ReleaseLedgerStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

function event(
  releaseId: string,
  type: ReleaseEventType,
  hour: number,
): AcceptedReleaseEvent {
  return {
    eventId: `${releaseId}/${type}`,
    type,
    releaseId,
    entityRef: 'component:default/payments-api',
    releaseEntityRef: 'component:default/payments-api',
    ownerRef: 'group:default/team-payments',
    timestamp: new Date(Date.UTC(2026, 10, 27, hour)).toISOString(),
    environment: 'production',
    attributes: {},
  } as AcceptedReleaseEvent;
}

/** A projector that records what it saw and writes one row per fresh event. */
function recording(
  id: string,
  seen: Array<{ id: string; batch: AppendedBatch }>,
) {
  const projector: LedgerProjector = {
    id,
    async project(tx, batch) {
      seen.push({ id, batch });
      for (const e of batch.fresh) {
        await tx('release_ledger_test_projection').insert({
          projector: id,
          event_id: e.eventId,
        });
      }
    },
  };
  return projector;
}

describe.each(databases.eachSupportedId())(
  'ledger projectors on %p',
  databaseId => {
    async function ledgerWith(projectors: LedgerProjector[]) {
      const knex = await databases.init(databaseId);
      const ledger = await DatabaseReleaseLedgerStore.create({
        database: mockServices.database({ knex }),
        projectors,
      });
      await knex.schema.createTable('release_ledger_test_projection', t => {
        t.string('projector');
        t.string('event_id');
      });
      const rows = () =>
        knex('release_ledger_test_projection')
          .orderBy(['projector', 'event_id'])
          .select();
      return { ledger, knex, rows };
    }

    it('runs every projector in order with the fresh events and the re-projected releases', async () => {
      const seen: Array<{ id: string; batch: AppendedBatch }> = [];
      const { ledger, rows } = await ledgerWith([
        recording('first', seen),
        recording('second', seen),
      ]);
      const started = event('r1', 'release_started', 1);
      await ledger.appendEvents([started, event('r1', 'promoted', 2)]);
      expect(seen.map(s => s.id)).toEqual(['first', 'second']);
      const { batch } = seen[0];
      expect(batch.fresh.map((e: AcceptedEvent) => e.eventId)).toEqual([
        'r1/release_started',
        'r1/promoted',
      ]);
      expect(batch.releases.get('r1')).toMatchObject({
        release: { releaseId: 'r1', status: 'promoted' },
        previousStatus: 'pending',
      });
      // Both saw the same batch object: what one decides, the next reads.
      expect(seen[1].batch).toBe(batch);

      // A duplicate is not fresh; a later event carries the status before it.
      seen.length = 0;
      await ledger.appendEvents([started, event('r1', 'release_finished', 3)]);
      expect(seen[0].batch.fresh.map(e => e.eventId)).toEqual([
        'r1/release_finished',
      ]);
      expect(seen[0].batch.releases.get('r1')?.previousStatus).toBe('promoted');
      expect(await rows()).toHaveLength(6);
    });

    it('rolls the events back with a projector that fails: nothing is half-applied', async () => {
      const seen: Array<{ id: string; batch: AppendedBatch }> = [];
      const failing: LedgerProjector = {
        id: 'failing',
        async project() {
          throw new Error('projector failed');
        },
      };
      const { ledger, knex, rows } = await ledgerWith([
        recording('first', seen),
        failing,
      ]);
      await expect(
        ledger.appendEvents([event('r2', 'release_started', 1)]),
      ).rejects.toThrow('projector failed');
      expect(await rows()).toEqual([]);
      const [{ n }] = await knex('release_ledger_events').count({ n: '*' });
      expect(Number(n)).toBe(0);
      expect(await ledger.getRelease('r2')).toBeUndefined();
    });
  },
);
