import type {
  AuthService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { Release } from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
import { bulkWriterFor } from '../database/bulkWrites';
import {
  COMPONENT_FOOTPRINTS,
  ComponentFootprintRow,
  FOOTPRINTS,
  FootprintRow,
  RELEASES,
  ReleaseWriteRow,
} from '../database/tables';
import { componentFootprintRow } from './componentFootprints';
import { fromFootprintRow, packFootprint } from './footprints';
import { SYSTEM_FIELDS, systemOf } from '../ledger/systemOf';

/** Releases recorded before systems were (see the migration 20261130000000). */
export const SYSTEM_BACKFILL_TABLE = 'release_ledger_system_backfill';

const PAGE = 500;

/**
 * Gives the releases recorded before the ledger stored systems the System
 * their entity is part of now: the best the ledger can know of them (a
 * migration cannot ask the catalog). Releases recorded since keep the
 * system of when they started. Looks entities up with the plugin's own
 * credentials, a page at a time; a release whose entity the catalog does not
 * know (yet) stays listed for the next run, the others leave the list.
 * Answers how many releases got a system.
 */
export async function backfillSystems(options: {
  db: Knex;
  catalog: CatalogService;
  auth: AuthService;
}): Promise<number> {
  const { db, catalog, auth } = options;
  const bulk = bulkWriterFor(db);
  const postgres = db.client.config.client === 'pg';
  let updated = 0;
  let after = '';
  for (;;) {
    const page: Array<{ release_id: string; entity_ref: string | null }> =
      await db(`${SYSTEM_BACKFILL_TABLE} as b`)
        .leftJoin(`${RELEASES.table} as r`, 'r.release_id', 'b.release_id')
        .where('b.release_id', '>', after)
        .orderBy('b.release_id')
        .limit(PAGE)
        .select('b.release_id', 'r.entity_ref');
    if (page.length === 0) return updated;
    after = page[page.length - 1].release_id;

    const entityRefs = [
      ...new Set(page.flatMap(p => (p.entity_ref ? [p.entity_ref] : []))),
    ];
    const { items } = entityRefs.length
      ? await catalog.getEntitiesByRefs(
          { entityRefs, fields: [...SYSTEM_FIELDS] },
          { credentials: await auth.getOwnServiceCredentials() },
        )
      : { items: [] };
    const known = new Map<string, string | undefined>();
    items.forEach((entity, i) => {
      if (entity) known.set(entityRefs[i], systemOf(entity));
    });
    const done = page.filter(p => !p.entity_ref || known.has(p.entity_ref));
    const systemOfRelease = new Map(
      done.flatMap(p => {
        const system = p.entity_ref ? known.get(p.entity_ref) : undefined;
        return system ? [[p.release_id, system] as const] : [];
      }),
    );

    updated += await db.transaction(async tx => {
      const ids = [...systemOfRelease.keys()];
      if (postgres && ids.length > 0) {
        // The ingest transaction's locks (DatabaseReleaseLedgerStore#lock):
        // a release is not re-projected from its old row meanwhile.
        const keys = [
          ...new Set(
            done.flatMap(p =>
              systemOfRelease.has(p.release_id)
                ? [`entity:${p.entity_ref}`]
                : [],
            ),
          ),
        ].sort();
        await tx.raw(
          `SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
             FROM unnest(?::text[]) WITH ORDINALITY AS t(k, i) ORDER BY i`,
          [keys],
        );
      }
      const releases: ReleaseWriteRow[] = ids.length
        ? await tx(RELEASES.table)
            .whereIn('release_id', ids)
            .whereNull('system_ref')
            .select([...RELEASES.columns])
        : [];
      const changed = new Set<string>();
      const releaseRows = releases.map(row => {
        const systemRef = systemOfRelease.get(row.release_id)!;
        changed.add(row.release_id);
        const projection =
          row.projection === '{}'
            ? row.projection
            : JSON.stringify({
                ...(JSON.parse(row.projection) as Release),
                systemRef,
              });
        return {
          ...row,
          // SQLite answers booleans as 0/1.
          has_anomalies: Boolean(row.has_anomalies),
          system_ref: systemRef,
          projection,
        };
      });
      await bulk.upsert(tx, RELEASES, releaseRows);
      const footprints: FootprintRow[] = changed.size
        ? await tx(FOOTPRINTS.table)
            .whereIn('release_id', [...changed])
            .select([...FOOTPRINTS.columns])
        : [];
      const footprintRows = footprints.map(row => {
        const systemRef = systemOfRelease.get(row.release_id)!;
        const footprint = { ...fromFootprintRow(row), systemRef };
        return {
          ...row,
          is_deployment: Boolean(row.is_deployment),
          is_rework: Boolean(row.is_rework),
          failed: Boolean(row.failed),
          system_ref: systemRef,
          packed: packFootprint(footprint),
        };
      });
      await bulk.upsert(tx, FOOTPRINTS, footprintRows);
      await repackComponents(tx, footprintRows);
      await tx(SYSTEM_BACKFILL_TABLE)
        .whereIn(
          'release_id',
          done.map(p => p.release_id),
        )
        .delete();
      return changed.size;
    });
  }
}

/**
 * Re-packs the component footprints of releases whose own footprint got a
 * system: theirs lead with the release's system key (see
 * packComponentFootprint). The components' own facts stay.
 */
async function repackComponents(
  tx: Knex.Transaction,
  own: FootprintRow[],
): Promise<void> {
  if (own.length === 0) return;
  const byRelease = new Map(own.map(row => [row.release_id, row]));
  const rows: ComponentFootprintRow[] = await tx(COMPONENT_FOOTPRINTS.table)
    .whereIn('release_id', [...byRelease.keys()])
    .select([...COMPONENT_FOOTPRINTS.columns]);
  for (const row of rows) {
    const { packed } = componentFootprintRow(byRelease.get(row.release_id)!, {
      entityRef: row.entity_ref,
      ownerRef: row.owner_ref ?? undefined,
      systemRef: row.system_ref ?? undefined,
    });
    await tx(COMPONENT_FOOTPRINTS.table)
      .where({ release_id: row.release_id, entity_ref: row.entity_ref })
      .update({ packed });
  }
}

/**
 * Runs {@link backfillSystems} shortly after startup and then every few
 * hours until it has nothing left (each run is one empty read then), on one
 * instance at a time.
 */
export async function scheduleSystemBackfill(options: {
  db: Knex;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
  scheduler: SchedulerService;
}): Promise<void> {
  const { scheduler, logger } = options;
  await scheduler.scheduleTask({
    id: 'release-ledger-system-backfill',
    scope: 'global',
    // Gives the catalog of a backend that just started time to answer.
    initialDelay: { minutes: 1 },
    frequency: { hours: 6 },
    timeout: { hours: 1 },
    fn: async () => {
      const updated = await backfillSystems(options);
      if (updated > 0) {
        logger.info(
          `release-ledger: gave ${updated} earlier releases the catalog System of their entity`,
        );
      }
    },
  });
}
