import {
  appendAndProject,
  createLedgerStore,
} from '../__testUtils__/ledgerStore';
import { mockServices } from '@backstage/backend-test-utils';
import { bulkWriterFor } from '../database/bulkWrites';
import { DatabaseReleaseLedgerStore } from '../ledger/DatabaseReleaseLedgerStore';
import { createMetricsProjector } from './metricsProjector';
import {
  componentFootprintRow,
  ownFootprintInScope,
} from './componentFootprints';
import {
  BAND_SETS,
  computeDoraMetrics,
  DEFAULT_INCIDENT_ATTRIBUTION_HOURS,
  ReleaseEventType,
  ReleaseFootprint,
} from '@release-ledger/plugin-release-ledger-common';
import { Knex } from 'knex';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createTestDatabases } from '../__testUtils__/testLedger';
import { footprintRow, fromFootprintRow, packFootprint } from './footprints';
import { MetricsRollup } from './rollups';
import { DatabaseMetricsStore, FootprintScope } from './DatabaseMetricsStore';
import { AcceptedEvent } from '../ledger/ReleaseLedgerStore';
import {
  COMPONENT_FOOTPRINTS,
  ComponentFootprintRow,
  FOOTPRINTS,
  FootprintRow,
} from '../database/tables';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const migrationsDir = resolvePackagePath(
  '@release-ledger/plugin-release-ledger-backend',
  'migrations',
);
const PACKED_MIGRATION = '20261129010000_packed_footprints.js';

const HOUR = 3_600_000;
const BASE = Date.UTC(2026, 10, 2);
const h = (hours: number) => new Date(BASE + hours * HOUR).toISOString();
const FROM = h(24);
const TO = h(24 * 20);

const ENTITIES = ['a', 'b', 'c'].map(n => `component:default/${n}`);
const OWNERS = ['group:default/t1', 'group:default/t2'];
/** a and b are part of the shop system; c of none until it joins it halfway. */
const SHOP = 'system:default/shop';
/** Deployed only as a component of the others' releases, by a third team. */
const WORKER = 'component:default/worker';
const T3 = 'group:default/t3';
const JOBS = 'system:default/jobs';
/**
 * The catalog as the projection finds the components a release deploys:
 * a owned by t1 in the shop, b by t2 in the shop, c by t1 in no system,
 * the worker by t3 in the jobs system.
 */
const COMPONENT_FACTS = new Map([
  [ENTITIES[0], { ownerRef: OWNERS[0], systemRef: SHOP }],
  [ENTITIES[1], { ownerRef: OWNERS[1], systemRef: SHOP }],
  [ENTITIES[2], { ownerRef: OWNERS[0] }],
  [WORKER, { ownerRef: T3, systemRef: JOBS }],
]);

/**
 * What a release of `k` deploys besides its entity: the next service and
 * the worker, the one after, or nothing; sometimes the same component
 * twice, or its own entity too.
 */
function componentsOfRelease(k: number): string[] | undefined {
  const next = ENTITIES[(k + 1) % 3];
  const afterNext = ENTITIES[(k + 2) % 3];
  switch (k % 4) {
    case 0:
      return [next, WORKER];
    case 1:
      return [afterNext, ENTITIES[k % 3]];
    case 2:
      return [WORKER, WORKER, next, afterNext];
    default:
      return undefined;
  }
}

/**
 * Thirty releases over three weeks across three services and two teams:
 * clean, rolled back (some after a failed gate), with incidents named or
 * attributed by window (some restored by SLO), in staging, and a service
 * that changes owner halfway.
 */
