import type {
  IncidentSeverity,
  ReleaseEvent,
} from '@release-ledger/plugin-release-ledger-common';
import type { OmitEach } from './ReleaseLedgerStore';

/** The fields of an incident event that its projection reads. */
export type IncidentEventFacts = OmitEach<
  ReleaseEvent,
  'releaseId' | 'environment' | 'version' | 'commit' | 'receivedAt'
> & { releaseId?: string };

/** An incident as projected from its events, before attribution. */
export type ProjectedIncident = {
  incidentId: string;
  entityRef?: string;
  severity?: IncidentSeverity;
  title?: string;
  startedAt?: string;
  resolvedAt?: string;
  /** The release the incident's own events name, if any. */
  explicitReleaseId?: string;
};

const byTimeThenId = (a: IncidentEventFacts, b: IncidentEventFacts) => {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  if (a.eventId === b.eventId) return 0;
  return a.eventId < b.eventId ? -1 : 1;
};

/**
 * Projects one incident from all its events, in any arrival order: the first
 * `incident_started` gives severity, title and start; the first
 * `incident_resolved` the resolution. The earliest event naming a release
 * makes the incident explicit to that release (a tool that learned the
 * release later still ties it down). The entity comes from the events or,
 * for events that only name a release, from `entityOfRelease`.
 */
export function projectIncident(
  incidentId: string,
  events: readonly IncidentEventFacts[],
  entityOfRelease: (releaseId: string) => string | undefined,
): ProjectedIncident {
  const incident: ProjectedIncident = { incidentId };
  for (const event of [...events].sort(byTimeThenId)) {
    incident.explicitReleaseId ??= event.releaseId;
    incident.entityRef ??=
      event.entityRef ??
      (event.releaseId ? entityOfRelease(event.releaseId) : undefined);
    if (event.type === 'incident_started' && !incident.startedAt) {
      incident.startedAt = event.timestamp;
      incident.severity = event.attributes.severity;
      incident.title = event.attributes.title;
    } else if (event.type === 'incident_resolved') {
      incident.resolvedAt ??= event.timestamp;
    }
  }
  return incident;
}

/** The incident an incident event is about. */
export function incidentIdOf(
  event: OmitEach<ReleaseEvent, 'releaseId'>,
): string | undefined {
  switch (event.type) {
    case 'incident_started':
    case 'incident_resolved':
      return event.attributes.incidentId;
    default:
      return undefined;
  }
}
