import { mockServices } from '@backstage/backend-test-utils';
import type { ReleaseEventType } from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testLedger';
import { bulkWriterFor } from '../database/bulkWrites';
import {
  COMPONENT_FOOTPRINTS,
  ComponentFootprintRow,
  FOOTPRINTS,
  FootprintRow,
} from '../database/tables';
import { DatabaseReleaseLedgerStore } from '../ledger/DatabaseReleaseLedgerStore';
import type { AcceptedEvent } from '../ledger/ReleaseLedgerStore';
import type { ComponentFacts } from './componentFootprints';
import { componentFootprintRow } from './componentFootprints';
import { DatabaseMetricsStore } from './DatabaseMetricsStore';
import { createMetricsProjector } from './metricsProjector';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const SHOP = 'component:default/shop';
const WORKER = 'component:default/worker';
const MAILER = 'component:default/mailer';
const SEARCH = 'component:default/search';
const T1 = 'group:default/t1';
const T2 = 'group:default/t2';
const T3 = 'group:default/t3';
const h = (hours: number) =>
  new Date(Date.UTC(2026, 10, 2) + hours * 3_600_000).toISOString();

function event(
  releaseId: string,
  entityRef: string,
  type: ReleaseEventType,
  hour: number,
  attributes: Record<string, unknown> = {},
  suffix = '',
): AcceptedEvent {
  return {
    eventId: `${releaseId}/${type}${suffix}`,
    type,
    releaseId,
    entityRef,
    releaseEntityRef: entityRef,
    ownerRef: T1,
    timestamp: h(hour),
    environment: 'production',
    attributes: type === 'rolled_back' ? { reason: 'x' } : attributes,
  } as AcceptedEvent;
}

