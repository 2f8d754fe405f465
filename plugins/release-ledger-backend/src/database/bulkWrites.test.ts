import { createLedgerStore } from '../__testUtils__/ledgerStore';
import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testLedger';
import { BulkWriter, bulkWriterFor, portableBulkWriter } from './bulkWrites';
import { EventRow, EVENTS, RELEASES, ReleaseWriteRow } from './tables';

jest.setTimeout(60_000);

const databases = createTestDatabases();

function eventRow(eventId: string, releaseId: string): EventRow {
  return {
    event_id: eventId,
    release_id: releaseId,
    type: 'release_started',
    entity_ref: 'component:default/payments-api',
    occurred_at: '2026-11-27T10:00:00.000Z',
    environment: 'production',
    version: null,
    commit: 'abc123',
    attributes: '{"plan":"canary 5% → 100%"}',
    received_at: '2026-11-27T10:00:01.000Z',
    incident_id: null,
  };
}

function releaseRow(
  releaseId: string,
  overrides: Partial<ReleaseWriteRow> = {},
): ReleaseWriteRow {
  return {
    release_id: releaseId,
    entity_ref: 'component:default/payments-api',
    owner_ref: null,
    system_ref: null,
    status: 'pending',
    outcome: null,
    environment: 'production',
    version: null,
    started_at: null,
    promoted_at: null,
    finished_at: null,
    sort_at: '2026-11-27T10:00:00.000Z',
    has_anomalies: false,
    projection: '{}',
    projection_cursor: null,
    updated_at: '2026-11-27T10:00:01.000Z',
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())('bulk writes on %p', databaseId => {
  async function migrated(): Promise<Knex> {
    const knex = await databases.init(databaseId);
    await createLedgerStore({
      database: mockServices.database({ knex }),
    });
    return knex;
  }

  // The database's own writer and the portable fallback must agree.
  const writers: Array<[string, (knex: Knex) => BulkWriter]> = [
    ['the database writer', knex => bulkWriterFor(knex)],
    ['the portable writer', () => portableBulkWriter],
  ];

  describe.each(writers)('%s', (_name, writerFor) => {
    it('inserts new events only and names the ones it inserted', async () => {
      const knex = await migrated();
      const writer = writerFor(knex);
      await knex.transaction(tx =>
        writer.insertNew(tx, EVENTS, [eventRow('e1', 'r1')]),
      );
      const inserted = await knex.transaction(tx =>
        writer.insertNew(tx, EVENTS, [
          eventRow('e1', 'r1'),
          eventRow('e2', 'r1'),
        ]),
      );
      expect([...inserted]).toEqual(['e2']);
      const rows = await knex<EventRow>(EVENTS.table)
        .orderBy('event_id')
        .select();
      expect(rows.map(r => [r.event_id, r.commit, r.version])).toEqual([
        ['e1', 'abc123', null],
        ['e2', 'abc123', null],
      ]);
      expect(rows[0].attributes).toBe('{"plan":"canary 5% → 100%"}');
    });

    it('leaves existing releases alone when inserting missing ones', async () => {
      const knex = await migrated();
      const writer = writerFor(knex);
      await knex.transaction(tx =>
        writer.insertNew(tx, RELEASES, [
          releaseRow('r1', { status: 'promoted' }),
        ]),
      );
      await knex.transaction(tx =>
        writer.insertNew(tx, RELEASES, [releaseRow('r1'), releaseRow('r2')]),
      );
      const rows = await knex(RELEASES.table)
        .orderBy('release_id')
        .select('release_id', 'status');
      expect(rows).toEqual([
        { release_id: 'r1', status: 'promoted' },
        { release_id: 'r2', status: 'pending' },
      ]);
    });

    it('replaces every column of existing releases on upsert', async () => {
      const knex = await migrated();
      const writer = writerFor(knex);
      await knex.transaction(tx =>
        writer.insertNew(tx, RELEASES, [releaseRow('r1')]),
      );
      await knex.transaction(tx =>
        writer.upsert(tx, RELEASES, [
          releaseRow('r1', {
            status: 'promoted',
            owner_ref: 'group:default/team-payments',
            promoted_at: '2026-11-27T10:30:00.000Z',
            has_anomalies: true,
            projection: '{"releaseId":"r1"}',
          }),
          releaseRow('r2'),
        ]),
      );
      const rows = await knex(RELEASES.table)
        .orderBy('release_id')
        .select(
          'release_id',
          'status',
          'owner_ref',
          'promoted_at',
          'has_anomalies',
          'projection',
        );
      expect(
        rows.map(r => ({ ...r, has_anomalies: !!r.has_anomalies })),
      ).toEqual([
        {
          release_id: 'r1',
          status: 'promoted',
          owner_ref: 'group:default/team-payments',
          promoted_at: '2026-11-27T10:30:00.000Z',
          has_anomalies: true,
          projection: '{"releaseId":"r1"}',
        },
        {
          release_id: 'r2',
          status: 'pending',
          owner_ref: null,
          promoted_at: null,
          has_anomalies: false,
          projection: '{}',
        },
      ]);
    });

    it('writes nothing for empty input', async () => {
      const knex = await migrated();
      const writer = writerFor(knex);
      await knex.transaction(async tx => {
        expect((await writer.insertNew(tx, EVENTS, [])).size).toBe(0);
        await writer.insertNew(tx, RELEASES, []);
        await writer.upsert(tx, RELEASES, []);
      });
      const [{ n }] = await knex(RELEASES.table).count({ n: '*' });
      expect(Number(n)).toBe(0);
    });
  });

  it('uses a dedicated writer for this database, not the portable one', async () => {
    const knex = await migrated();
    expect(bulkWriterFor(knex)).not.toBe(portableBulkWriter);
  });
});
