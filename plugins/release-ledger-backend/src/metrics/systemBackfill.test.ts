import {
  appendAndProject,
  createLedgerStore,
} from '../__testUtils__/ledgerStore';
import { mockServices } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ReleaseEventType } from '@release-ledger/plugin-release-ledger-common';
import { createTestDatabases } from '../__testUtils__/testLedger';
import { AcceptedReleaseEvent } from '../ledger/ReleaseLedgerStore';
import {
  COMPONENT_FOOTPRINTS,
  ComponentFootprintRow,
  FOOTPRINTS,
  FootprintRow,
  RELEASES,
} from '../database/tables';
import { componentFootprintRow } from './componentFootprints';
import { fromFootprintRow, packFootprint } from './footprints';
import { backfillSystems, SYSTEM_BACKFILL_TABLE } from './systemBackfill';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const migrationsDir = resolvePackagePath(
  '@release-ledger/plugin-release-ledger-backend',
  'migrations',
);
const MIGRATION = '20261130000000_systems_and_outcomes.js';

function component(name: string, spec: object, relations = []): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', owner: 'team', ...spec },
    relations,
  };
}

function event(
  entity: string,
  releaseId: string,
  type: ReleaseEventType,
  hour: number,
  suffix = '',
): AcceptedReleaseEvent {
  return {
    eventId: `${releaseId}/${type}${suffix}`,
    type,
    releaseId,
    entityRef: `component:default/${entity}`,
    releaseEntityRef: `component:default/${entity}`,
    timestamp: new Date(Date.UTC(2026, 10, 2, hour)).toISOString(),
    environment: 'production',
    attributes: type === 'rolled_back' ? { reason: 'x' } : {},
  } as AcceptedReleaseEvent;
}

const secondRollback = {
  eventId: 'w3/rolled_back-again',
  type: 'rolled_back',
  message: 'rolled_back while the release was finished',
};

