import { mockServices } from '@backstage/backend-test-utils';
import type { ReleaseEventType } from '@release-ledger/plugin-release-ledger-common';
import { createTestDatabases } from '../__testUtils__/testLedger';
import { DatabaseReleaseLedgerStore } from './DatabaseReleaseLedgerStore';
import type {
  AppendedBatch,
  LedgerProjector,
  ProjectorMode,
} from './projectors';
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
  mode: ProjectorMode = 'inline',
) {
  const projector: LedgerProjector = {
    id,
    mode,
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

    it('runs every inline projector in order with the fresh events and the re-projected releases', async () => {
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

    it('rolls the events back with an inline projector that fails: nothing is half-applied', async () => {
      const seen: Array<{ id: string; batch: AppendedBatch }> = [];
      const failing: LedgerProjector = {
        id: 'failing',
        mode: 'inline',
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

    it('runs deferred projectors after the append, once per release however many appends touched it', async () => {
      const seen: Array<{ id: string; batch: AppendedBatch }> = [];
      const { ledger, rows } = await ledgerWith([
        recording('inline', seen),
        recording('metrics', seen, 'deferred'),
        recording('comms', seen, 'deferred'),
      ]);
      const queue = ledger.projectionQueue;
      expect(
        (await ledger.status()).projections.projectors.map(p => p.id),
      ).toEqual(['inline', 'metrics', 'comms']);

      await ledger.appendEvents([event('r1', 'release_started', 1)]);
      await ledger.appendEvents([event('r1', 'promoted', 2)]);
      await ledger.appendEvents([event('r3', 'release_started', 1)]);
      // Only the inline projector ran; the rest waits in the queue.
      expect(seen.map(s => s.id)).toEqual(['inline', 'inline', 'inline']);
      expect(await queue.status()).toMatchObject({
        pendingSubjects: 2,
        pendingEvents: 3,
        retrying: 0,
      });
      expect((await queue.status()).lagMs).toBeGreaterThanOrEqual(0);

      seen.length = 0;
      expect(await queue.drainAll()).toEqual({
        subjects: 2,
        events: 3,
        failed: 0,
      });
      expect(seen.map(s => s.id)).toEqual(['metrics', 'comms']);
      const { batch } = seen[0];
      expect(seen[1].batch).toBe(batch);
      expect(batch.fresh.map(e => e.eventId)).toEqual([
        'r1/release_started',
        'r1/promoted',
        'r3/release_started',
      ]);
      // Where r1 stood when its deferred projectors last ran: never.
      expect(batch.releases.get('r1')).toMatchObject({
        release: { releaseId: 'r1', status: 'promoted' },
        previousStatus: 'pending',
      });
      expect(await queue.status()).toEqual({
        pendingSubjects: 0,
        pendingEvents: 0,
        retrying: 0,
        lagMs: 0,
      });

      // The next append measures from what the drain saw.
      seen.length = 0;
      await ledger.appendEvents([event('r1', 'release_finished', 3)]);
      await queue.drainAll();
      expect(seen[0].batch.releases.get('r1')).toMatchObject({
        previousStatus: 'promoted',
        release: { status: 'finished' },
      });
      expect(seen[0].batch.fresh.map(e => e.eventId)).toEqual([
        'r1/release_finished',
      ]);
      // Nothing is projected twice: a drain of an empty queue does nothing.
      expect(await queue.drainAll()).toEqual({
        subjects: 0,
        events: 0,
        failed: 0,
      });
      expect(
        (await rows()).filter(r => r.projector === 'metrics'),
      ).toHaveLength(4);
    });

    it('queues an incident sent without a release under the incident', async () => {
      const seen: Array<{ id: string; batch: AppendedBatch }> = [];
      const { ledger } = await ledgerWith([
        recording('metrics', seen, 'deferred'),
      ]);
      await ledger.appendEvents([
        {
          eventId: 'inc-1',
          type: 'incident_started',
          entityRef: 'component:default/payments-api',
          timestamp: new Date(Date.UTC(2026, 10, 27, 4)).toISOString(),
          environment: 'production',
          attributes: { incidentId: 'INC-1', severity: 'SEV-1' },
        } as AcceptedEvent,
      ]);
      expect(await ledger.projectionQueue.drainAll()).toMatchObject({
        subjects: 1,
        events: 1,
      });
      const [fresh] = seen[0].batch.fresh;
      expect(fresh).toMatchObject({
        eventId: 'inc-1',
        type: 'incident_started',
      });
      expect(fresh.releaseId).toBeUndefined();
      expect(seen[0].batch.releases.size).toBe(0);
    });

    it('keeps the events of a failing deferred projector queued and retries only that release, with backoff', async () => {
      const seen: Array<{ id: string; batch: AppendedBatch }> = [];
      let failFor: string | undefined = 'bad';
      const picky: LedgerProjector = {
        id: 'picky',
        mode: 'deferred',
        async project(_tx, batch) {
          if (failFor && batch.releases.has(failFor)) {
            throw new Error(`cannot project ${failFor}`);
          }
        },
      };
      const { ledger, knex } = await ledgerWith([
        recording('first', seen, 'deferred'),
        picky,
      ]);
      const queue = ledger.projectionQueue;
      // The append itself succeeds: deferred work cannot fail a request.
      await ledger.appendEvents([
        event('good', 'release_started', 1),
        event('bad', 'release_started', 1),
      ]);
      expect(await ledger.getRelease('bad')).toBeDefined();

      // Two subjects taken; the one event of the good one projected.
      expect(await queue.drainOnce()).toEqual({
        subjects: 2,
        events: 1,
        failed: 1,
      });
      // The good release was projected alone; the bad one waits.
      const projected = seen
        .filter(s => s.batch.releases.size === 1)
        .map(s => [...s.batch.releases.keys()][0]);
      expect(projected).toContain('good');
      const status = await queue.status();
      expect(status).toMatchObject({
        pendingSubjects: 1,
        pendingEvents: 1,
        retrying: 1,
      });
      const row = await knex('release_ledger_projection_queue').first();
      expect(row).toMatchObject({
        subject: 'release:bad',
        attempts: 1,
        last_error: 'cannot project bad',
      });
      expect(Date.parse(row.retry_at)).toBeGreaterThan(Date.now());
      // Not due yet: a drain leaves it alone.
      expect(await queue.drainOnce()).toMatchObject({ subjects: 0 });

      failFor = undefined;
      await knex('release_ledger_projection_queue').update({
        retry_at: new Date(Date.now() - 1).toISOString(),
      });
      expect(await queue.drainAll()).toMatchObject({ subjects: 1, failed: 0 });
      expect(await queue.status()).toMatchObject({
        pendingSubjects: 0,
        pendingEvents: 0,
      });
    });

    it('writes no queue rows when an inline projector fails', async () => {
      const seen: Array<{ id: string; batch: AppendedBatch }> = [];
      const failing: LedgerProjector = {
        id: 'failing',
        mode: 'inline',
        async project() {
          throw new Error('projector failed');
        },
      };
      const { ledger } = await ledgerWith([
        failing,
        recording('later', seen, 'deferred'),
      ]);
      await expect(
        ledger.appendEvents([event('r4', 'release_started', 1)]),
      ).rejects.toThrow('projector failed');
      expect(await ledger.projectionQueue.status()).toMatchObject({
        pendingSubjects: 0,
        pendingEvents: 0,
      });
      await ledger.projectionQueue.drainAll();
      expect(seen).toEqual([]);
    });

    it('splits the queue between concurrent drains by entity, each event projected once', async () => {
      const entities = Array.from(
        { length: 12 },
        (_, i) => `component:default/service-${i}`,
      );
      const seen: Array<{ share: number; entity: string; eventId: string }> =
        [];
      const knex = await databases.init(databaseId);
      let share = -1;
      const ledger = await DatabaseReleaseLedgerStore.create({
        database: mockServices.database({ knex }),
        projectors: [
          {
            id: 'recording',
            mode: 'deferred',
            async project(_tx, batch) {
              const mine = share;
              for (const e of batch.fresh) {
                seen.push({
                  share: mine,
                  entity: (e as AcceptedReleaseEvent).releaseEntityRef,
                  eventId: e.eventId,
                });
              }
            },
          },
        ],
      });
      const events = entities.flatMap((entity, i) =>
        [1, 2, 3].map(n => ({
          ...event(`s${i}@${n}`, 'release_started', n),
          entityRef: entity,
          releaseEntityRef: entity,
        })),
      );
      await ledger.appendEvents(events);
      // The two shares drain one after the other, so the projector knows
      // whose batch it sees.
      for (const index of [0, 1]) {
        share = index;
        while (
          (await ledger.projectionQueue.drainOnce({ index, count: 2 }))
            .subjects > 0
        );
      }
      // Every event exactly once, whatever the database.
      expect(seen.map(s => s.eventId).sort()).toEqual(
        events.map(e => e.eventId).sort(),
      );
      const sharesPerEntity = entities.map(
        entity =>
          new Set(seen.filter(s => s.entity === entity).map(s => s.share)).size,
      );
      const shares = [...new Set(seen.map(s => s.share))].sort();
      // PostgreSQL: every entity in one share, and both shares got some.
      // SQLite has one writer: no shares, the first drain takes it all.
      expect({ sharesPerEntity, shares }).toEqual({
        sharesPerEntity: entities.map(() => 1),
        shares: ledger.isPostgres ? [0, 1] : [0],
      });
    });

    it('lets two instances drain one queue without projecting any release twice', async () => {
      const knex = await databases.init(databaseId);
      const seenBy: Record<string, string[]> = { a: [], b: [] };
      const instance = (name: 'a' | 'b') =>
        DatabaseReleaseLedgerStore.create({
          database: mockServices.database({ knex }),
          projectors: [
            {
              id: 'recording',
              mode: 'deferred',
              async project(_tx, batch) {
                seenBy[name].push(...batch.fresh.map(e => e.eventId));
                // Long enough for the other instance to try the same rows.
                await new Promise(r => setTimeout(r, 5));
              },
            },
          ],
        });
      const a = await instance('a');
      const b = await instance('b');
      const releases = Array.from({ length: 60 }, (_, i) => `t${i}`);
      // Both instances append while both drain.
      const appends = Promise.all(
        releases.map(async (id, i) => {
          const ledger = i % 2 ? a : b;
          await ledger.appendEvents([event(id, 'release_started', 1)]);
          await ledger.appendEvents([event(id, 'promoted', 2)]);
        }),
      );
      const drains = async () => {
        for (let i = 0; i < 5; i++) {
          await Promise.all([
            a.projectionQueue.drainAll(),
            b.projectionQueue.drainAll(),
          ]);
        }
      };
      await Promise.all([appends, drains()]);
      await drains();
      const all = [...seenBy.a, ...seenBy.b].sort();
      expect(all).toEqual(
        releases
          .flatMap(id => [`${id}/promoted`, `${id}/release_started`])
          .sort(),
      );
      expect(await a.projectionQueue.status()).toMatchObject({
        pendingSubjects: 0,
        pendingEvents: 0,
      });
    });
  },
);
