import {
  attributeIncidents,
  DORA_ENVIRONMENT,
  Release,
  ReleaseEvent,
} from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
import { projectIncident } from '../ledger/projectIncident';
import type {
  IncidentAttribution,
  ProjectedRelease,
} from '../ledger/projectors';
import { footprintInput, footprintRow } from './footprints';
import {
  fixPromotionsOf,
  lockFootprints,
  releasesNamedBy,
  syncFixLinks,
} from './fixLinks';
import { BulkWriter } from '../database/bulkWrites';
import { RELEASE_COMPONENTS } from '../ledger/changeLinks';
import {
  componentFootprintRow,
  componentsOf,
  DeployedComponent,
} from './componentFootprints';
import type { LookUpComponentFacts } from './componentFacts';
import {
  COMPONENT_FOOTPRINTS,
  ComponentFootprintRow,
  EVENTS,
  EventRow,
  FOOTPRINTS,
  FootprintRow,
  INCIDENTS,
  IncidentRow,
  RELEASES,
  typedAttributesOf,
} from '../database/tables';

const HOUR_MS = 3_600_000;
/** Bound parameters per IN list, under every database's limit. */
const IN_CHUNK = 500;

/** Time ranges per entity in which incident attribution must be recomputed. */
class EntityRanges {
  readonly byEntity = new Map<string, { lo: string; hi: string }>();

  add(entityRef: string, lo: string, hi: string) {
    const r = this.byEntity.get(entityRef);
    if (!r) this.byEntity.set(entityRef, { lo, hi });
    else {
      if (lo < r.lo) r.lo = lo;
      if (hi > r.hi) r.hi = hi;
    }
  }
}

/**
 * Keeps the metrics projections current inside the ingest transaction:
 * incidents (with their attribution) and release footprints. Runs after the
 * touched releases were re-projected and written.
 *
 * 1. Incidents with new events are re-projected from all their events.
 * 2. Incidents without an explicit release are re-attributed where it can
 *    have changed: for those incidents, and around every production
 *    promotion that appeared or moved (± the attribution window).
 * 3. What the re-projected releases fix is recorded (see fixLinks.ts); the
 *    releases they fix, or stopped fixing, are recomputed when that changed
 *    or their promotion moved: a fix's promotion restores their service.
 * 4. Footprints are recomputed for the re-projected releases, for every
 *    release that gained or lost an incident, and for the releases of 3,
 *    each with the promotions of the releases that fix it; with them the
 *    footprints of the components each deploys (see componentFootprints.ts).
 *
 * A release deploys its components as it deploys its own entity: an
 * incident on a component is attributed by window to the latest release
 * promoted that deployed it, its own or one that lists it.
 */
export async function refreshMetricsProjection(
  tx: Knex.Transaction,
  bulk: BulkWriter,
  options: {
    projected: Map<string, ProjectedRelease>;
    incidentIds: string[];
    attributionWindowHours: number;
    /**
     * The catalog facts of the components whose footprints are written for
     * the first time; without it they have no owner or System.
     */
    componentFacts?: LookUpComponentFacts;
  },
): Promise<Map<string, IncidentAttribution>> {
  const { projected } = options;
  // Where the incidents of this append stand at its end, for comms.
  const attributions = new Map<string, IncidentAttribution>();
  const note = (row: IncidentRow) =>
    attributions.set(row.incident_id, {
      releaseId: row.release_id,
      attribution: row.attribution as IncidentAttribution['attribution'],
    });
  const windowMs = options.attributionWindowHours * HOUR_MS;
  const footprintsToRefresh = new Set(projected.keys());
  const ranges = new EntityRanges();

  // 1. Incidents with new events.
  if (options.incidentIds.length > 0) {
    const changed = await reprojectIncidents(tx, bulk, options.incidentIds, {
      projected,
    });
    for (const { before, after } of changed) {
      note(after);
      if (before?.release_id) footprintsToRefresh.add(before.release_id);
      if (after.release_id) footprintsToRefresh.add(after.release_id);
      if (after.attribution !== 'explicit' && after.entity_ref) {
        if (after.started_at)
          ranges.add(after.entity_ref, after.started_at, after.started_at);
      }
    }
  }

  // 2. Attribution around promotions that appeared or moved.
  for (const { release, previousPromotedAt } of projected.values()) {
    if (release.environment !== DORA_ENVIRONMENT) continue;
    if (release.promotedAt === previousPromotedAt) continue;
    const times = [release.promotedAt, previousPromotedAt].filter(
      (t): t is string => t !== undefined,
    );
    const lo = times.reduce((a, b) => (a < b ? a : b));
    const hi = times.reduce((a, b) => (a > b ? a : b));
    for (const entityRef of [release.entityRef, ...componentsOf(release)]) {
      ranges.add(entityRef, lo, addMs(hi, windowMs));
    }
  }
  const reattributed = await reattribute(tx, bulk, ranges, windowMs);
  for (const row of reattributed.incidents) {
    if (attributions.has(row.incident_id)) note(row);
  }
  for (const releaseId of reattributed.releaseIds) {
    footprintsToRefresh.add(releaseId);
  }

  // 3. Fixes, after attribution: an incident stands for its release now.
  const fixed = await syncFixLinks(tx, projected);

  // 4. Footprints.
  await refreshFootprints(tx, bulk, {
    releaseIds: footprintsToRefresh,
    fixed,
    projected,
    componentFacts: options.componentFacts,
  });
  return attributions;
}

