import {
  DORA_ENVIRONMENT,
  DoraFootprintTimes,
  FailureCause,
  Release,
  ReleaseEvent,
  ReleaseFixPromotion,
  ReleaseFootprint,
  ReleaseMetricInput,
  releaseFootprint,
} from '@release-ledger/plugin-release-ledger-common';
import type { FootprintRow, IncidentRow } from '../database/tables';

/**
 * The inputs of a release's DORA footprint: its projection, the times of its
 * gate failures and SLO restorations, the incidents attributed to it
 * (explicitly or by window), and the production promotions of the releases
 * that fix it or one of those incidents (see fixLinks.ts).
 */
export function footprintInput(
  release: Release,
  events: readonly Pick<ReleaseEvent, 'type' | 'timestamp'>[],
  incidents: readonly IncidentRow[],
  fixedBy: readonly ReleaseFixPromotion[] = [],
): ReleaseMetricInput {
  return {
    releaseId: release.releaseId,
    entityRef: release.entityRef,
    ownerRef: release.ownerRef,
    systemRef: release.systemRef,
    environment: release.environment,
    startedAt: release.startedAt,
    promotedAt: release.promotedAt,
    rolledBackAt: release.rolledBackAt,
    changes: release.changes,
    gateFailedAt: events
      .filter(e => e.type === 'gate_failed')
      .map(e => e.timestamp),
    sloRestoredAt: events
      .filter(e => e.type === 'slo_restored')
      .map(e => e.timestamp),
    incidents: incidents.flatMap(i =>
      i.started_at && i.severity && i.attribution !== 'unattributed'
        ? [
            {
              incidentId: i.incident_id,
              severity:
                i.severity as ReleaseMetricInput['incidents'][number]['severity'],
              startedAt: i.started_at,
              attribution: i.attribution,
            },
          ]
        : [],
    ),
    fixes: release.fixes,
    fixedBy,
  };
}

/** The release's footprint as stored, computed from its inputs. */
export function footprintRow(
  input: ReleaseMetricInput,
  firstEventAt: string,
): FootprintRow {
  const f = releaseFootprint(input);
  // Stored lead times are whole ms; the packed form holds the same numbers.
  f.leadTimesMs = f.leadTimesMs.map(ms => Math.round(ms));
  const times = [f.startedAt, f.promotedAt, f.firstFailureSignalAt].filter(
    (t): t is string => t !== undefined,
  );
  return {
    release_id: f.releaseId,
    entity_ref: f.entityRef,
    owner_ref: f.ownerRef ?? null,
    system_ref: f.systemRef ?? null,
    environment: f.environment,
    is_deployment: f.isDeployment,
    is_rework: f.isRework === true,
    started_at: f.startedAt ?? null,
    promoted_at: f.promotedAt ?? null,
    failed: f.failed,
    failure_causes: f.failureCauses.length ? f.failureCauses.join(',') : null,
    first_failure_at: f.firstFailureSignalAt ?? null,
    restored_at: f.restoredAt ?? null,
    restore_ms: f.timeToRestoreMs ?? null,
    lead_times_ms: f.leadTimesMs.length ? f.leadTimesMs.join(',') : null,
    activity_at: times.length ? times.sort()[times.length - 1] : firstEventAt,
    packed: packFootprint(f),
  };
}

/** A stored footprint row back as the common ReleaseFootprint. */
export function fromFootprintRow(
  row: Omit<FootprintRow, 'activity_at' | 'packed'>,
): ReleaseFootprint {
  return {
    releaseId: row.release_id,
    entityRef: row.entity_ref,
    ownerRef: row.owner_ref ?? undefined,
    systemRef: row.system_ref ?? undefined,
    environment: row.environment,
    // SQLite answers booleans as 0/1.
    isDeployment: Boolean(row.is_deployment),
    isRework: Boolean(row.is_rework),
    startedAt: row.started_at ?? undefined,
    promotedAt: row.promoted_at ?? undefined,
    leadTimesMs: row.lead_times_ms
      ? row.lead_times_ms.split(',').map(Number)
      : [],
    failed: Boolean(row.failed),
    failureCauses: row.failure_causes
      ? (row.failure_causes.split(',') as FailureCause[])
      : [],
    firstFailureSignalAt: row.first_failure_at ?? undefined,
    restoredAt: row.restored_at ?? undefined,
    // PostgreSQL answers bigint as a string.
    timeToRestoreMs:
      row.restore_ms === null ? undefined : Number(row.restore_ms),
  };
}

