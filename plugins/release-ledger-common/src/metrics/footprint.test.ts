import {
  ReleaseFootprint,
  ReleaseMetricInput,
  releaseFootprint,
} from './footprint';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const release: ReleaseMetricInput = {
  releaseId: 'payments@1',
  entityRef: 'component:default/payments',
  ownerRef: 'group:default/payments-team',
  environment: 'production',
  startedAt: '2026-03-02T09:00:00.000Z',
  promotedAt: '2026-03-02T10:00:00.000Z',
  changes: [],
  incidents: [],
};

const notFailed = {
  failed: false,
  failureCauses: [],
  firstFailureSignalAt: undefined,
  restoredAt: undefined,
  timeToRestoreMs: undefined,
};

describe('releaseFootprint', () => {
  it.each<[string, Partial<ReleaseMetricInput>, Partial<ReleaseFootprint>]>([
    [
      'a clean release with several changes',
      {
        changes: [
          { mergedAt: '2026-03-02T09:00:00.000Z' },
          { mergedAt: '2026-03-02T08:00:00.000Z' },
          { mergedAt: '2026-03-02T07:00:00.000Z' },
          { mergedAt: '2026-03-02T05:00:00.000Z' },
          { mergedAt: '2026-03-02T00:00:00.000Z' },
        ],
      },
      {
        isDeployment: true,
        leadTimesMs: [1 * HOUR, 2 * HOUR, 3 * HOUR, 5 * HOUR, 10 * HOUR],
        ...notFailed,
      },
    ],
    [
      'a change merged after the promotion (clock skew)',
      { changes: [{ mergedAt: '2026-03-02T10:00:05.000Z' }] },
      { leadTimesMs: [0], ...notFailed },
    ],
    [
      'a change with an unreadable merge time',
      { changes: [{ mergedAt: 'last week' }] },
      { leadTimesMs: [] },
    ],
    [
      'a rollback with no earlier signal (restores in 0 ms)',
      {
        promotedAt: undefined,
        rolledBackAt: '2026-03-02T09:40:00.000Z',
        changes: [{ mergedAt: '2026-03-02T08:00:00.000Z' }],
      },
      {
        isDeployment: true,
        leadTimesMs: [],
        failed: true,
        failureCauses: ['rolled_back'],
        firstFailureSignalAt: '2026-03-02T09:40:00.000Z',
        restoredAt: '2026-03-02T09:40:00.000Z',
        timeToRestoreMs: 0,
      },
    ],
    [
      'a failed gate, then a rollback',
      {
        promotedAt: undefined,
        gateFailedAt: ['2026-03-02T09:30:00.000Z'],
        rolledBackAt: '2026-03-02T09:50:00.000Z',
      },
      {
        failed: true,
        failureCauses: ['rolled_back'],
        firstFailureSignalAt: '2026-03-02T09:30:00.000Z',
        restoredAt: '2026-03-02T09:50:00.000Z',
        timeToRestoreMs: 20 * MINUTE,
      },
    ],
    [
      'a failed gate alone (not a failure)',
      { gateFailedAt: ['2026-03-02T09:30:00.000Z'] },
      notFailed,
    ],
    [
      'an explicit SEV-2 incident, restored by an SLO',
      {
        incidents: [
          {
            incidentId: 'INC-1',
            severity: 'SEV-2',
            startedAt: '2026-03-02T12:00:00.000Z',
            attribution: 'explicit',
          },
        ],
        sloRestoredAt: ['2026-03-02T12:45:00.000Z'],
      },
      {
        failed: true,
        failureCauses: ['incident'],
        firstFailureSignalAt: '2026-03-02T12:00:00.000Z',
        restoredAt: '2026-03-02T12:45:00.000Z',
        timeToRestoreMs: 45 * MINUTE,
      },
    ],
    [
      'a window-attributed SEV-1 incident, not yet restored',
      {
        incidents: [
          {
            incidentId: 'INC-2',
            severity: 'SEV-1',
            startedAt: '2026-03-03T08:00:00.000Z',
            attribution: 'window',
          },
        ],
      },
      {
        failed: true,
        failureCauses: ['incident'],
        firstFailureSignalAt: '2026-03-03T08:00:00.000Z',
        restoredAt: undefined,
        timeToRestoreMs: undefined,
      },
    ],
    [
      'a SEV-3 incident (not a failure)',
      {
        incidents: [
          {
            incidentId: 'INC-3',
            severity: 'SEV-3',
            startedAt: '2026-03-02T11:00:00.000Z',
            attribution: 'window',
          },
        ],
        sloRestoredAt: ['2026-03-02T11:30:00.000Z'],
      },
      notFailed,
    ],
    [
      'a SEV-3 before a SEV-1: only the SEV-1 starts the clock',
      {
        incidents: [
          {
            incidentId: 'INC-3',
            severity: 'SEV-3',
            startedAt: '2026-03-02T10:30:00.000Z',
            attribution: 'window',
          },
          {
            incidentId: 'INC-4',
            severity: 'SEV-1',
            startedAt: '2026-03-02T12:00:00.000Z',
            attribution: 'window',
          },
        ],
        sloRestoredAt: ['2026-03-02T11:00:00.000Z', '2026-03-02T13:00:00.000Z'],
      },
      {
        failed: true,
        failureCauses: ['incident'],
        firstFailureSignalAt: '2026-03-02T12:00:00.000Z',
        restoredAt: '2026-03-02T13:00:00.000Z',
        timeToRestoreMs: 1 * HOUR,
      },
    ],
    [
      'an incident and a rollback: the first restoration wins',
      {
        incidents: [
          {
            incidentId: 'INC-5',
            severity: 'SEV-1',
            startedAt: '2026-03-02T10:15:00.000Z',
            attribution: 'explicit',
          },
        ],
        rolledBackAt: '2026-03-02T10:40:00.000Z',
        sloRestoredAt: ['2026-03-02T10:30:00.000Z'],
      },
      {
        failed: true,
        failureCauses: ['rolled_back', 'incident'],
        firstFailureSignalAt: '2026-03-02T10:15:00.000Z',
        restoredAt: '2026-03-02T10:30:00.000Z',
        timeToRestoreMs: 15 * MINUTE,
      },
    ],
    [
      'a staging release (DORA counts production only)',
      {
        environment: 'staging',
        rolledBackAt: '2026-03-02T10:40:00.000Z',
        changes: [{ mergedAt: '2026-03-02T08:00:00.000Z' }],
      },
      {
        environment: 'staging',
        isDeployment: false,
        leadTimesMs: [],
        ...notFailed,
      },
    ],
    [
      'a production promotion without a start',
      {
        startedAt: undefined,
        changes: [{ mergedAt: '2026-03-02T08:00:00.000Z' }],
      },
      { isDeployment: false, leadTimesMs: [2 * HOUR] },
    ],
  ])('%s', (_name, overrides, expected) => {
    const footprint = releaseFootprint({ ...release, ...overrides });
    const all: Partial<ReleaseFootprint> = {
      releaseId: 'payments@1',
      entityRef: 'component:default/payments',
      ownerRef: 'group:default/payments-team',
      ...expected,
    };
    const picked = Object.fromEntries(
      Object.keys(all).map(key => [
        key,
        footprint[key as keyof ReleaseFootprint],
      ]),
    );
    expect(picked).toEqual(all);
  });
});
