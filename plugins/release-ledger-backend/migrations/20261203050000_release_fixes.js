// @ts-check

/** Releases read per back-fill page. */
const PAGE = 500;
/** Bound parameters per IN list, under every database's limit. */
const IN_CHUNK = 500;
/** Longest id a release or incident can have (see src/metrics/fixLinks.ts). */
const MAX_TARGET_LENGTH = 200;

/**
 * Deployment rework rate, and fixes that restore service (see
 * src/metrics/fixLinks.ts).
 *
 * - release_ledger_footprints.is_rework: the release is a production
 *   deployment whose `fixes` name an incident or an earlier release. In the
 *   packed column it is flag 128 (PACK_REWORK), which adds no field: rows
 *   packed before it stay valid and read as not rework.
 * - release_ledger_release_fixes: one row per thing a release's `fixes`
 *   name (an incident id or a release id; the release itself left out),
 *   looked up by what it names when that release's footprint is computed.
 *
 * Back-filled from the stored projections (releases projected since
 * `fixes` was recorded carry it): the fix rows; the rework flag of the
 * deployments with fixes; and the restore of the failed releases a fix
 * names (directly, or through an incident attributed to them), when the
 * fix's production promotion at or after the first failure signal comes
 * before the restore they had. Changed rows are re-packed with this
 * migration's copy of packFootprint (a test keeps the two identical), so
 * the footprints are what re-projecting the releases would give.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('release_ledger_footprints', table => {
    table.boolean('is_rework').notNullable().defaultTo(false);
  });
  await knex.schema.createTable('release_ledger_release_fixes', table => {
    table.comment('What each release fixes: incidents or earlier releases');
    table.string('fix_release_id', 200).notNullable();
    table.string('target', 200).notNullable();
    table.primary(['fix_release_id', 'target']);
    table.index(['target'], 'release_ledger_release_fixes_target_idx');
  });

  /** @type {string[]} */
  const rework = [];
  /** @type {Set<string>} */
  const targets = new Set();
  let after = '';
  for (;;) {
    /** @type {Array<{ release_id: string, projection: string }>} */
    const page = await knex('release_ledger_releases')
      .where('release_id', '>', after)
      .where('projection', 'like', '%"fixes":[%')
      .orderBy('release_id')
      .limit(PAGE)
      .select('release_id', 'projection');
    if (page.length === 0) break;
    after = page[page.length - 1].release_id;
    const rows = [];
    for (const { release_id, projection } of page) {
      /** @type {unknown} */
      const fixes = JSON.parse(projection).fixes;
      if (!Array.isArray(fixes) || fixes.length === 0) continue;
      rework.push(release_id);
      const named = new Set(
        fixes.filter(
          t =>
            typeof t === 'string' &&
            t.length > 0 &&
            t.length <= MAX_TARGET_LENGTH &&
            t !== release_id,
        ),
      );
      for (const target of named) {
        rows.push({ fix_release_id: release_id, target });
        targets.add(target);
      }
    }
    for (const chunk of chunks(rows, IN_CHUNK / 2)) {
      await knex('release_ledger_release_fixes')
        .insert(chunk)
        .onConflict(['fix_release_id', 'target'])
        .ignore();
    }
  }

  /** The footprints changed here, by release id. */
  const changed = new Map();
  for (const ids of chunks(rework)) {
    const rows = await knex('release_ledger_footprints')
      .whereIn('release_id', ids)
      .where('is_deployment', true)
      .where('environment', 'production')
      .select();
    for (const row of rows)
      changed.set(row.release_id, { ...row, is_rework: true });
  }

  await restoreByFixes(knex, [...targets], changed);

  for (const row of changed.values()) {
    await knex('release_ledger_footprints')
      .where('release_id', row.release_id)
      .update({
        is_rework: Boolean(row.is_rework),
        restored_at: row.restored_at,
        restore_ms: row.restore_ms,
        packed: exports.packRow(row),
      });
  }
};

/**
 * Gives the failed releases the fixes name their fix's promotion as
 * restore, where it comes first (as releaseFootprint picks it).
 *
 * @param {import('knex').Knex} knex
 * @param {string[]} targets what the fixes name
 * @param {Map<string, any>} changed footprints changed so far, by release id
 */
