import {
  appendAndProject,
  createLedgerStore,
} from '../__testUtils__/ledgerStore';
import { mockServices } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type {
  IncidentSeverity,
  Release,
  ReleaseEvent,
  ReleaseEventType,
} from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testLedger';
import {
  EVENTS,
  FOOTPRINTS,
  FootprintRow,
  INCIDENTS,
  IncidentRow,
  RELEASE_FIXES,
  RELEASES,
} from '../database/tables';
import type { ProjectedRelease } from '../ledger/projectors';
import type { AcceptedEvent } from '../ledger/ReleaseLedgerStore';
import { DatabaseMetricsStore } from './DatabaseMetricsStore';
import { syncFixLinks } from './fixLinks';
import { footprintInput, footprintRow } from './footprints';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const migrationsDir = resolvePackagePath(
  '@release-ledger/plugin-release-ledger-backend',
  'migrations',
);
const FIXES_MIGRATION = '20261203050000_release_fixes.js';

const PAYMENTS = 'component:default/payments-api';
const CART = 'component:default/cart-service';
const HOUR = 3_600_000;
const h = (hours: number) =>
  new Date(Date.UTC(2026, 10, 1) + hours * HOUR).toISOString();

function releaseEvent(
  releaseId: string,
  type: ReleaseEventType,
  hour: number,
  options: { entityRef?: string; attributes?: object; suffix?: string } = {},
): AcceptedEvent {
  const entityRef = options.entityRef ?? PAYMENTS;
  return {
    eventId: `${releaseId}/${type}${options.suffix ?? ''}`,
    type,
    releaseId,
    entityRef,
    releaseEntityRef: entityRef,
    timestamp: h(hour),
    environment: 'production',
    attributes: options.attributes ?? {},
  } as AcceptedEvent;
}

/** A release started at `start` and promoted an hour later. */
function deploy(
  releaseId: string,
  start: number,
  options: { entityRef?: string; fixes?: string[]; promoted?: number } = {},
): AcceptedEvent[] {
  return [
    releaseEvent(releaseId, 'release_started', start, {
      entityRef: options.entityRef,
      attributes: options.fixes ? { fixes: options.fixes } : {},
    }),
    releaseEvent(releaseId, 'promoted', options.promoted ?? start + 1, {
      entityRef: options.entityRef,
    }),
  ];
}

/** An incident sent without a release: attributed by window. */
function incident(
  incidentId: string,
  hour: number,
  severity: IncidentSeverity = 'SEV-2',
  entityRef = PAYMENTS,
): AcceptedEvent {
  return {
    eventId: `${incidentId}/started`,
    type: 'incident_started',
    entityRef,
    timestamp: h(hour),
    environment: 'production',
    attributes: { incidentId, severity },
  };
}

/** An incident that names its release. */
function incidentOf(
  releaseId: string,
  incidentId: string,
  hour: number,
): AcceptedEvent {
  return releaseEvent(releaseId, 'incident_started', hour, {
    attributes: { incidentId, severity: 'SEV-1' },
    suffix: `/${incidentId}`,
  });
}