/*
 * The packed footprint: what a metrics answer reads of a release, as a
 * fragment of JSON, so a metrics read selects one text column and the
 * database joins the scope's rows into one string that is parsed at once
 * (no per-row objects, no dates):
 *
 *   owner,entity,flags,leadCount[,system][,startedMs][,promotedMs][,signalMs][,restoreMs][,leadMs…]
 *
 * `owner`, `entity` and `system` are JSON strings (owner `null` when
 * unknown), the rest integers; times are epoch ms (UTC). A field is present
 * only when its flag is set: PACK_SYSTEM (the entity's catalog System when
 * the release started: system), PACK_PRODUCTION, PACK_DEPLOYMENT (started in
 * production: startedMs), PACK_FAILED, PACK_PROMOTED (promotedMs; then
 * leadCount lead times), PACK_SIGNAL (failed, first failure signal:
 * signalMs), PACK_RESTORED (failed and restored: restoreMs), PACK_REWORK (a
 * deployment that fixes an incident or an earlier release; only with
 * PACK_DEPLOYMENT, and no field of its own). Outside production flags and
 * leadCount are 0: such a release counts towards no figure, only its team's
 * existence. Rows joined with `,` stay one JSON list.
 *
 * New flags are added so that rows written before them stay valid: a row
 * without PACK_SYSTEM or PACK_REWORK reads as a release without a system
 * and not rework. PACK_REWORK adds no field, so an older instance reading a
 * newer row (during a rolling upgrade) still walks it, only without rework.
 *
 * The migration 20261129010000_packed_footprints.js back-fills the same
 * format from the other columns (before systems and rework, so without
 * PACK_SYSTEM and PACK_REWORK), and 20261203050000_release_fixes.js re-packs
 * the rows it makes rework or restores (with both); tests keep each identical
 * to packFootprint.
 */
export const PACK_PRODUCTION = 1;
export const PACK_DEPLOYMENT = 2;
export const PACK_FAILED = 4;
export const PACK_PROMOTED = 8;
export const PACK_SIGNAL = 16;
export const PACK_RESTORED = 32;
export const PACK_SYSTEM = 64;
export const PACK_REWORK = 128;

/** A value of parsed packed footprints. */
export type PackedValue = string | number | null;

