import {
  DORA_ENVIRONMENT,
  Release,
  ReleaseFixPromotion,
} from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
import type { ProjectedRelease } from '../ledger/projectors';
import {
  INCIDENTS,
  RELEASE_FIXES,
  RELEASES,
  ReleaseFixRow,
} from '../database/tables';

/*
 * A fix restores the service of the release it fixes: the production
 * promotion of a release F whose `fixes` name a release R, or an incident
 * attributed to R, is a restore candidate of R (see releaseFootprint). That
 * ties footprints across releases, often of other entities, so what each
 * release fixes is kept in release_ledger_release_fixes (one row per thing
 * named, indexed by it) rather than found in the releases' JSON:
 *
 * - when F is re-projected, its rows are brought in line with its `fixes`,
 *   and when they changed or F's promotion moved, the releases they name
 *   (directly, or through an incident's attribution) are recomputed too;
 * - when R is (re)computed, the fixes of R and of its incidents are read
 *   with the promotions of the releases that name them.
 *
 * A thing is named as sent: an incident id matches exactly (`fix:` commits
 * name incidents in upper case, INC-123).
 */

/** Bound parameters per IN list, under every database's limit. */
const IN_CHUNK = 500;

/**
 * Longest id a release or incident can have (their columns' width): a
 * longer name cannot name either, and would not fit the row.
 */
const MAX_TARGET_LENGTH = 200;

/** What a release's fixes name, as rows are kept: itself left out. */
export function fixTargetsOf(release: Release): string[] {
  return [
    ...new Set(
      (release.fixes ?? []).filter(
        target =>
          target.length > 0 &&
          target.length <= MAX_TARGET_LENGTH &&
          target !== release.releaseId,
      ),
    ),
  ];
}

/**
 * Brings the fix rows of the re-projected releases in line with their
 * `fixes` (idempotent: a drain run twice writes nothing the second time).
 * Answers the names (release or incident ids) whose releases' footprints
 * must be recomputed: everything a release fixes, or stopped fixing, when
 * its rows changed or its promotion moved.
 */
export async function syncFixLinks(
  tx: Knex.Transaction,
  projected: ReadonlyMap<string, ProjectedRelease>,
): Promise<Set<string>> {
  const stored = new Map<string, Set<string>>();
  // A release's `fixes` only grow (the projection unions them), so one
  // that names nothing now never had a link stored: only releases that name
  // something are read (most drains then read nothing here).
  const fixing = [...projected]
    .filter(([, p]) => fixTargetsOf(p.release).length > 0)
    .map(([id]) => id);
  for (const ids of chunks(fixing)) {
    const rows: ReleaseFixRow[] = await tx(RELEASE_FIXES)
      .whereIn('fix_release_id', ids)
      .select('fix_release_id', 'target');
    for (const row of rows) {
      let targets = stored.get(row.fix_release_id);
      if (!targets) stored.set(row.fix_release_id, (targets = new Set()));
      targets.add(row.target);
    }
  }

  const added: ReleaseFixRow[] = [];
  const changed = new Set<string>();
  for (const [releaseId, { release, previousPromotedAt }] of projected) {
    const wanted = new Set(fixTargetsOf(release));
    const had = stored.get(releaseId) ?? new Set<string>();
    const removed = [...had].filter(target => !wanted.has(target));
    let linksChanged = removed.length > 0;
    for (const target of wanted) {
      if (!had.has(target)) {
        added.push({ fix_release_id: releaseId, target });
        linksChanged = true;
      }
    }
    if (removed.length > 0) {
      await tx(RELEASE_FIXES)
        .where('fix_release_id', releaseId)
        .whereIn('target', removed)
        .delete();
    }
    if (linksChanged || release.promotedAt !== previousPromotedAt) {
      for (const target of [...wanted, ...had]) changed.add(target);
    }
  }
  for (const rows of chunks(added, IN_CHUNK / 2)) {
    await tx(RELEASE_FIXES)
      .insert(rows)
      .onConflict(['fix_release_id', 'target'])
      .ignore();
  }
  return changed;
}

