import { createLedgerStore } from '../__testUtils__/ledgerStore';
import { mockServices } from '@backstage/backend-test-utils';
import type { ReleaseEventType } from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testLedger';
import { AcceptedReleaseEvent } from './ReleaseLedgerStore';
import { FOOTPRINTS, RELEASES } from '../database/tables';

jest.setTimeout(120_000);

const databases = createTestDatabases();

function event(
  releaseId: string,
  type: ReleaseEventType,
  minute: number,
  attributes: Record<string, unknown> = {},
  suffix = '',
): AcceptedReleaseEvent {
  return {
    eventId: `${releaseId}/${type}${suffix}`,
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

/** Two releases with failure signals, restores, incidents and same-minute ties. */
const history: AcceptedReleaseEvent[] = [
  event('r1', 'pr_merged', 0, { prNumber: 1, title: 'a' }),
  event('r1', 'release_started', 1),
  event('r1', 'canary_started', 2, { weight: 10 }),
  event('r1', 'gate_failed', 3, { reason: 'p99' }),
  event('r1', 'rolled_back', 4, { reason: 'gate' }),
  event('r1', 'slo_restored', 6),
  event('r1', 'release_finished', 6),
  event('r2', 'release_started', 2),
  event('r2', 'canary_started', 2, { weight: 5 }),
  event('r2', 'promoted', 5),
  event('r2', 'incident_started', 7, {
    incidentId: 'INC-1',
    severity: 'SEV-1',
  }),
  event('r2', 'gate_failed', 8),
  event('r2', 'release_finished', 9),
  event('r2', 'slo_restored', 11),
  event('r2', 'rolled_back', 12, { reason: 'INC-1' }),
  event('r2', 'incident_resolved', 13, { incidentId: 'INC-1' }),
];

describe.each(databases.eachSupportedId())(
  'release projection on %p',
  databaseId => {
    async function store() {
      const knex = await databases.init(databaseId);
      const ledger = await createLedgerStore({
        database: mockServices.database({ knex }),
      });
      // The statements that read releases' whole event sets back.
      const fullReads: string[] = [];
      knex.on('query', (q: { sql: string }) => {
        if (
          /from ["`]release_ledger_events["`] where ["`]release_id["`] in/i.test(
            q.sql,
          ) &&
          !/["`]type["`]/.test(q.sql)
        ) {
          fullReads.push(q.sql);
        }
      });
      return { knex, ledger, fullReads };
    }

    /** What the store keeps of the releases, as it reads back. */
    async function state(knex: Knex) {
      const releases = await knex(RELEASES.table)
        .orderBy('release_id')
        .select(RELEASES.columns.filter(c => c !== 'updated_at'));
      const footprints = await knex(FOOTPRINTS.table)
        .orderBy('release_id')
        .select(FOOTPRINTS.columns);
      return {
        releases: releases.map(r => ({
          ...r,
          // SQLite answers booleans as 0/1.
          has_anomalies: Boolean(r.has_anomalies),
          projection: JSON.parse(r.projection),
          projection_cursor: JSON.parse(r.projection_cursor),
        })),
        footprints: footprints.map(f => ({
          ...f,
          is_deployment: Boolean(f.is_deployment),
          failed: Boolean(f.failed),
          restore_ms: f.restore_ms === null ? null : Number(f.restore_ms),
        })),
      };
    }

    async function allAtOnce() {
      const { knex, ledger } = await store();
      await ledger.appendEvents(history);
      return state(knex);
    }

    const byTime = [...history].sort((a, b) =>
      a.timestamp.localeCompare(b.timestamp),
    );

    it.each<[string, AcceptedReleaseEvent[][], boolean]>([
      ['one event per append, in time order', byTime.map(e => [e]), false],
      [
        'in-order batches, each repeating the last event of the one before',
        [byTime.slice(0, 5), byTime.slice(4, 11), byTime.slice(10)],
        false,
      ],
      [
        'one event per append, latest first',
        [...byTime].reverse().map(e => [e]),
        true,
      ],
      [
        'batches with late events',
        [
          [history[1], history[4], history[9]],
          [history[0], history[2], history[12], history[14]],
          [history[3], ...history.slice(5, 9), history[10]],
          [history[11], history[13], history[15]],
        ],
        true,
      ],
    ])(
      '%s stores what one append of all events stores',
      async (_name, batches, late) => {
        const { knex, ledger, fullReads } = await store();
        for (const batch of batches) await ledger.appendEvents(batch);
        expect(await state(knex)).toEqual(await allAtOnce());
        // In order, no release's events are read back from the log.
        expect(fullReads.length > 0).toBe(late);
      },
    );

    it('re-projects from all events a row that has no cursor (written before cursors)', async () => {
      const { knex, ledger, fullReads } = await store();
      await ledger.appendEvents(history.slice(0, 3));
      const [row] = await knex(RELEASES.table)
        .where('release_id', 'r1')
        .select('projection');
      // As an older version could have left it: another logic's projection.
      await knex(RELEASES.table)
        .where('release_id', 'r1')
        .update({
          projection: JSON.stringify({
            ...JSON.parse(row.projection),
            canaryWeight: 99,
          }),
          projection_cursor: null,
        });
      await ledger.appendEvents(history.slice(3, 7));
      expect(fullReads).toHaveLength(1);
      const release = await ledger.getRelease('r1');
      expect(release).toMatchObject({ canaryWeight: 10, eventCount: 7 });
      // And it keeps a cursor again: the next in-order event is applied.
      await ledger.appendEvents([event('r1', 'note_added', 30, { text: 'x' })]);
      expect(fullReads).toHaveLength(1);
      expect((await ledger.getRelease('r1'))?.eventCount).toBe(8);
    });

    it('re-projects from all events a projection rewritten without its cursor (an instance that keeps none)', async () => {
      const { knex, ledger, fullReads } = await store();
      await ledger.appendEvents(history.slice(0, 3));
      // An older instance projected one more event and left the cursor.
      await knex('release_ledger_events').insert({
        event_id: 'r1/older',
        release_id: 'r1',
        type: 'flag_toggled',
        entity_ref: null,
        occurred_at: '2026-11-27T10:02:30.000Z',
        environment: 'production',
        version: null,
        commit: null,
        attributes: JSON.stringify({ flag: 'f', to: true }),
        received_at: '2026-11-27T10:02:31.000Z',
        incident_id: null,
      });
      const [row] = await knex(RELEASES.table)
        .where('release_id', 'r1')
        .select('projection');
      const older = JSON.parse(row.projection);
      await knex(RELEASES.table)
        .where('release_id', 'r1')
        .update({
          projection: JSON.stringify({
            ...older,
            eventCount: older.eventCount + 1,
            lastEventAt: '2026-11-27T10:02:30.000Z',
          }),
        });
      await ledger.appendEvents([history[3]]);
      expect(fullReads).toHaveLength(1);
      expect(await ledger.getRelease('r1')).toMatchObject({
        eventCount: 5,
        flagToggles: [{ flag: 'f', to: true, at: '2026-11-27T10:02:30.000Z' }],
      });
    });
  },
);