describe.each(databases.eachSupportedId())(
  'fixes that restore service, on %p',
  databaseId => {
    async function stores() {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const ledger = await createLedgerStore({ database });
      const other = await createLedgerStore({ database });
      return { knex, ledger, other, metrics: new DatabaseMetricsStore(knex) };
    }

    const fixRows = async (knex: Knex) =>
      (
        await knex(RELEASE_FIXES)
          .select('fix_release_id', 'target')
          .orderBy(['fix_release_id', 'target'])
      ).map(r => `${r.fix_release_id} → ${r.target}`);

    it('restores a failed release at the promotion of a later release that names it, and counts that release as rework', async () => {
      const { knex, ledger, metrics } = await stores();
      await appendAndProject(ledger, [
        ...deploy('r1', 0),
        incidentOf('r1', 'INC-1', 2),
      ]);
      expect(await metrics.getFootprint('r1')).toMatchObject({
        failed: true,
        firstFailureSignalAt: h(2),
        restoredAt: undefined,
        isRework: false,
      });

      // Started, not promoted: no restore yet, but already rework.
      await appendAndProject(ledger, [
        releaseEvent('f1', 'release_started', 3, {
          attributes: { fixes: ['r1'] },
        }),
      ]);
      expect(await fixRows(knex)).toEqual(['f1 → r1']);
      expect((await metrics.getFootprint('r1'))?.restoredAt).toBeUndefined();
      expect(await metrics.getFootprint('f1')).toMatchObject({
        isDeployment: true,
        isRework: true,
        failed: false,
      });

      // Its promotion, in a later append, restores r1.
      await appendAndProject(ledger, [releaseEvent('f1', 'promoted', 5)]);
      expect(await metrics.getFootprint('r1')).toMatchObject({
        failed: true,
        restoredAt: h(5),
        timeToRestoreMs: 3 * HOUR,
        isRework: false,
      });
      expect(await fixRows(knex)).toEqual(['f1 → r1']);
    });

    it('restores through an incident the fix names, attributed by window to a release of another entity', async () => {
      const { metrics, ledger } = await stores();
      await appendAndProject(ledger, [
        ...deploy('r1', 0),
        incident('INC-7', 4),
      ]);
      expect(await metrics.listReleaseIncidents('r1')).toEqual([
        expect.objectContaining({ incidentId: 'INC-7', attribution: 'window' }),
      ]);
      await appendAndProject(
        ledger,
        deploy('cart@1', 6, { entityRef: CART, fixes: ['INC-7'], promoted: 8 }),
      );
      expect(await metrics.getFootprint('r1')).toMatchObject({
        failed: true,
        firstFailureSignalAt: h(4),
        restoredAt: h(8),
        timeToRestoreMs: 4 * HOUR,
      });
      expect(await metrics.getFootprint('cart@1')).toMatchObject({
        entityRef: CART,
        isRework: true,
      });
    });

    it('considers the fixes recorded before the release they fix, and the earliest promotion at or after the first signal wins', async () => {
      const { metrics, ledger } = await stores();
      // Arrival order is not event order: the fixes come first.
      await appendAndProject(ledger, [
        // Promoted before r1's incident: restores nothing.
        ...deploy('f0', 1, { fixes: ['r1'], promoted: 2 }),
        ...deploy('f1', 6, { fixes: ['r1'], promoted: 7 }),
        ...deploy('f2', 4, { fixes: ['INC-9'], promoted: 6 }),
        ...deploy('f3', 9, { fixes: ['INC-9', 'r1'], promoted: 12 }),
      ]);
      await appendAndProject(ledger, [
        ...deploy('r1', 0),
        incidentOf('r1', 'INC-9', 3),
      ]);
      expect(await metrics.getFootprint('r1')).toMatchObject({
        failed: true,
        firstFailureSignalAt: h(3),
        restoredAt: h(6),
        timeToRestoreMs: 3 * HOUR,
      });
      // An SLO restoration before every fix wins over them.
      await appendAndProject(ledger, [releaseEvent('r1', 'slo_restored', 5)]);
      expect(await metrics.getFootprint('r1')).toMatchObject({
        restoredAt: h(5),
        timeToRestoreMs: 2 * HOUR,
      });
    });

    it('moves the restore with the incident a fix names when the incident moves to another release', async () => {
      const { metrics, ledger } = await stores();
      await appendAndProject(ledger, [
        ...deploy('r1', 0),
        incident('INC-1', 10),
        ...deploy('f1', 11, { fixes: ['INC-1'], promoted: 12 }),
      ]);
      expect(await metrics.getFootprint('r1')).toMatchObject({
        failed: true,
        restoredAt: h(12),
      });
      // r2, promoted at hour 6, arrives late: INC-1 is its now.
      await appendAndProject(ledger, deploy('r2', 5));
      expect(await metrics.getFootprint('r1')).toMatchObject({
        failed: false,
        restoredAt: undefined,
      });
      expect(await metrics.getFootprint('r2')).toMatchObject({
        failed: true,
        firstFailureSignalAt: h(10),
        restoredAt: h(12),
        timeToRestoreMs: 2 * HOUR,
      });
    });

    it('keeps its rows idempotent: a second sync of the same releases writes and answers nothing', async () => {
      const { knex, ledger } = await stores();
      await appendAndProject(ledger, [
        ...deploy('f1', 0, { fixes: ['INC-1', 'r0', 'INC-1', 'f1'] }),
      ]);
      expect(await fixRows(knex)).toEqual(['f1 → INC-1', 'f1 → r0']);
      const [row] = await knex(RELEASES.table)
        .where('release_id', 'f1')
        .select('projection');
      const release = JSON.parse(row.projection) as Release;
      const projected = new Map<string, ProjectedRelease>([
        ['f1', { release, events: [], previousPromotedAt: release.promotedAt }],
      ]);
      expect(await knex.transaction(tx => syncFixLinks(tx, projected))).toEqual(
        new Set(),
      );
      // The same release fixing less: the dropped row goes, and both
      // names are recomputed.
      const fewer = new Map<string, ProjectedRelease>([
        [
          'f1',
          {
            release: { ...release, fixes: ['INC-1'] },
            events: [],
            previousPromotedAt: release.promotedAt,
          },
        ],
      ]);
      expect(await knex.transaction(tx => syncFixLinks(tx, fewer))).toEqual(
        new Set(['INC-1', 'r0']),
      );
      expect(await fixRows(knex)).toEqual(['f1 → INC-1']);
    });

    it('gives the same footprints when two instances ingest a history with fixes across entities concurrently', async () => {
      const { ledger, other, metrics } = await stores();
      const events = [
        ...deploy('r1', 0),
        incident('INC-1', 2),
        ...deploy('r2', 20),
        releaseEvent('r2', 'gate_failed', 21, { attributes: { gate: 'g' } }),
        releaseEvent('r2', 'rolled_back', 30, {
          attributes: { reason: 'errors' },
        }),
        ...deploy('cart@1', 3, { entityRef: CART, fixes: ['INC-1'] }),
        ...deploy('cart@2', 21, { entityRef: CART, fixes: ['r2'] }),
        ...deploy('r3', 22, { fixes: ['cart@2'] }),
        incident('INC-2', 23, 'SEV-1', CART),
      ];
      await Promise.all(
        events.map(async (e, i) => {
          const instance = i % 2 ? ledger : other;
          await instance.appendEvents([e]);
          await instance.projectionQueue.drainAll();
        }),
      );
      await Promise.all([
        ledger.projectionQueue.drainAll(),
        other.projectionQueue.drainAll(),
      ]);
      const footprints = await metrics.listFootprints({ kind: 'org' }, h(0));
      expect(
        footprints
          .map(f => [f.releaseId, f.isRework, f.failed, f.restoredAt ?? null])
          .sort(),
      ).toEqual([
        ['cart@1', true, false, null],
        // INC-2 (cart, hour 23) falls to cart@2, promoted at hour 22;
        // r3 fixes cart@2 and is promoted at hour 23.
        ['cart@2', true, true, h(23)],
        ['r1', false, true, h(4)],
        // Its gate failed at hour 21; rolled back at hour 30, but cart@2
        // fixed it at hour 22.
        ['r2', false, true, h(22)],
        ['r3', true, false, null],
      ]);
    });

    it('back-fills fix rows, rework and restores from stored projections when it migrates', async () => {
      const { knex, ledger } = await stores();
      await appendAndProject(ledger, [
        ...deploy('r1', 0),
        incidentOf('r1', 'INC-1', 2),
        // Rolled back at hour 9, after its fix at hour 6.5.
        ...deploy('r2', 3),
        releaseEvent('r2', 'gate_failed', 4.5, { attributes: { gate: 'g' } }),
        releaseEvent('r2', 'rolled_back', 9, {
          attributes: { reason: 'errors' },
        }),
        // INC-3 falls to r3 (promoted at 5.5); the SLO is restored at hour
        // 7, before its fix at hour 8.
        ...deploy('r3', 5, { promoted: 5.5 }),
        incident('INC-3', 6, 'SEV-1'),
        releaseEvent('r3', 'slo_restored', 7),
        // The fixes, of another entity so they move no attribution.
        ...deploy('f1', 5, {
          entityRef: CART,
          fixes: ['INC-1', 'r2'],
          promoted: 6.5,
        }),
        ...deploy('f2', 7, { entityRef: CART, fixes: ['INC-3'] }),
        // Staging: fixes nothing in production.
        {
          ...releaseEvent('s1', 'release_started', 1, {
            attributes: { fixes: ['INC-1'] },
          }),
          environment: 'staging',
        } as AcceptedEvent,
        ...deploy('plain', 10),
      ]);
      const expected = await footprintRows(knex);
      const expectedFixes = await fixRows(knex);
      expect(expectedFixes).toEqual([
        'f1 → INC-1',
        'f1 → r2',
        'f2 → INC-3',
        's1 → INC-1',
      ]);
      expect(
        expected.map(r => [
          r.release_id,
          Boolean(r.is_rework),
          r.restored_at,
          r.restore_ms === null ? null : Number(r.restore_ms),
        ]),
      ).toEqual([
        ['f1', true, null, null],
        ['f2', true, null, null],
        ['plain', false, null, null],
        ['r1', false, h(6.5), 4.5 * HOUR],
        ['r2', false, h(6.5), 2 * HOUR],
        ['r3', false, h(7), HOUR],
        ['s1', false, null, null],
      ]);

      // Down to before the migration, with the footprints the previous
      // version computed (no rework, no restore by a fix), and up again.
      for (;;) {
        const [done] = await knex.migrate.list({ directory: migrationsDir });
        const last = done[done.length - 1];
        if (!last || last.name < FIXES_MIGRATION) break;
        await knex.migrate.down({ directory: migrationsDir });
      }
      expect(await knex.schema.hasTable(RELEASE_FIXES)).toBe(false);
      const previous = await previousFootprints(knex);
      expect(previous.map(r => [r.release_id, r.restored_at]).sort()).toEqual([
        ['f1', null],
        ['f2', null],
        ['plain', null],
        ['r1', null],
        ['r2', h(9)],
        ['r3', h(7)],
        ['s1', null],
      ]);
      for (const row of previous) {
        await knex(FOOTPRINTS.table)
          .where('release_id', row.release_id)
          .update(row);
      }
      await knex.migrate.latest({ directory: migrationsDir });

      expect(await footprintRows(knex)).toEqual(expected);
      expect(await fixRows(knex)).toEqual(expectedFixes);
    });
  },
);

