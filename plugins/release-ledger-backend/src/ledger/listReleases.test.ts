import {
  appendAndProject,
  createLedgerStore,
} from '../__testUtils__/ledgerStore';
import { mockServices } from '@backstage/backend-test-utils';
import type { ReleaseEventType } from '@release-ledger/plugin-release-ledger-common';
import { createTestDatabases } from '../__testUtils__/testLedger';
import { AcceptedReleaseEvent } from './ReleaseLedgerStore';
import { FOOTPRINTS, RELEASES } from '../database/tables';

jest.setTimeout(60_000);

const databases = createTestDatabases();

function event(
  releaseId: string,
  type: ReleaseEventType,
  hour: number,
  extra: Partial<AcceptedReleaseEvent> = {},
): AcceptedReleaseEvent {
  return {
    eventId: `${releaseId}/${type}`,
    type,
    releaseId,
    entityRef: 'component:default/payments-api',
    releaseEntityRef: 'component:default/payments-api',
    ownerRef: 'group:default/team-payments',
    systemRef: 'system:default/checkout',
    timestamp: new Date(Date.UTC(2026, 10, 27, hour)).toISOString(),
    environment: 'production',
    attributes: type === 'rolled_back' ? { reason: 'errors' } : {},
    ...extra,
  } as AcceptedReleaseEvent;
}

describe.each(databases.eachSupportedId())('listReleases on %p', databaseId => {
  async function store() {
    const knex = await databases.init(databaseId);
    const ledger = await createLedgerStore({
      database: mockServices.database({ knex }),
    });
    return { ledger, knex };
  }

  it('filters finished releases by outcome, a rollback after release_finished included', async () => {
    const { ledger } = await store();
    await ledger.appendEvents([
      // r1 shipped.
      event('r1', 'release_started', 1),
      event('r1', 'promoted', 2),
      event('r1', 'release_finished', 3),
      // r2 rolled back in canary, then finished.
      event('r2', 'release_started', 4),
      event('r2', 'rolled_back', 5),
      event('r2', 'release_finished', 6),
      // r3 finished, then rolled back after an incident: the usual path.
      event('r3', 'release_started', 7),
      event('r3', 'promoted', 8),
      event('r3', 'release_finished', 9),
      event('r3', 'rolled_back', 12),
      // r4 rolled back, not finished yet.
      event('r4', 'release_started', 10),
      event('r4', 'rolled_back', 11),
    ]);
    const ids = async (filter: object) =>
      (await ledger.listReleases({ limit: 20, ...filter })).items.map(
        r => r.releaseId,
      );

    expect(await ids({ outcome: 'rolled_back' })).toEqual(['r3', 'r2']);
    expect(await ids({ outcome: 'promoted' })).toEqual(['r1']);
    // status=rolled_back only has what is not finished yet.
    expect(await ids({ status: 'rolled_back' })).toEqual(['r4']);
    expect(await ids({ status: 'finished', outcome: 'rolled_back' })).toEqual([
      'r3',
      'r2',
    ]);
    expect(
      await ids({
        outcome: 'rolled_back',
        from: new Date(Date.UTC(2026, 10, 27, 5)).toISOString(),
      }),
    ).toEqual(['r3']);

    // Pages keep the filter.
    const first = await ledger.listReleases({
      outcome: 'rolled_back',
      limit: 1,
    });
    expect(first.items.map(r => r.releaseId)).toEqual(['r3']);
    const second = await ledger.listReleases({
      outcome: 'rolled_back',
      limit: 1,
      cursor: first.nextCursor,
    });
    expect(second.items.map(r => r.releaseId)).toEqual(['r2']);
    expect(second.nextCursor).toBeUndefined();

    const r3 = await ledger.getRelease('r3');
    expect(r3).toMatchObject({ status: 'finished', outcome: 'rolled_back' });
    expect(r3?.anomalies).toEqual([]);
  });

  it('keeps the system a release started with, on the release and its footprint', async () => {
    const { ledger, knex } = await store();
    await appendAndProject(ledger, [event('s1', 'release_started', 1)]);
    // The component moved to another system since: history stays true.
    await appendAndProject(ledger, [
      event('s1', 'promoted', 2, { systemRef: 'system:default/payments' }),
    ]);
    await appendAndProject(ledger, [
      event('s2', 'release_started', 3, { systemRef: undefined }),
    ]);
    expect((await ledger.getRelease('s1'))?.systemRef).toBe(
      'system:default/checkout',
    );
    expect((await ledger.getRelease('s2'))?.systemRef).toBeUndefined();
    const systems = async (table: string) =>
      Object.fromEntries(
        (
          await knex(table)
            .whereIn('release_id', ['s1', 's2'])
            .select('release_id', 'system_ref')
        ).map(r => [r.release_id, r.system_ref]),
      );
    const expected = { s1: 'system:default/checkout', s2: null };
    expect(await systems(RELEASES.table)).toEqual(expected);
    expect(await systems(FOOTPRINTS.table)).toEqual(expected);
  });
});