function history(): AcceptedEvent[] {
  const events: AcceptedEvent[] = [];
  for (let k = 0; k < 30; k++) {
    const entityRef = ENTITIES[k % 3];
    const ownerRef = k % 3 === 2 && k > 15 ? OWNERS[0] : OWNERS[k % 2];
    const systemRef = k % 3 !== 2 || k > 15 ? SHOP : undefined;
    const releaseId = `${entityRef}@${k}`;
    const start = 13 * k + (k % 5);
    const environment = k % 7 === 6 ? 'staging' : 'production';
    const ev = (
      suffix: string,
      type: ReleaseEventType,
      hour: number,
      attributes: Record<string, unknown> = {},
    ): AcceptedEvent =>
      ({
        eventId: `${releaseId}/${suffix}`,
        type,
        releaseId,
        entityRef,
        releaseEntityRef: entityRef,
        ownerRef,
        systemRef,
        timestamp: h(hour),
        environment,
        attributes,
      } as AcceptedEvent);
    for (let c = 0; c < k % 4; c++) {
      events.push(
        ev(`pr${c}`, 'pr_merged', start - 3 - 5 * c, {
          prNumber: 100 * k + c,
          title: `change ${c}`,
        }),
      );
    }
    const components = componentsOfRelease(k);
    events.push(
      ev('start', 'release_started', start, components ? { components } : {}),
    );
    if (k % 5 === 1) {
      if (k % 2) events.push(ev('gate', 'gate_failed', start + 0.5));
      events.push(ev('rollback', 'rolled_back', start + 1, { reason: 'x' }));
      continue;
    }
    events.push(ev('promote', 'promoted', start + 1));
    if (k % 4 === 3) {
      events.push(
        ev('inc', 'incident_started', start + 3, {
          incidentId: `INC-${k}`,
          severity: k % 8 === 3 ? 'SEV-3' : 'SEV-2',
        }),
      );
      if (k % 3) events.push(ev('slo', 'slo_restored', start + 5));
    }
    if (k % 6 === 2) {
      // An incident tool that knows only the service.
      events.push({
        eventId: `${releaseId}/winc`,
        type: 'incident_started',
        entityRef,
        timestamp: h(start + 6),
        environment: 'production',
        attributes: { incidentId: `W-${k}`, severity: 'SEV-1' },
      });
    }
  }
  return events;
}

const options = {
  from: FROM,
  to: TO,
  bandSet: BAND_SETS['dora-2023'],
  minSamples: 2,
};

/** What MetricsService answers, from the packed read. */
async function packedAnswer(
  store: DatabaseMetricsStore,
  scope: FootprintScope,
) {
  const rollup = new MetricsRollup({
    ...options,
    teams: true,
    contributors: true,
  });
  const packed = await store.listPackedFootprints(scope, FROM);
  rollup.addPacked(packed.releases);
  rollup.addPackedComponents(packed.components, ownFootprintInScope(scope));
  return {
    metrics: rollup.metrics(),
    teams: rollup.teamRows(new Map()),
    contributors: rollup.topContributors(),
  };
}

/** Each release once (a release's footprints all have its times). */
function releasesOf(footprints: ReleaseFootprint[]): ReleaseFootprint[] {
  return [...new Map(footprints.map(f => [f.releaseId, f])).values()];
}

/**
 * The same by definition, from every footprint column: the scope's, each
 * team's and each system's figures count the releases any of their
 * footprints (own or a component's) belongs to, each once; a component
 * counts the releases that deployed it.
 */
async function rowAnswer(store: DatabaseMetricsStore, scope: FootprintScope) {
  const footprints = await store.listFootprints(scope, FROM);
  const owners = [
    ...new Set(footprints.flatMap(f => (f.ownerRef ? [f.ownerRef] : []))),
  ];
  const inWindow = (f: ReleaseFootprint) =>
    f.environment === 'production' &&
    f.isDeployment &&
    f.startedAt! >= FROM &&
    f.startedAt! < TO;
  const systems = [...new Set(footprints.map(f => f.systemRef ?? f.entityRef))];
  return {
    metrics: computeDoraMetrics(releasesOf(footprints), options),
    teams: owners
      .map(groupRef => {
        const { trend: _trend, ...metrics } = computeDoraMetrics(
          releasesOf(footprints.filter(f => f.ownerRef === groupRef)),
          { ...options, trend: false },
        );
        return { groupRef, title: undefined, metrics };
      })
      .sort(
        (a, b) =>
          (b.metrics.changeFailureRate.rate ?? -1) -
            (a.metrics.changeFailureRate.rate ?? -1) ||
          a.groupRef.localeCompare(b.groupRef),
      ),
    contributors: systems
      .map(systemRef => {
        const ofSystem = footprints.filter(
          f => (f.systemRef ?? f.entityRef) === systemRef && inWindow(f),
        );
        const releases = releasesOf(ofSystem);
        return {
          systemRef,
          failures: releases.filter(f => f.failed).length,
          deployments: releases.length,
          components: [...ENTITIES, WORKER]
            .map(entityRef => {
              const started = ofSystem
                .filter(f => f.entityRef === entityRef)
                .sort((a, b) => b.startedAt!.localeCompare(a.startedAt!));
              return {
                entityRef,
                ownerRef: started[0]?.ownerRef,
                failures: started.filter(f => f.failed).length,
                deployments: started.length,
              };
            })
            .filter(r => r.failures > 0)
            .sort(
              (a, b) =>
                b.failures - a.failures ||
                b.deployments - a.deployments ||
                a.entityRef.localeCompare(b.entityRef),
            ),
        };
      })
      .filter(r => r.failures > 0)
      .sort(
        (a, b) =>
          b.failures - a.failures ||
          b.deployments - a.deployments ||
          a.systemRef.localeCompare(b.systemRef),
      )
      .slice(0, 3),
  };
}

