/*
 * The dev backend plus one bench-only plugin, `bench-baseline`: the seed
 * article's plain SQL over the raw event log, so the metrics benchmark can
 * compare the ledger's projections with "just query the events" on the same
 * framework, process, database and HTTP path.
 *
 *   GET /api/bench-baseline/metrics?scope=org|group|entity&ref=&window=90d
 *
 * The seed's three queries (change failure rate per day, lead time per
 * release, MTTR per release; see /work/shared/seed), adapted to
 * release_ledger_events (occurred_at as ISO text, severity inside the
 * attributes JSON) and restricted to the window and scope: entity and group
 * scopes join release_ledger_releases on release_id (the events of a release
 * need not carry entity_ref on every event); a group is resolved to itself
 * and its descendants from the catalog's parentOf relations, walked here
 * (not with the ledger's own group code). Percentiles are computed here from
 * the rows the queries return.
 *
 * Differences to the ledger's definitions, inherited from the seed: lead
 * time is per release (promoted - first merge), not per change; MTTR starts
 * at incident_started only; incidents sent without a release id are not
 * attributed (they have no release_id to group by).
 *
 * It reads the ledger's database through its own knex client, configured by
 * BENCH_BASELINE_DB (a knex config as JSON). Nothing is written.
 *
 * Started by bench/metrics/run.js from packages/backend (module resolution).
 * createDevBackend is the dev app's own composition (packages/backend), so
 * the baseline runs beside exactly the backend the ledger is timed in.
 */
import {
  BackstageCredentials,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import Router from 'express-promise-router';
import knexFactory, { Knex } from 'knex';
import { createDevBackend } from '../../packages/backend/src/createDevBackend';

const DAY_MS = 86_400_000;
const WINDOW_DAYS: Record<string, number> = {
  '7d': 7,
  '30d': 30,
  '90d': 90,
  '365d': 365,
};

/** Linear interpolation between closest ranks (as the ledger's percentiles). */
function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * The group and every group below it, from the catalog's `parentOf`
 * relations (the benchmark waits until the catalog has related the whole
 * org before it times anything); `undefined` when the group is unknown.
 */
async function groupAndDescendants(
  catalog: CatalogService,
  credentials: BackstageCredentials,
  root: string,
): Promise<string[] | undefined> {
  const { items } = await catalog.getEntities(
    {
      filter: { kind: 'group' },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'relations'],
    },
    { credentials },
  );
  const children = new Map<string, string[]>();
  for (const group of items) {
    const ref = `group:${group.metadata.namespace ?? 'default'}/${
      group.metadata.name
    }`.toLocaleLowerCase('en-US');
    children.set(
      ref,
      (group.relations ?? [])
        .filter(relation => relation.type === 'parentOf')
        .map(relation => relation.targetRef.toLocaleLowerCase('en-US')),
    );
  }
  if (!children.has(root)) return undefined;
  const found = new Set<string>();
  const stack = [root];
  while (stack.length > 0) {
    const ref = stack.pop()!;
    if (found.has(ref)) continue;
    found.add(ref);
    stack.push(...(children.get(ref) ?? []));
  }
  return [...found].sort();
}

type Scope =
  | { kind: 'org' }
  | { kind: 'entity'; entityRef: string }
  | { kind: 'owners'; ownerRefs: string[] };

function dialect(db: Knex) {
  const pg = db.client.config.client === 'pg';
  return {
    severity: (alias: string) =>
      pg
        ? `(${alias}.attributes::json ->> 'severity')`
        : `json_extract(${alias}.attributes, '$.severity')`,
    diffMs: (later: string, earlier: string) =>
      pg
        ? `EXTRACT(EPOCH FROM ((${later})::timestamptz - (${earlier})::timestamptz)) * 1000`
        : `(julianday(${later}) - julianday(${earlier})) * 86400000.0`,
  };
}

/** The JOIN and WHERE that restrict events aliased `alias` to the scope. */
function scoped(alias: string, scope: Scope) {
  if (scope.kind === 'org') return { join: '', where: '', bindings: [] };
  const join = `JOIN release_ledger_releases r_${alias} ON r_${alias}.release_id = ${alias}.release_id`;
  if (scope.kind === 'entity')
    return {
      join,
      where: `AND r_${alias}.entity_ref = ?`,
      bindings: [scope.entityRef],
    };
  return {
    join,
    where: `AND r_${alias}.owner_ref IN (${scope.ownerRefs
      .map(() => '?')
      .join(', ')})`,
    bindings: scope.ownerRefs,
  };
}

