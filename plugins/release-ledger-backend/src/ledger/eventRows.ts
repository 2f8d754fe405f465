import type { ReleaseEvent } from '@release-ledger/plugin-release-ledger-common';
import { EventRow, typedAttributesOf } from '../database/tables';
import { incidentIdOf } from './projectIncident';
import type { AcceptedEvent } from './ReleaseLedgerStore';

/** An accepted event as a row of the event log. */
export function toEventRow(event: AcceptedEvent, receivedAt: string): EventRow {
  return {
    event_id: event.eventId,
    release_id: event.releaseId ?? null,
    type: event.type,
    entity_ref: event.entityRef ?? null,
    occurred_at: event.timestamp,
    environment: event.environment,
    version: event.version ?? null,
    commit: event.commit ?? null,
    attributes: JSON.stringify(event.attributes),
    received_at: receivedAt,
    incident_id: incidentIdOf(event) ?? null,
  };
}

/**
 * A row of the event log as an event. `releaseId` is typed as present; an
 * incident sent without a release reads back with it undefined.
 */
export function fromEventRow(row: EventRow): ReleaseEvent {
  return {
    eventId: row.event_id,
    ...typedAttributesOf(row),
    releaseId: row.release_id!,
    entityRef: row.entity_ref ?? undefined,
    timestamp: row.occurred_at,
    environment: row.environment,
    version: row.version ?? undefined,
    commit: row.commit ?? undefined,
    receivedAt: row.received_at,
  };
}