const SCOPES: FootprintScope[] = [
  { kind: 'org' },
  { kind: 'owners', ownerRefs: [OWNERS[0]] },
  { kind: 'owners', ownerRefs: OWNERS },
  { kind: 'owners', ownerRefs: [T3] },
  { kind: 'owners', ownerRefs: [OWNERS[1], T3] },
  { kind: 'entity', entityRef: ENTITIES[2] },
  { kind: 'entity', entityRef: WORKER },
];

describe.each(databases.eachSupportedId())(
  'packed footprints on %p',
  databaseId => {
    async function ingested(): Promise<Knex> {
      const knex = await databases.init(databaseId);
      const ledger = await DatabaseReleaseLedgerStore.create({
        database: mockServices.database({ knex }),
        projectors: [
          createMetricsProjector({
            bulk: bulkWriterFor(knex),
            attributionWindowHours: DEFAULT_INCIDENT_ATTRIBUTION_HOURS,
            componentFacts: async refs =>
              new Map(
                refs.flatMap(ref => {
                  const facts = COMPONENT_FACTS.get(ref);
                  return facts ? [[ref, facts] as const] : [];
                }),
              ),
          }),
        ],
      });
      // In a few batches, so later events re-project earlier releases.
      const events = history();
      for (let i = 0; i < events.length; i += 25) {
        await appendAndProject(ledger, events.slice(i, i + 25));
      }
      return knex;
    }

    it('stores each footprint packed as its columns say', async () => {
      const knex = await ingested();
      const rows = await knex<FootprintRow>(FOOTPRINTS.table).select();
      expect(rows).toHaveLength(30);
      for (const row of rows) {
        expect(row.packed).toBe(packFootprint(fromFootprintRow(row)));
      }
      // Staging (0); clean (11), failed unrestored (31) and rolled back (55),
      // outside a system and in one (+64: 75, 95, 119); failed after
      // promotion and restored, in a system (127): every kind is in there.
      const flags = new Set(rows.map(r => Number(r.packed.split(',')[2])));
      expect([...flags].sort((a, b) => a - b)).toEqual([
        0, 11, 31, 55, 75, 95, 119, 127,
      ]);
    });

    it("stores each component's footprint as the release's with the component's refs", async () => {
      const knex = await ingested();
      const own = new Map(
        (await knex<FootprintRow>(FOOTPRINTS.table).select()).map(r => [
          r.release_id,
          r,
        ]),
      );
      const rows = await knex<ComponentFootprintRow>(
        COMPONENT_FOOTPRINTS.table,
      ).select();
      // Releases 0, 4, …, 28: two components; 1, 5, …, 29: one (its own
      // entity is left out); 2, 6, …, 26: three (the worker once).
      expect(rows).toHaveLength(8 * 2 + 8 * 1 + 7 * 3);
      for (const row of rows) {
        const facts = COMPONENT_FACTS.get(row.entity_ref)!;
        expect(row).toEqual(
          componentFootprintRow(own.get(row.release_id)!, {
            entityRef: row.entity_ref,
            ...facts,
          }),
        );
        expect(row.owner_ref).toBe(facts.ownerRef);
      }
    });

    it('counts a release once in the org, however many entities it deploys', async () => {
      const store = new DatabaseMetricsStore(await ingested());
      const withComponents = await packedAnswer(store, { kind: 'org' });
      const own = (await store.listFootprints({ kind: 'org' }, FROM)).filter(
        f => f.releaseId.startsWith(`${f.entityRef}@`),
      );
      // The releases with activity in the window: all but the first two.
      expect(own).toHaveLength(28);
      const alone = new MetricsRollup(options);
      alone.addPacked(
        (await store.listPackedFootprints({ kind: 'org' }, FROM)).releases,
      );
      expect(withComponents.metrics).toEqual(alone.metrics());
      expect(withComponents.metrics.changeFailureRate.deployments).toBe(
        own.filter(
          f => f.isDeployment && f.startedAt! >= FROM && f.startedAt! < TO,
        ).length,
      );
      // The worker's team only ever deploys it as a component.
      expect(withComponents.teams.map(t => t.groupRef).sort()).toEqual([
        ...OWNERS,
        T3,
      ]);
    });

    it.each(SCOPES.map(scope => [JSON.stringify(scope), scope]))(
      'answers %s from the packed read as from every column',
      async (_name, scope) => {
        const store = new DatabaseMetricsStore(await ingested());
        const packed = await packedAnswer(store, scope);
        expect(packed).toEqual(await rowAnswer(store, scope));
        expect(packed.metrics.changeFailureRate.deployments).toBeGreaterThan(0);
      },
    );

    it('counts rows without a packed value, as an older instance writes them', async () => {
      const knex = await ingested();
      const store = new DatabaseMetricsStore(knex);
      const before = await packedAnswer(store, { kind: 'org' });
      const ids = (
        await knex(FOOTPRINTS.table).select('release_id').orderBy('release_id')
      )
        .map(r => r.release_id)
        .filter((_id, i) => i % 3 === 0);
      await knex(FOOTPRINTS.table)
        .whereIn('release_id', ids)
        .update({ packed: null });
      for (const scope of SCOPES) {
        expect(await packedAnswer(store, scope)).toEqual(
          await rowAnswer(store, scope),
        );
      }
      expect(await packedAnswer(store, { kind: 'org' })).toEqual(before);
    });

    it('back-fills the column on existing footprints when it migrates', async () => {
      const source = await ingested();
      const stored = await source<FootprintRow>(FOOTPRINTS.table).select();

      const knex = await databases.init(databaseId);
      for (;;) {
        const [, pending] = await knex.migrate.list({
          directory: migrationsDir,
        });
        const next = pending[0]?.file;
        if (!next || next === PACKED_MIGRATION) break;
        await knex.migrate.up({ directory: migrationsDir });
      }
      // Rows as they were before the packed column (and before systems
      // and rework).
      const unpacked = stored.map(
        ({
          packed: _packed,
          system_ref: _system,
          is_rework: _rework,
          ...row
        }) => row,
      );
      // More rows than one back-fill page.
      const extra = Array.from({ length: 1_100 }, (_, i) =>
        footprintRow(
          {
            releaseId: `bulk-${String(i).padStart(4, '0')}`,
            entityRef: ENTITIES[i % 3],
            ownerRef: OWNERS[i % 2],
            environment: 'production',
            startedAt: h(i),
            promotedAt: h(i + 1),
            rolledBackAt: i % 9 === 0 ? h(i + 2) : undefined,
            changes: [{ mergedAt: h(i - 2) }],
            incidents: [],
          },
          h(i),
        ),
      );
      await knex.batchInsert(
        FOOTPRINTS.table,
        [
          ...unpacked,
          ...extra.map(
            ({
              packed: _packed,
              system_ref: _system,
              is_rework: _rework,
              ...row
            }) => row,
          ),
        ],
        100,
      );
      await knex.migrate.latest({ directory: migrationsDir });

      const migrated = new Map(
        (await knex<FootprintRow>(FOOTPRINTS.table).select()).map(r => [
          r.release_id,
          r.packed,
        ]),
      );
      expect(migrated.size).toBe(stored.length + extra.length);
      for (const row of [...stored, ...extra]) {
        expect(migrated.get(row.release_id)).toBe(
          packFootprint({ ...fromFootprintRow(row), systemRef: undefined }),
        );
      }
      expect(stored.some(row => row.system_ref)).toBe(true);
    });
  },
);