async function reprojectIncidents(
  tx: Knex.Transaction,
  bulk: BulkWriter,
  incidentIds: string[],
  context: { projected: Map<string, ProjectedRelease> },
): Promise<Array<{ before?: IncidentRow; after: IncidentRow }>> {
  const eventRows = await tx<EventRow>(EVENTS.table)
    .whereIn('incident_id', incidentIds)
    .select(
      'event_id',
      'type',
      'release_id',
      'entity_ref',
      'occurred_at',
      'attributes',
      'incident_id',
    );
  const existing = new Map(
    (
      await tx<IncidentRow>(INCIDENTS.table)
        .whereIn('incident_id', incidentIds)
        .select()
    ).map(row => [row.incident_id, row]),
  );
  const releaseIds = [
    ...new Set(eventRows.flatMap(r => (r.release_id ? [r.release_id] : []))),
  ].filter(id => !context.projected.has(id));
  const releaseEntities = new Map<string, string>(
    releaseIds.length
      ? (
          await tx(RELEASES.table)
            .whereIn('release_id', releaseIds)
            .select('release_id', 'entity_ref')
        ).map(r => [r.release_id as string, r.entity_ref as string])
      : [],
  );
  const entityOfRelease = (id: string) =>
    context.projected.get(id)?.release.entityRef ?? releaseEntities.get(id);

  const changes: Array<{ before?: IncidentRow; after: IncidentRow }> = [];
  for (const incidentId of incidentIds) {
    const incident = projectIncident(
      incidentId,
      eventRows
        .filter(r => r.incident_id === incidentId)
        .map(r => ({
          eventId: r.event_id,
          ...typedAttributesOf(r),
          releaseId: r.release_id ?? undefined,
          entityRef: r.entity_ref ?? undefined,
          timestamp: r.occurred_at,
        })),
      entityOfRelease,
    );
    const before = existing.get(incidentId);
    const explicit = incident.explicitReleaseId;
    // A window attribution stays until re-attribution (step 2) revisits it.
    const keepsWindow =
      !explicit &&
      before?.attribution === 'window' &&
      before.entity_ref === (incident.entityRef ?? null) &&
      before.started_at === (incident.startedAt ?? null);
    const after: IncidentRow = {
      incident_id: incidentId,
      entity_ref: incident.entityRef ?? null,
      severity: incident.severity ?? null,
      title: incident.title ?? null,
      started_at: incident.startedAt ?? null,
      resolved_at: incident.resolvedAt ?? null,
      explicit_release_id: explicit ?? null,
      release_id: explicit ?? (keepsWindow ? before!.release_id : null),
      attribution: explicit
        ? 'explicit'
        : (keepsWindow && 'window') || 'unattributed',
    };
    changes.push({ before, after });
  }
  await bulk.upsert(
    tx,
    INCIDENTS,
    changes.map(c => c.after),
  );
  return changes;
}

/**
 * Recomputes window attribution for the incidents in `ranges`; writes the
 * ones that changed and answers the releases that gained or lost one.
 */