/** A footprint in the packed form (see above). */
export function packFootprint(f: ReleaseFootprint): string {
  const refs = `${JSON.stringify(f.ownerRef ?? null)},${JSON.stringify(
    f.entityRef,
  )}`;
  if (f.environment !== DORA_ENVIRONMENT) return `${refs},0,0`;
  const startedMs = f.isDeployment ? parseMs(f.startedAt) : NaN;
  const promotedMs = parseMs(f.promotedAt);
  const signalMs = f.failed ? parseMs(f.firstFailureSignalAt) : NaN;
  const restoreMs =
    Number.isNaN(signalMs) || f.timeToRestoreMs === undefined
      ? NaN
      : f.timeToRestoreMs;
  let flags = PACK_PRODUCTION;
  const fields: number[] = [];
  if (!Number.isNaN(startedMs)) {
    flags |= PACK_DEPLOYMENT;
    fields.push(startedMs);
    if (f.isRework) flags |= PACK_REWORK;
  }
  if (f.failed) flags |= PACK_FAILED;
  const system = f.systemRef ? [JSON.stringify(f.systemRef)] : [];
  if (f.systemRef) flags |= PACK_SYSTEM;
  const leadTimes = Number.isNaN(promotedMs) ? [] : f.leadTimesMs;
  if (!Number.isNaN(promotedMs)) {
    flags |= PACK_PROMOTED;
    fields.push(promotedMs);
  }
  if (!Number.isNaN(signalMs)) {
    flags |= PACK_SIGNAL;
    fields.push(signalMs);
  }
  if (!Number.isNaN(restoreMs)) {
    flags |= PACK_RESTORED;
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
}

/** Packed footprints (one, or several joined with `,`) as values. */
export function parsePacked(joined: string): PackedValue[] {
  return joined === '' ? [] : JSON.parse(`[${joined}]`);
}

/**
 * Walks parsed packed footprints: calls `each` with every footprint's
 * owner, entity, times (in one reused object) and system. Answers how many
 * footprints it read; throws on a malformed list.
 */
export function forEachPackedFootprint(
  values: ArrayLike<PackedValue>,
  each: (
    ownerRef: string | undefined,
    entityRef: string,
    times: DoraFootprintTimes,
    systemRef: string | undefined,
  ) => void,
): number {
  return walkPackedFootprints(values, 0, each);
}

/**
 * Walks packed footprints that each follow `leading` values of their own
 * (see packComponentFootprint): as {@link forEachPackedFootprint}, with the
 * index of a footprint's first leading value, for `each` to read them.
 */
export function walkPackedFootprints(
  values: ArrayLike<PackedValue>,
  leading: number,
  each: (
    ownerRef: string | undefined,
    entityRef: string,
    times: DoraFootprintTimes,
    systemRef: string | undefined,
    at: number,
  ) => void,
): number {
  const leadTimesMs: number[] = [];
  const times: DoraFootprintTimes = {
    production: false,
    deployment: false,
    startedMs: NaN,
    promotedMs: NaN,
    leadTimesMs,
    failed: false,
    firstFailureSignalMs: NaN,
    rework: false,
  };
  const n = values.length;
  const num = (i: number) => {
    const v = values[i];
    if (typeof v !== 'number') {
      throw new Error(`packed footprints: expected a number at ${i}`);
    }
    return v;
  };
  let i = 0;
  let count = 0;
  while (i < n) {
    const at = i;
    i += leading;
    const owner = values[i];
    const entity = values[i + 1];
    if (
      !(owner === null || typeof owner === 'string') ||
      typeof entity !== 'string'
    ) {
      throw new Error(`packed footprints: expected refs at ${i}`);
    }
    const flags = num(i + 2);
    const leadCount = num(i + 3);
    i += 4;
    let system: string | undefined;
    if (flags & PACK_SYSTEM) {
      const v = values[i++];
      if (typeof v !== 'string') {
        throw new Error(`packed footprints: expected a system at ${i - 1}`);
      }
      system = v;
    }
    times.production = (flags & PACK_PRODUCTION) !== 0;
    times.deployment = (flags & PACK_DEPLOYMENT) !== 0;
    times.failed = (flags & PACK_FAILED) !== 0;
    times.rework = times.deployment && (flags & PACK_REWORK) !== 0;
    times.startedMs = times.deployment ? num(i++) : NaN;
    times.promotedMs = flags & PACK_PROMOTED ? num(i++) : NaN;
    times.firstFailureSignalMs = flags & PACK_SIGNAL ? num(i++) : NaN;
    times.timeToRestoreMs = flags & PACK_RESTORED ? num(i++) : undefined;
    leadTimesMs.length = 0;
    for (let k = 0; k < leadCount; k++) leadTimesMs.push(num(i++));
    each(owner ?? undefined, entity, times, system, at);
    count++;
  }
  return count;
}

function parseMs(at: string | undefined): number {
  return at === undefined ? NaN : Date.parse(at);
}
