import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Release } from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
import {
  COMPONENT_BACKFILL,
  COMPONENT_FOOTPRINTS,
  ComponentFootprintRow,
  FOOTPRINTS,
  FootprintRow,
  RELEASES,
} from '../database/tables';
import type { LookUpComponentFacts } from './componentFacts';
import { componentFootprintRow, componentsOf } from './componentFootprints';
import { lockFootprints } from './fixLinks';

const PAGE = 500;

/**
 * Gives the releases recorded with components before the ledger kept
 * component footprints (listed by the migration 20261203060000) the
 * footprints of their components, with each component's owner and System
 * as the catalog has them now: the best the ledger can know of them (a
 * migration cannot ask the catalog). A page at a time; a release with a
 * component the catalog does not know (yet) stays listed for the next run,
 * the others leave the list. A component footprint the projection wrote
 * meanwhile (with the facts of when its release started) is kept. Answers
 * how many component footprints it wrote.
 */
export async function backfillComponentFootprints(options: {
  db: Knex;
  componentFacts: LookUpComponentFacts;
}): Promise<number> {
  const { db } = options;
  let written = 0;
  let after = '';
  for (;;) {
    const page: Array<{ release_id: string; projection: string | null }> =
      await db(`${COMPONENT_BACKFILL} as b`)
        .leftJoin(`${RELEASES.table} as r`, 'r.release_id', 'b.release_id')
        .where('b.release_id', '>', after)
        .orderBy('b.release_id')
        .limit(PAGE)
        .select('b.release_id', 'r.projection');
    if (page.length === 0) return written;
    after = page[page.length - 1].release_id;

    const components = new Map<string, string[]>();
    for (const { release_id, projection } of page) {
      if (!projection || projection === '{}') continue;
      const deployed = componentsOf(JSON.parse(projection) as Release);
      if (deployed.length > 0) components.set(release_id, deployed);
    }
    const refs = [...new Set([...components.values()].flat())];
    const facts = refs.length
      ? await options.componentFacts(refs)
      : new Map<string, never>();
    const done = page
      .map(p => p.release_id)
      .filter(id => (components.get(id) ?? []).every(ref => facts.has(ref)));

    written += await db.transaction(async tx => {
      const ids = [...components.keys()];
      // The projection's writers hold these until commit (see
      // lockFootprints): the rows below are built from the footprint as
      // it stands.
      await lockFootprints(tx, ids);
      const own: FootprintRow[] = ids.length
        ? await tx(FOOTPRINTS.table)
            .whereIn('release_id', ids)
            .select([...FOOTPRINTS.columns])
        : [];
      // A component footprint the projection wrote meanwhile is kept.
      const existing = new Set(
        ids.length
          ? (
              await tx(COMPONENT_FOOTPRINTS.table)
                .whereIn('release_id', ids)
                .select('release_id', 'entity_ref')
            ).map(r => `${r.release_id}\n${r.entity_ref}`)
          : [],
      );
      const rows: ComponentFootprintRow[] = own.flatMap(row =>
        components
          .get(row.release_id)!
          .filter(
            ref => facts.has(ref) && !existing.has(`${row.release_id}\n${ref}`),
          )
          .map(entityRef =>
            componentFootprintRow(row, { entityRef, ...facts.get(entityRef) }),
          ),
      );
      // Six columns a row: under every database's limit of bound parameters.
      for (let i = 0; i < rows.length; i += 100) {
        await tx(COMPONENT_FOOTPRINTS.table)
          .insert(rows.slice(i, i + 100))
          .onConflict([...COMPONENT_FOOTPRINTS.key])
          .ignore();
      }
      if (done.length > 0) {
        await tx(COMPONENT_BACKFILL).whereIn('release_id', done).delete();
      }
      return rows.length;
    });
  }
}

/**
 * Runs {@link backfillComponentFootprints} shortly after startup and then
 * every few hours until it has nothing left (each run is one empty read
 * then), on one instance at a time.
 */
export async function scheduleComponentBackfill(options: {
  db: Knex;
  componentFacts: LookUpComponentFacts;
  logger: LoggerService;
  scheduler: SchedulerService;
}): Promise<void> {
  const { scheduler, logger } = options;
  await scheduler.scheduleTask({
    id: 'release-ledger-component-backfill',
    scope: 'global',
    // Gives the catalog of a backend that just started time to answer.
    initialDelay: { minutes: 1 },
    frequency: { hours: 6 },
    timeout: { hours: 1 },
    fn: async () => {
      const written = await backfillComponentFootprints(options);
      if (written > 0) {
        logger.info(
          `release-ledger: gave ${written} components of earlier releases their DORA footprints`,
        );
      }
    },
  });
}