/** Every stored footprint, as each database reads it back. */
async function footprintRows(knex: Knex): Promise<FootprintRow[]> {
  return knex<FootprintRow>(FOOTPRINTS.table).select().orderBy('release_id');
}

/**
 * The footprint rows the version before fixes wrote, from the stored
 * projections: without `fixes` and fixes' promotions, and without the
 * rework column.
 */
async function previousFootprints(
  knex: Knex,
): Promise<Array<Omit<FootprintRow, 'is_rework'>>> {
  const releases = await knex(RELEASES.table).select(
    'release_id',
    'projection',
  );
  const incidents = await knex<IncidentRow>(INCIDENTS.table).select();
  const signals = await knex(EVENTS.table)
    .whereIn('type', ['gate_failed', 'slo_restored'])
    .select('release_id', 'type', 'occurred_at');
  return releases.map(r => {
    const { fixes: _fixes, ...release } = JSON.parse(r.projection) as Release;
    const { is_rework: _rework, ...row } = footprintRow(
      footprintInput(
        release,
        signals
          .filter(s => s.release_id === r.release_id)
          .map(
            s => ({ type: s.type, timestamp: s.occurred_at } as ReleaseEvent),
          ),
        incidents.filter(i => i.release_id === r.release_id),
      ),
      release.firstEventAt,
    );
    return row;
  });
}