describe.each(databases.eachSupportedId())(
  'component footprints on %p',
  databaseId => {
    /** A ledger whose catalog answers `catalog` (changeable), counting lookups. */
    async function setUp() {
      const knex = await databases.init(databaseId);
      const catalog = new Map<string, ComponentFacts>([
        [WORKER, { ownerRef: T2, systemRef: 'system:default/jobs' }],
        [MAILER, { ownerRef: T2 }],
        [SEARCH, { ownerRef: T3 }],
      ]);
      const lookups: string[][] = [];
      let failing = false;
      const ledger = await DatabaseReleaseLedgerStore.create({
        database: mockServices.database({ knex }),
        projectors: [
          createMetricsProjector({
            bulk: bulkWriterFor(knex),
            attributionWindowHours: 24,
            componentFacts: async refs => {
              if (failing) throw new Error('catalog unavailable');
              lookups.push([...refs].sort());
              return new Map(
                refs.flatMap(ref =>
                  catalog.has(ref)
                    ? [[ref, { ...catalog.get(ref) }] as const]
                    : [],
                ),
              );
            },
          }),
        ],
      });
      const append = async (events: AcceptedEvent[]) => {
        await ledger.appendEvents(events);
        return ledger.projectionQueue.drainAll();
      };
      return {
        knex,
        catalog,
        lookups,
        append,
        ledger,
        fail: (on: boolean) => {
          failing = on;
        },
      };
    }

    const componentRows = (knex: Knex) =>
      knex<ComponentFootprintRow>(COMPONENT_FOOTPRINTS.table)
        .select()
        .orderBy(['release_id', 'entity_ref']);

    it('writes each component the release as its own footprint has it, with the owner and system of when it started, kept after', async () => {
      const { knex, catalog, lookups, append } = await setUp();
      await append([
        event('shop@1', SHOP, 'release_started', 0, {
          components: [WORKER, MAILER, SHOP],
        }),
      ]);
      expect(lookups).toEqual([[MAILER, WORKER]]);
      let rows = await componentRows(knex);
      expect(rows.map(r => [r.entity_ref, r.owner_ref, r.system_ref])).toEqual([
        [MAILER, T2, null],
        [WORKER, T2, 'system:default/jobs'],
      ]);

      // The worker moves to another team; the release keeps its facts.
      catalog.set(WORKER, { ownerRef: T3 });
      await append([
        event('shop@1', SHOP, 'promoted', 1),
        event('shop@1', SHOP, 'rolled_back', 2),
      ]);
      expect(lookups).toHaveLength(1);
      rows = await componentRows(knex);
      const [own] = await knex<FootprintRow>(FOOTPRINTS.table).where(
        'release_id',
        'shop@1',
      );
      expect(Boolean(own.failed)).toBe(true);
      expect(rows).toEqual([
        componentFootprintRow(own, { entityRef: MAILER, ownerRef: T2 }),
        componentFootprintRow(own, {
          entityRef: WORKER,
          ownerRef: T2,
          systemRef: 'system:default/jobs',
        }),
      ]);

      // A release started after the move has the worker's new team.
      await append([
        event('shop@2', SHOP, 'release_started', 3, { components: [WORKER] }),
      ]);
      expect(
        (await componentRows(knex)).map(r => [
          r.release_id,
          r.entity_ref,
          r.owner_ref,
        ]),
      ).toEqual([
        ['shop@1', MAILER, T2],
        ['shop@1', WORKER, T2],
        ['shop@2', WORKER, T3],
      ]);
    });

    it('follows a later start that lists other components', async () => {
      const { knex, append } = await setUp();
      await append([
        event('shop@1', SHOP, 'release_started', 0, {
          components: [WORKER, MAILER],
        }),
      ]);
      await append([
        event(
          'shop@1',
          SHOP,
          'release_started',
          0.5,
          { components: [MAILER, SEARCH] },
          '-again',
        ),
      ]);
      expect(
        (await componentRows(knex)).map(r => [r.entity_ref, r.owner_ref]),
      ).toEqual([
        [MAILER, T2],
        [SEARCH, T3],
      ]);
    });

    it('attributes an incident on a component to the latest promoted release that deployed it, also when the promotion arrives later', async () => {
      const { knex, append } = await setUp();
      const metrics = new DatabaseMetricsStore(knex);
      // The worker's own release, then the shop's that deploys it too.
      await append([
        event('worker@1', WORKER, 'release_started', 0),
        event('worker@1', WORKER, 'promoted', 1),
        event('shop@1', SHOP, 'release_started', 2, { components: [WORKER] }),
      ]);
      // The incident, sent with the worker only, before the shop's
      // promotion is known: the worker's release has it.
      const incident: AcceptedEvent = {
        eventId: 'inc-1',
        type: 'incident_started',
        entityRef: WORKER,
        timestamp: h(5),
        environment: 'production',
        attributes: { incidentId: 'INC-1', severity: 'SEV-1' },
      };
      await append([incident]);
      expect(await metrics.listReleaseIncidents('worker@1')).toHaveLength(1);

      await append([event('shop@1', SHOP, 'promoted', 3)]);
      expect(await metrics.listReleaseIncidents('worker@1')).toEqual([]);
      expect(await metrics.listReleaseIncidents('shop@1')).toEqual([
        expect.objectContaining({ incidentId: 'INC-1', attribution: 'window' }),
      ]);
      expect((await metrics.getFootprint('shop@1'))?.failed).toBe(true);
      expect((await metrics.getFootprint('worker@1'))?.failed).toBe(false);
      const worker = await metrics.listFootprints(
        { kind: 'entity', entityRef: WORKER },
        h(0),
      );
      expect(
        worker.map(f => [f.releaseId, f.entityRef, f.ownerRef, f.failed]),
      ).toEqual([
        ['worker@1', WORKER, T1, false],
        ['shop@1', WORKER, T2, true],
      ]);
    });

    it('leaves the release to be projected again when the catalog cannot answer', async () => {
      const { knex, append, ledger, fail, lookups } = await setUp();
      fail(true);
      const result = await append([
        event('shop@1', SHOP, 'release_started', 0, { components: [WORKER] }),
      ]);
      expect(result.failed).toBe(1);
      expect(await knex(FOOTPRINTS.table)).toEqual([]);
      expect(await componentRows(knex)).toEqual([]);
      expect((await ledger.projectionQueue.status()).retrying).toBe(1);

      fail(false);
      // The retry, once due.
      await knex('release_ledger_projection_queue').update({
        retry_at: null,
      });
      await ledger.projectionQueue.drainAll();
      expect(lookups).toEqual([[WORKER]]);
      expect((await componentRows(knex)).map(r => r.owner_ref)).toEqual([T2]);
    });
  },
);
