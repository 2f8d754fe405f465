import { IncidentEventFacts, projectIncident } from './projectIncident';

const started = (
  overrides: Partial<IncidentEventFacts> = {},
): IncidentEventFacts =>
  ({
    eventId: 'e-start',
    type: 'incident_started',
    entityRef: 'component:default/payments-api',
    timestamp: '2026-11-27T10:00:00.000Z',
    attributes: { incidentId: 'INC-1', severity: 'SEV-2', title: 'Errors' },
    ...overrides,
  } as IncidentEventFacts);
const resolved = (
  overrides: Partial<IncidentEventFacts> = {},
): IncidentEventFacts =>
  ({
    eventId: 'e-resolve',
    type: 'incident_resolved',
    timestamp: '2026-11-27T11:00:00.000Z',
    attributes: { incidentId: 'INC-1' },
    ...overrides,
  } as IncidentEventFacts);
const noRelease = () => undefined;

describe('projectIncident', () => {
  it('takes severity, title and start from incident_started and the end from incident_resolved', () => {
    expect(
      projectIncident('INC-1', [resolved(), started()], noRelease),
    ).toEqual({
      incidentId: 'INC-1',
      entityRef: 'component:default/payments-api',
      severity: 'SEV-2',
      title: 'Errors',
      startedAt: '2026-11-27T10:00:00.000Z',
      resolvedAt: '2026-11-27T11:00:00.000Z',
      explicitReleaseId: undefined,
    });
  });

  it('is explicit to the release named by its earliest event, taking the entity from that release', () => {
    const incident = projectIncident(
      'INC-1',
      [
        started({ entityRef: undefined, releaseId: 'payments@2' }),
        resolved({ releaseId: 'payments@3' }),
      ],
      releaseId =>
        releaseId === 'payments@2' ? 'component:default/payments-api' : 'x',
    );
    expect(incident.explicitReleaseId).toBe('payments@2');
    expect(incident.entityRef).toBe('component:default/payments-api');
  });

  it('keeps a resolution that arrived before the start', () => {
    const incident = projectIncident('INC-1', [resolved()], noRelease);
    expect(incident).toEqual({
      incidentId: 'INC-1',
      resolvedAt: '2026-11-27T11:00:00.000Z',
      entityRef: undefined,
      explicitReleaseId: undefined,
    });
  });

  it('uses the first start when an incident is started twice', () => {
    const incident = projectIncident(
      'INC-1',
      [
        started({
          eventId: 'late',
          timestamp: '2026-11-27T10:30:00.000Z',
          attributes: { incidentId: 'INC-1', severity: 'SEV-1' },
        }),
        started(),
      ],
      noRelease,
    );
    expect(incident.severity).toBe('SEV-2');
    expect(incident.startedAt).toBe('2026-11-27T10:00:00.000Z');
  });
});