async function reattribute(
  tx: Knex.Transaction,
  bulk: BulkWriter,
  ranges: EntityRanges,
  windowMs: number,
): Promise<{ releaseIds: Set<string>; incidents: IncidentRow[] }> {
  const touched = new Set<string>();
  const none = { releaseIds: touched, incidents: [] };
  if (ranges.byEntity.size === 0) return none;
  const entities = [...ranges.byEntity.keys()];
  const lo = [...ranges.byEntity.values()]
    .map(r => r.lo)
    .reduce((a, b) => (a < b ? a : b));
  const hi = [...ranges.byEntity.values()]
    .map(r => r.hi)
    .reduce((a, b) => (a > b ? a : b));

  const incidents = await tx<IncidentRow>(INCIDENTS.table)
    .whereIn('entity_ref', entities)
    .whereNull('explicit_release_id')
    .whereBetween('started_at', [lo, hi])
    .select();
  const relevant = incidents.filter(i => {
    const r = ranges.byEntity.get(i.entity_ref!)!;
    return i.started_at! >= r.lo && i.started_at! <= r.hi;
  });
  if (relevant.length === 0) return none;

  // Only the promotions these incidents can be attributed to: of the
  // releases that deployed their entities (as their own or as a
  // component), from a window before the first of them to the last.
  const starts = relevant.map(i => i.started_at!);
  const incidentEntities = [...new Set(relevant.map(i => i.entity_ref!))];
  const promotedBetween = [
    addMs(
      starts.reduce((a, b) => (a < b ? a : b)),
      -windowMs,
    ),
    starts.reduce((a, b) => (a > b ? a : b)),
  ] as const;
  const [own, asComponent] = await Promise.all([
    tx(RELEASES.table)
      .whereIn('entity_ref', incidentEntities)
      .where('environment', DORA_ENVIRONMENT)
      .whereBetween('promoted_at', promotedBetween)
      .select('release_id', 'entity_ref', 'promoted_at'),
    tx(`${RELEASE_COMPONENTS} as c`)
      .join(`${RELEASES.table} as r`, 'r.release_id', 'c.release_id')
      .whereIn('c.entity_ref', incidentEntities)
      .where('r.environment', DORA_ENVIRONMENT)
      .whereBetween('r.promoted_at', promotedBetween)
      .select('r.release_id', 'c.entity_ref', 'r.promoted_at'),
  ]);
  const promotions = [...own, ...asComponent];
  const attributions = attributeIncidents(
    relevant.map(i => ({
      incidentId: i.incident_id,
      entityRef: i.entity_ref!,
      severity: i.severity as never,
      startedAt: i.started_at!,
    })),
    promotions.map(p => ({
      releaseId: p.release_id,
      entityRef: p.entity_ref,
      promotedAt: p.promoted_at,
    })),
    { windowHours: windowMs / HOUR_MS },
  );
  const updates: IncidentRow[] = [];
  attributions.forEach((a, i) => {
    const row = relevant[i];
    const releaseId = a.method === 'window' ? a.releaseId : null;
    const attribution = a.method === 'window' ? 'window' : 'unattributed';
    if (row.release_id === releaseId && row.attribution === attribution) return;
    if (row.release_id) touched.add(row.release_id);
    if (releaseId) touched.add(releaseId);
    updates.push({ ...row, release_id: releaseId, attribution });
  });
  await bulk.upsert(tx, INCIDENTS, updates);
  return { releaseIds: touched, incidents: updates };
}

/**
 * Recomputes the footprints of `releaseIds` and of the releases `fixed`
 * names, under their footprint locks (see lockFootprints): every input is
 * read after the locks are held. What `fixed` names is looked up again once
 * they are, as another drain may have moved an incident to another release
 * meanwhile; a release found then is locked too (out of order: a rare
 * deadlock makes PostgreSQL abort one drain, which is retried).
 */
async function refreshFootprints(
  tx: Knex.Transaction,
  bulk: BulkWriter,
  options: {
    releaseIds: Set<string>;
    fixed: Set<string>;
    projected: Map<string, ProjectedRelease>;
    componentFacts?: LookUpComponentFacts;
  },
) {
  const { projected, fixed } = options;
  const ids = new Set(options.releaseIds);
  if (fixed.size > 0) {
    for (const id of await releasesNamedBy(tx, fixed)) ids.add(id);
  }
  if (ids.size === 0) return;
  await lockFootprints(tx, ids);
  if (fixed.size > 0) {
    for (;;) {
      const missing = [...(await releasesNamedBy(tx, fixed))].filter(
        id => !ids.has(id),
      );
      if (missing.length === 0) break;
      await lockFootprints(tx, missing);
      for (const id of missing) ids.add(id);
    }
  }
  const releaseIds = [...ids];

  const incidents = await tx<IncidentRow>(INCIDENTS.table)
    .whereIn('release_id', releaseIds)
    .select();
  const incidentsOf = groupBy(incidents, i => i.release_id!);

  // Releases whose footprint changed only through attribution or a fix.
  const others = releaseIds.filter(id => !projected.has(id));
  const loaded = new Map<string, ProjectedRelease>();
  if (others.length > 0) {
    const rows = await tx(RELEASES.table)
      .whereIn('release_id', others)
      .whereNot('projection', '{}')
      .select('release_id', 'projection');
    const signals = await tx<EventRow>(EVENTS.table)
      .whereIn('release_id', others)
      .whereIn('type', ['gate_failed', 'slo_restored'])
      .select('release_id', 'type', 'occurred_at');
    const signalsOf = groupBy(signals, s => s.release_id!);
    for (const row of rows) {
      loaded.set(row.release_id, {
        release: JSON.parse(row.projection) as Release,
        events: (signalsOf.get(row.release_id) ?? []).map(
          s =>
            ({
              type: s.type,
              timestamp: s.occurred_at,
            } as ReleaseEvent),
        ),
      });
    }
  }

  // A fix's promotion only restores a failed release (rolled back, or with
  // an attributed incident): only those are looked up.
  const fixesOf = await fixPromotionsOf(
    tx,
    new Map(
      releaseIds
        .filter(id => {
          const release = (projected.get(id) ?? loaded.get(id))?.release;
          return (
            release?.rolledBackAt !== undefined ||
            (incidentsOf.get(id)?.length ?? 0) > 0
          );
        })
        .map(id => [id, (incidentsOf.get(id) ?? []).map(i => i.incident_id)]),
    ),
  );

  const components = new Map<string, string[]>();
  const rows = releaseIds.flatMap(id => {
    const p = projected.get(id) ?? loaded.get(id);
    if (!p) return [];
    const deployed = componentsOf(p.release);
    if (deployed.length > 0) components.set(id, deployed);
    return [
      footprintRow(
        footprintInput(
          p.release,
          p.events,
          incidentsOf.get(id) ?? [],
          fixesOf.get(id),
        ),
        p.release.firstEventAt,
      ),
    ];
  });
  await bulk.upsert(tx, FOOTPRINTS, rows);
  await writeComponentFootprints(tx, {
    rows: rows.filter(row => components.has(row.release_id)),
    components,
    componentFacts: options.componentFacts,
  });
}

