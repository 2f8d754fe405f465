import {
  appendAndProject,
  createLedgerStore,
} from '../__testUtils__/ledgerStore';
import { mockServices } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { ReleaseEventType } from '@release-ledger/plugin-release-ledger-common';
import { createTestDatabases } from '../__testUtils__/testLedger';
import {
  COMPONENT_BACKFILL,
  COMPONENT_FOOTPRINTS,
  ComponentFootprintRow,
  FOOTPRINTS,
  FootprintRow,
} from '../database/tables';
import type { AcceptedEvent } from '../ledger/ReleaseLedgerStore';
import { backfillComponentFootprints } from './componentBackfill';
import { ComponentFacts, componentFootprintRow } from './componentFootprints';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const migrationsDir = resolvePackagePath(
  '@release-ledger/plugin-release-ledger-backend',
  'migrations',
);
const MIGRATION = '20261203060000_component_footprints.js';

const SHOP = 'component:default/shop';
const WORKER = 'component:default/worker';
const MAILER = 'component:default/mailer';
const GONE = 'component:default/gone';

function event(
  releaseId: string,
  type: ReleaseEventType,
  hour: number,
  attributes: Record<string, unknown> = {},
): AcceptedEvent {
  return {
    eventId: `${releaseId}/${type}`,
    type,
    releaseId,
    entityRef: SHOP,
    releaseEntityRef: SHOP,
    ownerRef: 'group:default/t1',
    timestamp: new Date(Date.UTC(2026, 10, 2, hour)).toISOString(),
    environment: 'production',
    attributes: type === 'rolled_back' ? { reason: 'x' } : attributes,
  } as AcceptedEvent;
}

/** The catalog as it is now. */
const CATALOG = new Map<string, ComponentFacts>([
  [WORKER, { ownerRef: 'group:default/t2', systemRef: 'system:default/jobs' }],
  [MAILER, { ownerRef: 'group:default/t3' }],
]);
const componentFacts = async (refs: string[]) =>
  new Map(
    refs.flatMap(ref =>
      CATALOG.has(ref) ? [[ref, CATALOG.get(ref)!] as const] : [],
    ),
  );

describe.each(databases.eachSupportedId())(
  'component footprints of releases recorded before them, on %p',
  databaseId => {
    it('gives them their components’ footprints with the owners the catalog has, once, keeping what the projection wrote since', async () => {
      const knex = await databases.init(databaseId);
      const ledger = await createLedgerStore({
        database: mockServices.database({ knex }),
      });
      await appendAndProject(ledger, [
        event('s1', 'release_started', 1, { components: [WORKER, MAILER] }),
        event('s1', 'promoted', 2),
        event('s2', 'release_started', 3, { components: [WORKER, GONE] }),
        event('s2', 'rolled_back', 4),
        event('s3', 'release_started', 5),
      ]);
      // Down to before the migration (a ledger the previous version
      // recorded), then up again as an upgrade does.
      for (;;) {
        const [done] = await knex.migrate.list({ directory: migrationsDir });
        const last = done[done.length - 1];
        if (!last || last.name < MIGRATION) break;
        await knex.migrate.down({ directory: migrationsDir });
      }
      expect(await knex.schema.hasTable(COMPONENT_FOOTPRINTS.table)).toBe(
        false,
      );
      await knex.migrate.latest({ directory: migrationsDir });
      const pending = async () =>
        (await knex(COMPONENT_BACKFILL).select('release_id'))
          .map(r => r.release_id)
          .sort();
      expect(await pending()).toEqual(['s1', 's2']);

      // s1's worker was projected again since, with its facts of then.
      const own = new Map(
        (await knex<FootprintRow>(FOOTPRINTS.table).select()).map(r => [
          r.release_id,
          r,
        ]),
      );
      const projected = componentFootprintRow(own.get('s1')!, {
        entityRef: WORKER,
        ownerRef: 'group:default/t9',
      });
      await knex(COMPONENT_FOOTPRINTS.table).insert(projected);

      expect(
        await backfillComponentFootprints({ db: knex, componentFacts }),
      ).toBe(2);
      const rows = await knex<ComponentFootprintRow>(COMPONENT_FOOTPRINTS.table)
        .select()
        .orderBy(['release_id', 'entity_ref']);
      expect(rows).toEqual([
        componentFootprintRow(own.get('s1')!, {
          entityRef: MAILER,
          ...CATALOG.get(MAILER),
        }),
        projected,
        componentFootprintRow(own.get('s2')!, {
          entityRef: WORKER,
          ...CATALOG.get(WORKER),
        }),
      ]);
      // The component the catalog does not know stays for a later run.
      expect(await pending()).toEqual(['s2']);
      expect(
        await backfillComponentFootprints({ db: knex, componentFacts }),
      ).toBe(0);
      expect(await pending()).toEqual(['s2']);
    });

    it('leaves releases recorded since alone', async () => {
      const knex = await databases.init(databaseId);
      const ledger = await createLedgerStore({
        database: mockServices.database({ knex }),
      });
      await appendAndProject(ledger, [
        event('n1', 'release_started', 1, { components: [WORKER] }),
      ]);
      const [{ n }] = await knex(COMPONENT_BACKFILL).count({ n: '*' });
      expect(Number(n)).toBe(0);
      expect(
        await backfillComponentFootprints({ db: knex, componentFacts }),
      ).toBe(0);
    });
  },
);