describe.each(databases.eachSupportedId())(
  'systems and outcomes of releases recorded before them, on %p',
  databaseId => {
    /** A ledger with history, taken back to before the migration and forward again. */
    async function legacyLedger() {
      const knex = await databases.init(databaseId);
      const ledger = await createLedgerStore({
        database: mockServices.database({ knex }),
      });
      await appendAndProject(ledger, [
        // shop-web is part of the shop system (a relation and spec.system).
        event('shop-web', 'w1', 'release_started', 1),
        event('shop-web', 'w1', 'rolled_back', 2),
        event('shop-web', 'w1', 'release_finished', 3),
        event('shop-web', 'w2', 'release_started', 4),
        event('shop-web', 'w2', 'promoted', 5),
        event('shop-web', 'w2', 'release_finished', 6),
        // Rolled back after it finished (after an incident), then again.
        event('shop-web', 'w3', 'release_started', 10),
        event('shop-web', 'w3', 'promoted', 11),
        event('shop-web', 'w3', 'release_finished', 12),
        event('shop-web', 'w3', 'rolled_back', 14),
        event('shop-web', 'w3', 'rolled_back', 15, '-again'),
        // cart has spec.system only (not yet related by the catalog).
        event('cart', 'c1', 'release_started', 7),
        // lonely has no system.
        event('lonely', 'l1', 'release_started', 8),
        // gone is no longer in the catalog.
        event('gone', 'g1', 'release_started', 9),
      ]);
      const [, pending] = await knex.migrate.list({
        directory: migrationsDir,
      });
      expect(pending).toEqual([]);
      // Down to before the migration (a ledger recorded by the previous
      // version), then up again as an upgrade does.
      for (;;) {
        const [done] = await knex.migrate.list({ directory: migrationsDir });
        const last = done[done.length - 1];
        if (!last || last.name < MIGRATION) break;
        await knex.migrate.down({ directory: migrationsDir });
      }
      expect(await knex.schema.hasColumn(RELEASES.table, 'system_ref')).toBe(
        false,
      );
      // The previous version flagged w3's first rollback as an anomaly too.
      const [w3] = await knex(RELEASES.table)
        .where('release_id', 'w3')
        .select('projection');
      const projection = JSON.parse(w3.projection);
      expect(projection.anomalies).toEqual([secondRollback]);
      await knex(RELEASES.table)
        .where('release_id', 'w3')
        .update({
          has_anomalies: true,
          projection: JSON.stringify({
            ...projection,
            anomalies: [
              { ...secondRollback, eventId: 'w3/rolled_back' },
              secondRollback,
            ],
          }),
        });
      await knex.migrate.latest({ directory: migrationsDir });
      return knex;
    }

    const catalog = catalogServiceMock({
      entities: [
        component('shop-web', { system: 'shop' }, [
          { type: 'partOf', targetRef: 'system:default/shop' },
        ] as any),
        component('cart', { system: 'system:default/shop' }),
        component('lonely', {}),
      ],
    });
    const auth = mockServices.auth({ pluginId: 'release-ledger' });

    it('back-fills outcomes from the stored projections when it migrates, and unflags rollbacks after release_finished', async () => {
      const knex = await legacyLedger();
      const [w3] = await knex(RELEASES.table)
        .where('release_id', 'w3')
        .select('projection', 'has_anomalies');
      expect(JSON.parse(w3.projection).anomalies).toEqual([secondRollback]);
      expect(Boolean(w3.has_anomalies)).toBe(true);
      const outcomes = Object.fromEntries(
        (await knex(RELEASES.table).select('release_id', 'outcome')).map(r => [
          r.release_id,
          r.outcome,
        ]),
      );
      expect(outcomes).toEqual({
        w1: 'rolled_back',
        w2: 'promoted',
        w3: 'rolled_back',
        c1: null,
        l1: null,
        g1: null,
      });
    });

    it('gives earlier releases the system of their entity from the catalog, once', async () => {
      const knex = await legacyLedger();
      const pending = async () =>
        (await knex(SYSTEM_BACKFILL_TABLE).select('release_id'))
          .map(r => r.release_id)
          .sort();
      expect(await pending()).toEqual(['c1', 'g1', 'l1', 'w1', 'w2', 'w3']);

      expect(await backfillSystems({ db: knex, catalog, auth })).toBe(4);

      const releases = await knex(RELEASES.table).select(
        'release_id',
        'system_ref',
        'projection',
      );
      expect(
        Object.fromEntries(
          releases.map(r => [
            r.release_id,
            [r.system_ref, JSON.parse(r.projection).systemRef],
          ]),
        ),
      ).toEqual({
        w1: ['system:default/shop', 'system:default/shop'],
        w2: ['system:default/shop', 'system:default/shop'],
        w3: ['system:default/shop', 'system:default/shop'],
        c1: ['system:default/shop', 'system:default/shop'],
        l1: [null, undefined],
        g1: [null, undefined],
      });
      const footprints = await knex<FootprintRow>(FOOTPRINTS.table).select();
      for (const row of footprints) {
        expect(row.system_ref).toBe(
          releases.find(r => r.release_id === row.release_id)!.system_ref,
        );
        expect(row.packed).toBe(packFootprint(fromFootprintRow(row)));
      }
      expect(footprints.find(r => r.release_id === 'w1')!.packed).toContain(
        '"system:default/shop"',
      );
      // The entity the catalog does not know stays for a later run.
      expect(await pending()).toEqual(['g1']);
      expect(await backfillSystems({ db: knex, catalog, auth })).toBe(0);
      expect(await pending()).toEqual(['g1']);
    });

    it("re-packs the footprints of a release's components when it gets a system", async () => {
      const knex = await databases.init(databaseId);
      const ledger = await createLedgerStore({
        database: mockServices.database({ knex }),
      });
      await appendAndProject(ledger, [
        {
          ...event('shop-web', 'w1', 'release_started', 1),
          attributes: { components: ['component:default/cart'] },
        } as AcceptedReleaseEvent,
        event('shop-web', 'w1', 'promoted', 2),
      ]);
      const before = await knex<ComponentFootprintRow>(
        COMPONENT_FOOTPRINTS.table,
      ).select();
      expect(before.map(r => r.packed.split(',').slice(0, 3))).toEqual([
        ['"w1"', 'null', '"component:default/shop-web"'],
      ]);
      await knex(SYSTEM_BACKFILL_TABLE).insert({ release_id: 'w1' });

      expect(await backfillSystems({ db: knex, catalog, auth })).toBe(1);
      const [own] = await knex<FootprintRow>(FOOTPRINTS.table).where(
        'release_id',
        'w1',
      );
      expect(own.system_ref).toBe('system:default/shop');
      expect(
        await knex<ComponentFootprintRow>(COMPONENT_FOOTPRINTS.table).select(),
      ).toEqual([
        componentFootprintRow(own, { entityRef: 'component:default/cart' }),
      ]);
      expect(
        (await knex(COMPONENT_FOOTPRINTS.table).first('packed')).packed,
      ).toMatch(
        /^"w1",null,"system:default\/shop",null,"component:default\/cart",/,
      );
    });

    it('leaves releases recorded since alone', async () => {
      const knex = await databases.init(databaseId);
      const ledger = await createLedgerStore({
        database: mockServices.database({ knex }),
      });
      // Started when shop-web was part of no system: that stays its history.
      await appendAndProject(ledger, [
        event('shop-web', 'n1', 'release_started', 1),
      ]);
      const [{ n }] = await knex(SYSTEM_BACKFILL_TABLE).count({ n: '*' });
      expect(Number(n)).toBe(0);
      expect(await backfillSystems({ db: knex, catalog, auth })).toBe(0);
      const [row] = await knex(RELEASES.table).select('system_ref');
      expect(row.system_ref).toBeNull();
    });
  },
);