/**
 * Writes the footprints of the components `rows`' releases deploy: each
 * release's footprint with the component's owner and System, which are
 * looked up for a component's first row and kept after (as of the release's
 * start, as its own owner). Rows of components a release no longer lists
 * are deleted. Runs under the releases' footprint locks.
 */
async function writeComponentFootprints(
  tx: Knex.Transaction,
  options: {
    /** The releases' own footprints. */
    rows: FootprintRow[];
    /** The components of each of those releases. */
    components: ReadonlyMap<string, readonly string[]>;
    componentFacts?: LookUpComponentFacts;
  },
): Promise<void> {
  const { rows, components } = options;
  if (rows.length === 0) return;
  const stored = new Map<string, Map<string, DeployedComponent>>();
  for (const ids of chunks(rows.map(r => r.release_id))) {
    const existing: Array<
      Pick<
        ComponentFootprintRow,
        'release_id' | 'entity_ref' | 'owner_ref' | 'system_ref'
      >
    > = await tx(COMPONENT_FOOTPRINTS.table)
      .whereIn('release_id', ids)
      .select('release_id', 'entity_ref', 'owner_ref', 'system_ref');
    for (const row of existing) {
      let ofRelease = stored.get(row.release_id);
      if (!ofRelease) stored.set(row.release_id, (ofRelease = new Map()));
      ofRelease.set(row.entity_ref, {
        entityRef: row.entity_ref,
        ownerRef: row.owner_ref ?? undefined,
        systemRef: row.system_ref ?? undefined,
      });
    }
  }

  const unknown = new Set<string>();
  for (const row of rows) {
    for (const ref of components.get(row.release_id) ?? []) {
      if (!stored.get(row.release_id)?.has(ref)) unknown.add(ref);
    }
  }
  const facts =
    unknown.size > 0 && options.componentFacts
      ? await options.componentFacts([...unknown])
      : new Map();

  const written: ComponentFootprintRow[] = [];
  for (const row of rows) {
    const had = stored.get(row.release_id);
    const wanted = components.get(row.release_id) ?? [];
    for (const entityRef of wanted) {
      written.push(
        componentFootprintRow(
          row,
          had?.get(entityRef) ?? { entityRef, ...facts.get(entityRef) },
        ),
      );
    }
    const gone = [...(had?.keys() ?? [])].filter(ref => !wanted.includes(ref));
    if (gone.length > 0) {
      await tx(COMPONENT_FOOTPRINTS.table)
        .where('release_id', row.release_id)
        .whereIn('entity_ref', gone)
        .delete();
    }
  }
  // Six columns a row: under every database's limit of bound parameters.
  for (const part of chunks(written, 100)) {
    await tx(COMPONENT_FOOTPRINTS.table)
      .insert(part)
      .onConflict([...COMPONENT_FOOTPRINTS.key])
      .merge(['owner_ref', 'system_ref', 'activity_at', 'packed']);
  }
}

function* chunks<T>(items: T[], size = IN_CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) {
    yield items.slice(i, i + size);
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

function addMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}
