import {
  FailureCause,
  Release,
  ReleaseEvent,
  ReleaseFootprint,
  ReleaseMetricInput,
  releaseFootprint,
} from '@release-ledger/plugin-release-ledger-common';
import type { FootprintRow, IncidentRow } from '../database/tables';

/**
 * The inputs of a release's DORA footprint: its projection, the times of its
 * gate failures and SLO restorations, and the incidents attributed to it
 * (explicitly or by window).
 */
export function footprintInput(
  release: Release,
  events: readonly Pick<ReleaseEvent, 'type' | 'timestamp'>[],
  incidents: readonly IncidentRow[],
): ReleaseMetricInput {
  return {
    releaseId: release.releaseId,
    entityRef: release.entityRef,
    ownerRef: release.ownerRef,
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
  };
}

/** The release's footprint as stored, computed from its inputs. */
export function footprintRow(
  input: ReleaseMetricInput,
  firstEventAt: string,
): FootprintRow {
  const f = releaseFootprint(input);
  const times = [f.startedAt, f.promotedAt, f.firstFailureSignalAt].filter(
    (t): t is string => t !== undefined,
  );
  return {
    release_id: f.releaseId,
    entity_ref: f.entityRef,
    owner_ref: f.ownerRef ?? null,
    environment: f.environment,
    is_deployment: f.isDeployment,
    started_at: f.startedAt ?? null,
    promoted_at: f.promotedAt ?? null,
    failed: f.failed,
    failure_causes: f.failureCauses.length ? f.failureCauses.join(',') : null,
    first_failure_at: f.firstFailureSignalAt ?? null,
    restored_at: f.restoredAt ?? null,
    restore_ms: f.timeToRestoreMs ?? null,
    lead_times_ms: f.leadTimesMs.length
      ? f.leadTimesMs.map(ms => Math.round(ms)).join(',')
      : null,
    activity_at: times.length ? times.sort()[times.length - 1] : firstEventAt,
  };
}

/** A stored footprint row back as the common ReleaseFootprint. */
export function fromFootprintRow(
  row: Omit<FootprintRow, 'activity_at'>,
): ReleaseFootprint {
  return {
    releaseId: row.release_id,
    entityRef: row.entity_ref,
    ownerRef: row.owner_ref ?? undefined,
    environment: row.environment,
    // SQLite answers booleans as 0/1.
    isDeployment: Boolean(row.is_deployment),
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