/**
 * The releases that names (release or incident ids, as `fixes` hold them)
 * stand for: the releases of those ids, and the releases the incidents of
 * those ids are attributed to.
 */
export async function releasesNamedBy(
  tx: Knex.Transaction,
  names: Iterable<string>,
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const chunk of chunks([...names])) {
    const [releases, incidents] = await Promise.all([
      tx(RELEASES.table).whereIn('release_id', chunk).select('release_id'),
      tx(INCIDENTS.table)
        .whereIn('incident_id', chunk)
        .whereNotNull('release_id')
        .select('release_id'),
    ]);
    for (const row of [...releases, ...incidents]) out.add(row.release_id);
  }
  return out;
}

/**
 * The production promotions of the releases that fix each release: those
 * whose fixes name the release itself or one of its incidents. A release
 * never counts as its own fix.
 */
export async function fixPromotionsOf(
  tx: Knex.Transaction,
  /** Each release's id with the ids of the incidents attributed to it. */
  releases: ReadonlyMap<string, readonly string[]>,
): Promise<Map<string, ReleaseFixPromotion[]>> {
  const names = new Set<string>();
  for (const [releaseId, incidentIds] of releases) {
    names.add(releaseId);
    for (const incidentId of incidentIds) names.add(incidentId);
  }
  const byName = new Map<string, ReleaseFixPromotion[]>();
  for (const chunk of chunks([...names])) {
    const rows: Array<{
      target: string;
      fix_release_id: string;
      promoted_at: string;
    }> = await tx(`${RELEASE_FIXES} as x`)
      .join(`${RELEASES.table} as f`, 'f.release_id', 'x.fix_release_id')
      .whereIn('x.target', chunk)
      .where('f.environment', DORA_ENVIRONMENT)
      .whereNotNull('f.promoted_at')
      .select('x.target', 'x.fix_release_id', 'f.promoted_at');
    for (const row of rows) {
      let list = byName.get(row.target);
      if (!list) byName.set(row.target, (list = []));
      list.push({ releaseId: row.fix_release_id, promotedAt: row.promoted_at });
    }
  }
  const out = new Map<string, ReleaseFixPromotion[]>();
  for (const [releaseId, incidentIds] of releases) {
    // One fix naming the release and its incident is one promotion.
    const fixes = new Map<string, ReleaseFixPromotion>();
    for (const name of [releaseId, ...incidentIds]) {
      for (const fix of byName.get(name) ?? []) {
        if (fix.releaseId !== releaseId) fixes.set(fix.releaseId, fix);
      }
    }
    if (fixes.size > 0) out.set(releaseId, [...fixes.values()]);
  }
  return out;
}

/**
 * Serialises the drains that write the same footprints (PostgreSQL; SQLite
 * has one writer). A drain holds its entities' locks, which covers the
 * footprints of those entities; a fix ties footprints across entities, so
 * the drain of F and the drain of the release F fixes may both write it.
 * With this lock, held until commit and taken before the footprints' inputs
 * are read, the second reads what the first wrote (fix rows included)
 * instead of overwriting it with what it read before. Keys are taken in one
 * sorted statement, so two drains taking theirs at once never wait on each
 * other in a cycle.
 */
export async function lockFootprints(
  tx: Knex.Transaction,
  releaseIds: Iterable<string>,
): Promise<void> {
  const client = String(tx.client.config.client);
  if (!['pg', 'postgres', 'postgresql'].includes(client)) return;
  const keys = [...new Set(releaseIds)].map(id => `footprint:${id}`).sort();
  if (keys.length === 0) return;
  await tx.raw(
    `SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
       FROM unnest(?::text[]) WITH ORDINALITY AS t(k, i) ORDER BY i`,
    [keys],
  );
}

function* chunks<T>(items: T[], size = IN_CHUNK): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) {
    yield items.slice(i, i + size);
  }
}