async function baselineMetrics(
  db: Knex,
  scope: Scope,
  from: string,
  to: string,
) {
  const d = dialect(db);
  const s = scoped('e', scope);
  const p = scoped('p', scope);
  const i = scoped('i', scope);

  // Change failure rate (seed: totals and failures per day): releases started
  // in production in the window, and those of them that were rolled back or
  // had a SEV-1/SEV-2 incident.
  const cfrSql = `
    WITH started AS (
      SELECT e.release_id, substr(e.occurred_at, 1, 10) AS d
        FROM release_ledger_events e ${s.join}
       WHERE e.type = 'release_started' AND e.environment = 'production'
         AND e.occurred_at >= ? AND e.occurred_at < ? ${s.where}
    )
    SELECT s.d AS d,
           COUNT(DISTINCT s.release_id) AS total,
           COUNT(DISTINCT f.release_id) AS failed
      FROM started s
      LEFT JOIN release_ledger_events f
        ON f.release_id = s.release_id
       AND (f.type = 'rolled_back'
            OR (f.type = 'incident_started' AND ${d.severity(
              'f',
            )} IN ('SEV-1', 'SEV-2')))
     GROUP BY s.d
     ORDER BY s.d DESC`;
  // Lead time (seed: per release, promoted - first pr_merged) for releases
  // promoted in the window.
  const leadSql = `
    SELECT e.release_id,
           ${d.diffMs(
             "MAX(CASE WHEN e.type = 'promoted' THEN e.occurred_at END)",
             "MIN(CASE WHEN e.type = 'pr_merged' THEN e.occurred_at END)",
           )} AS lead_ms
      FROM release_ledger_events e
     WHERE e.release_id IN (
             SELECT p.release_id FROM release_ledger_events p ${p.join}
              WHERE p.type = 'promoted' AND p.environment = 'production'
                AND p.occurred_at >= ? AND p.occurred_at < ? ${p.where})
     GROUP BY e.release_id`;
  // MTTR (seed: per release, first incident_started -> restore by
  // rolled_back or slo_restored) for incidents started in the window.
  const mttrSql = `
    SELECT e.release_id,
           ${d.diffMs(
             "MIN(CASE WHEN e.type IN ('rolled_back', 'slo_restored') THEN e.occurred_at END)",
             "MIN(CASE WHEN e.type = 'incident_started' THEN e.occurred_at END)",
           )} AS mttr_ms
      FROM release_ledger_events e
     WHERE e.release_id IN (
             SELECT i.release_id FROM release_ledger_events i ${i.join}
              WHERE i.type = 'incident_started' AND i.environment = 'production'
                AND i.occurred_at >= ? AND i.occurred_at < ? ${i.where})
     GROUP BY e.release_id`;

  const rowsOf = (r: any) => (Array.isArray(r) ? r : r.rows);
  const t0 = performance.now();
  const [cfrRows, leadRows, mttrRows] = await Promise.all([
    db.raw(cfrSql, [from, to, ...s.bindings]).then(rowsOf),
    db.raw(leadSql, [from, to, ...p.bindings]).then(rowsOf),
    db.raw(mttrSql, [from, to, ...i.bindings]).then(rowsOf),
  ]);
  const t1 = performance.now();

  let deployments = 0;
  let failures = 0;
  for (const r of cfrRows) {
    deployments += Number(r.total);
    failures += Number(r.failed);
  }
  const leadTimes = leadRows
    .map((r: any) => (r.lead_ms === null ? NaN : Number(r.lead_ms)))
    .filter((x: number) => Number.isFinite(x))
    .sort((a: number, b: number) => a - b);
  const restores = mttrRows
    .map((r: any) => (r.mttr_ms === null ? NaN : Number(r.mttr_ms)))
    .filter((x: number) => Number.isFinite(x) && x >= 0)
    .sort((a: number, b: number) => a - b);
  const figures = {
    deploys: leadRows.length,
    deployments,
    failures,
    changeFailureRate: deployments ? failures / deployments : undefined,
    cfrDays: cfrRows.length,
    leadTime: {
      releases: leadTimes.length,
      p50Ms: percentile(leadTimes, 0.5),
      p90Ms: percentile(leadTimes, 0.9),
    },
    timeToRestore: {
      releases: restores.length,
      p50Ms: percentile(restores, 0.5),
      p95Ms: percentile(restores, 0.95),
    },
  };
  const t2 = performance.now();
  return {
    figures,
    rows: {
      cfr: cfrRows.length,
      lead: leadRows.length,
      mttr: mttrRows.length,
    },
    serverMs: { sql: t1 - t0, compute: t2 - t1 },
  };
}

const benchBaselinePlugin = createBackendPlugin({
  pluginId: 'bench-baseline',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        lifecycle: coreServices.lifecycle,
      },
      async init({ httpRouter, httpAuth, auth, catalog, lifecycle }) {
        const db = knexFactory(JSON.parse(process.env.BENCH_BASELINE_DB!));
        lifecycle.addShutdownHook(() => db.destroy());
        const router = Router();
        router.get('/metrics', async (req, res) => {
          await httpAuth.credentials(req, { allow: ['service', 'user'] });
          const t0 = performance.now();
          const days = WINDOW_DAYS[String(req.query.window ?? '90d')];
          if (!days) {
            res.status(400).json({ error: 'window' });
            return;
          }
          const now = Date.now();
          const to = new Date(now).toISOString();
          const from = new Date(now - days * DAY_MS).toISOString();
          const kind = String(req.query.scope ?? 'org');
          const ref = String(req.query.ref ?? '').toLocaleLowerCase('en-US');
          let scope: Scope;
          if (kind === 'entity') scope = { kind: 'entity', entityRef: ref };
          else if (kind === 'group') {
            const ownerRefs = await groupAndDescendants(
              catalog,
              // As the ledger does: the group tree is its own read, and the
              // pipeline token may not call the catalog.
              await auth.getOwnServiceCredentials(),
              ref,
            );
            if (!ownerRefs) {
              res.status(404).json({ error: `${ref} not found` });
              return;
            }
            scope = { kind: 'owners', ownerRefs };
          } else scope = { kind: 'org' };
          const t1 = performance.now();
          const result = await baselineMetrics(db, scope, from, to);
          res.json({
            scope: kind,
            ref: kind === 'org' ? undefined : ref,
            from,
            to,
            ...result,
            serverMs: {
              scope: t1 - t0,
              ...result.serverMs,
              total: performance.now() - t0,
            },
          });
        });
        httpRouter.use(router);
      },
    });
  },
});

const backend = createDevBackend();
backend.add(benchBaselinePlugin);
backend.start();