describe('packed footprints on SQLite', () => {
  it('reads the org window from one covering index', async () => {
    const knex = await databases.init('SQLITE_3');
    await createLedgerStore({
      database: mockServices.database({ knex }),
    });
    const sql = new DatabaseMetricsStore(knex).packedReadSql(
      { kind: 'org' },
      FROM,
    );
    const plan = await knex.raw(`EXPLAIN QUERY PLAN ${sql.sql}`, [
      ...sql.bindings,
    ]);
    expect(plan.map((r: { detail: string }) => r.detail)).toEqual([
      expect.stringContaining(
        'COVERING INDEX release_ledger_footprints_activity_packed_idx',
      ),
    ]);
  });

  it("reads the org window's component footprints from one covering index", async () => {
    const knex = await databases.init('SQLITE_3');
    await createLedgerStore({
      database: mockServices.database({ knex }),
    });
    const sql = new DatabaseMetricsStore(knex).packedReadSql(
      { kind: 'org' },
      FROM,
      'components',
    );
    const plan = await knex.raw(`EXPLAIN QUERY PLAN ${sql.sql}`, [
      ...sql.bindings,
    ]);
    expect(plan.map((r: { detail: string }) => r.detail)).toEqual([
      expect.stringContaining(
        'COVERING INDEX release_ledger_component_footprints_activity_idx',
      ),
    ]);
  });
});