async function restoreByFixes(knex, targets, changed) {
  /** Release ids each name stands for. @type {Map<string, Set<string>>} */
  const releasesOf = new Map();
  const stands = (/** @type {string} */ name, /** @type {string} */ id) => {
    let set = releasesOf.get(name);
    if (!set) releasesOf.set(name, (set = new Set()));
    set.add(id);
  };
  for (const names of chunks(targets)) {
    for (const r of await knex('release_ledger_releases')
      .whereIn('release_id', names)
      .select('release_id')) {
      stands(r.release_id, r.release_id);
    }
    for (const i of await knex('release_ledger_incidents')
      .whereIn('incident_id', names)
      .whereNotNull('release_id')
      .select('incident_id', 'release_id')) {
      stands(i.incident_id, i.release_id);
    }
  }
  /** Fix promotions per fixed release. @type {Map<string, Array<{ fix: string, at: string }>>} */
  const fixesOf = new Map();
  for (const names of chunks([...releasesOf.keys()])) {
    const rows = await knex('release_ledger_release_fixes as x')
      .join('release_ledger_releases as f', 'f.release_id', 'x.fix_release_id')
      .whereIn('x.target', names)
      .where('f.environment', 'production')
      .whereNotNull('f.promoted_at')
      .select('x.target', 'x.fix_release_id', 'f.promoted_at');
    for (const row of rows) {
      for (const id of releasesOf.get(row.target) ?? []) {
        if (id === row.fix_release_id) continue;
        let list = fixesOf.get(id);
        if (!list) fixesOf.set(id, (list = []));
        list.push({ fix: row.fix_release_id, at: row.promoted_at });
      }
    }
  }
  for (const ids of chunks([...fixesOf.keys()])) {
    const rows = await knex('release_ledger_footprints')
      .whereIn('release_id', ids)
      .where('failed', true)
      .whereNotNull('first_failure_at')
      .select();
    for (const stored of rows) {
      const row = changed.get(stored.release_id) ?? stored;
      const signalMs = Date.parse(row.first_failure_at);
      if (Number.isNaN(signalMs)) continue;
      let restoredAt = row.restored_at;
      let restoredMs = restoredAt === null ? NaN : Date.parse(restoredAt);
      for (const { at } of fixesOf.get(row.release_id) ?? []) {
        const ms = Date.parse(at);
        if (ms >= signalMs && (Number.isNaN(restoredMs) || ms < restoredMs)) {
          restoredAt = at;
          restoredMs = ms;
        }
      }
      if (restoredAt === row.restored_at) continue;
      changed.set(row.release_id, {
        ...row,
        restored_at: restoredAt,
        restore_ms: restoredMs - signalMs,
      });
    }
  }
}

/**
 * Rows keep what they were given: a restore by a fix stays until the
 * release is recomputed, and the rework flag in the packed column is a bit
 * the previous version does not read (it adds no field).
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('release_ledger_release_fixes');
  await knex.schema.alterTable('release_ledger_footprints', table => {
    table.dropColumn('is_rework');
  });
};

/**
 * @template T
 * @param {T[]} items
 * @returns {Generator<T[]>}
 */
function* chunks(items, size = IN_CHUNK) {
  for (let i = 0; i < items.length; i += size) {
    yield items.slice(i, i + size);
  }
}

/**
 * The packed form of a stored footprint row (this migration's copy of
 * packFootprint(fromFootprintRow(row)), frozen with the format: with the
 * system and rework flags).
 *
 * @param {{ entity_ref: string, owner_ref: string | null,
 *   system_ref: string | null, environment: string, is_deployment: unknown,
 *   is_rework: unknown, started_at: string | null, promoted_at: string | null,
 *   failed: unknown, first_failure_at: string | null,
 *   restore_ms: number | string | null, lead_times_ms: string | null }} row
 * @returns {string}
 */
exports.packRow = function packRow(row) {
  const refs = `${JSON.stringify(row.owner_ref ?? null)},${JSON.stringify(
    row.entity_ref,
  )}`;
  if (row.environment !== 'production') return `${refs},0,0`;
  const ms = (/** @type {string | null} */ at) =>
    at === null ? NaN : Date.parse(at);
  // SQLite answers booleans as 0/1, PostgreSQL bigint as a string.
  const failed = Boolean(row.failed);
  const startedMs = row.is_deployment ? ms(row.started_at) : NaN;
  const promotedMs = ms(row.promoted_at);
  const signalMs = failed ? ms(row.first_failure_at) : NaN;
  const restoreMs =
    Number.isNaN(signalMs) || row.restore_ms === null
      ? NaN
      : Number(row.restore_ms);
  const leadTimes =
    Number.isNaN(promotedMs) || !row.lead_times_ms
      ? []
      : row.lead_times_ms.split(',').map(Number);
  let flags = 1;
  const fields = [];
  if (!Number.isNaN(startedMs)) {
    flags |= 2;
    fields.push(startedMs);
    if (row.is_rework) flags |= 128;
  }
  if (failed) flags |= 4;
  const system = row.system_ref ? [JSON.stringify(row.system_ref)] : [];
  if (row.system_ref) flags |= 64;
  if (!Number.isNaN(promotedMs)) {
    flags |= 8;
    fields.push(promotedMs);
  }
  if (!Number.isNaN(signalMs)) {
    flags |= 16;
    fields.push(signalMs);
  }
  if (!Number.isNaN(restoreMs)) {
    flags |= 32;
    fields.push(restoreMs);
  }
  return [
    refs,
    flags,
    leadTimes.length,
    ...system,
    ...fields,
    ...leadTimes,
  ].join(',');
};
