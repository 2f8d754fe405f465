import { createLedgerStore } from '../__testUtils__/ledgerStore';
import { mockServices } from '@backstage/backend-test-utils';
import type { ReleaseEventType } from '@release-ledger/plugin-release-ledger-common';
import { createTestDatabases } from '../__testUtils__/testLedger';
import { DatabaseReleaseLedgerStore } from './DatabaseReleaseLedgerStore';
import { AcceptedReleaseEvent } from './ReleaseLedgerStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

function event(
  eventId: string,
  releaseId: string,
  type: ReleaseEventType,
  minute: number,
  attributes: Record<string, unknown> = {},
): AcceptedReleaseEvent {
  return {
    eventId,
    type,
    releaseId,
    entityRef: 'component:default/payments-api',
    releaseEntityRef: 'component:default/payments-api',
    ownerRef: 'group:default/team-payments',
    timestamp: new Date(Date.UTC(2026, 10, 27, 10, minute)).toISOString(),
    environment: 'production',
    attributes,
  } as AcceptedReleaseEvent;
}

describe.each(databases.eachSupportedId())(
  'DatabaseReleaseLedgerStore on %p',
  databaseId => {
    async function twoInstances() {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      // Two stores on one database behave like two backend instances.
      const a = await createLedgerStore({ database });
      const b = await createLedgerStore({ database });
      return { a, b, knex };
    }

    it('stores only the event log for the benchmark store target: no release, no queue', async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const full = await createLedgerStore({ database });
      const logOnly = await DatabaseReleaseLedgerStore.create({
        database,
        projectors: [],
        eventLogOnly: true,
      });
      expect(
        await logOnly.appendEvents([
          event('b1', 'rb', 'release_started', 0),
          event('b1', 'rb', 'release_started', 0),
        ]),
      ).toEqual(['created', 'duplicate']);
      expect(await logOnly.countRows()).toEqual({ events: 1, releases: 0 });
      expect(await full.projectionQueue.status()).toMatchObject({
        pendingEvents: 0,
      });
    });

    it('tells listeners about commits that stored new events, not about duplicates', async () => {
      const { a } = await twoInstances();
      const listener = jest.fn();
      a.onCommitted(listener);
      await a.appendEvents([event('w1', 'rw', 'release_started', 0)]);
      expect(listener).toHaveBeenCalledTimes(1);
      await a.appendEvents([event('w1', 'rw', 'release_started', 0)]);
      expect(listener).toHaveBeenCalledTimes(1);
    });

    it('keeps the owner a release started with when later events arrive', async () => {
      const { a } = await twoInstances();
      await a.appendEvents([event('s1', 'r1', 'release_started', 0)]);
      await a.appendEvents([
        {
          ...event('s2', 'r1', 'promoted', 5),
          ownerRef: 'group:default/someone-else',
        },
      ]);
      const release = await a.getRelease('r1');
      expect(release?.ownerRef).toBe('group:default/team-payments');
      expect(release?.status).toBe('promoted');
    });

    it('answers each concurrent caller for its own events when their calls share a commit', async () => {
      const { a } = await twoInstances();
      // Submitted in the same event-loop turn: one grouped transaction.
      const [first, second, third] = await Promise.all([
        a.appendEvents([event('g1', 'rg', 'release_started', 0)]),
        a.appendEvents([
          event('g1', 'rg', 'release_started', 0),
          event('g2', 'rg', 'canary_started', 1, { weight: 10 }),
        ]),
        a.appendEvents([event('g3', 'rg', 'promoted', 2)]),
      ]);
      expect(first).toEqual(['created']);
      expect(second).toEqual(['duplicate', 'created']);
      expect(third).toEqual(['created']);
      const release = await a.getRelease('rg');
      expect(release?.status).toBe('promoted');
      expect(release?.events.map(e => e.eventId)).toEqual(['g1', 'g2', 'g3']);
    });

    it('reports in-batch repeats as duplicates', async () => {
      const { a } = await twoInstances();
      const result = await a.appendEvents([
        event('d1', 'r2', 'release_started', 0),
        event('d1', 'r2', 'release_started', 0),
      ]);
      expect(result).toEqual(['created', 'duplicate']);
      expect((await a.countRows()).events).toBe(1);
    });

    it('projects every event when two instances ingest the same release concurrently', async () => {
      const { a, b } = await twoInstances();
      await a.appendEvents([event('c-start', 'r3', 'release_started', 0)]);
      const writes = Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? a : b).appendEvents([
          event(`c-${i}`, 'r3', 'flag_toggled', 1 + i, {
            flag: `f${i}`,
            to: true,
          }),
        ]),
      );
      const results = await Promise.all(writes);
      expect(results.flat().every(r => r === 'created')).toBe(true);
      const release = await a.getRelease('r3');
      expect(release?.eventCount).toBe(41);
      expect(release?.flagToggles).toHaveLength(40);
    });

    it('stores an event posted concurrently by two instances exactly once', async () => {
      const { a, b, knex } = await twoInstances();
      const same = event('race-1', 'r4', 'release_started', 0);
      const results = await Promise.all([
        a.appendEvents([same]),
        b.appendEvents([same]),
        a.appendEvents([same]),
        b.appendEvents([same]),
      ]);
      expect(results.flat().filter(r => r === 'created')).toHaveLength(1);
      expect(
        await knex('release_ledger_events').where('event_id', 'race-1'),
      ).toHaveLength(1);
    });

    it('rolls the whole batch back when part of it fails after rows were written', async () => {
      const { a } = await twoInstances();
      const before = await a.countRows();
      // 201 good events fill the first insert chunk; the last one cannot be
      // serialised, so the failure comes after release rows and events were written.
      const good = Array.from({ length: 201 }, (_, i) =>
        event(`ok-${i}`, `r5-${i % 7}`, 'release_started', 0),
      );
      const broken = {
        ...event('bad-1', 'r5-0', 'promoted', 1),
        attributes: { size: BigInt(1) },
      } as AcceptedReleaseEvent;
      await expect(a.appendEvents([...good, broken])).rejects.toThrow(/BigInt/);
      expect(await a.countRows()).toEqual(before);
      expect(await a.getRelease('r5-0')).toBeUndefined();
    });
  },
);
