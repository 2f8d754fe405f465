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
    [
      'a clean release (not rework)',
      { fixes: [] },
      { isDeployment: true, isRework: false, ...notFailed },
    ],
    [
      'a deployment that fixes an incident (rework)',
      { fixes: ['INC-7'] },
      { isDeployment: true, isRework: true, ...notFailed },
    ],
    [
      'a deployment that fixes an earlier release and fails itself',
      {
        fixes: ['payments@0'],
        rolledBackAt: '2026-03-02T10:30:00.000Z',
      },
      {
        isRework: true,
        failed: true,
        failureCauses: ['rolled_back'],
        timeToRestoreMs: 0,
      },
    ],
    [
      'a staging release that fixes something (not a deployment, not rework)',
      { environment: 'staging', fixes: ['INC-7'] },
      { isDeployment: false, isRework: false },
    ],
    [
      'a fix promoted without a start (not a deployment, not rework)',
      { startedAt: undefined, fixes: ['INC-7'] },
      { isDeployment: false, isRework: false },
    ],
    [
      'a SEV-1 incident restored by the promotion of a fix',
      {
        incidents: [
          {
            incidentId: 'INC-8',
            severity: 'SEV-1',
            startedAt: '2026-03-02T12:00:00.000Z',
            attribution: 'window',
          },
        ],
        fixedBy: [
          { releaseId: 'payments@2', promotedAt: '2026-03-02T13:30:00.000Z' },
        ],
      },
      {
        isRework: false,
        failed: true,
        failureCauses: ['incident'],
        firstFailureSignalAt: '2026-03-02T12:00:00.000Z',
        restoredAt: '2026-03-02T13:30:00.000Z',
        timeToRestoreMs: 90 * MINUTE,
      },
    ],
    [
      'a fix promoted before the SLO restoration: the fix wins',
      {
        incidents: [
          {
            incidentId: 'INC-8',
            severity: 'SEV-2',
            startedAt: '2026-03-02T12:00:00.000Z',
            attribution: 'explicit',
          },
        ],
        sloRestoredAt: ['2026-03-02T15:00:00.000Z'],
        fixedBy: [
          { releaseId: 'payments@3', promotedAt: '2026-03-02T14:00:00.000Z' },
          { releaseId: 'payments@2', promotedAt: '2026-03-02T12:20:00.000Z' },
        ],
      },
      {
        restoredAt: '2026-03-02T12:20:00.000Z',
        timeToRestoreMs: 20 * MINUTE,
      },
    ],
    [
      'an SLO restoration before the fix: the SLO wins',
      {
        incidents: [
          {
            incidentId: 'INC-8',
            severity: 'SEV-2',
            startedAt: '2026-03-02T12:00:00.000Z',
            attribution: 'explicit',
          },
        ],
        sloRestoredAt: ['2026-03-02T12:10:00.000Z'],
        fixedBy: [
          { releaseId: 'payments@2', promotedAt: '2026-03-02T12:20:00.000Z' },
        ],
      },
      {
        restoredAt: '2026-03-02T12:10:00.000Z',
        timeToRestoreMs: 10 * MINUTE,
      },
    ],
    [
      'a fix promoted before the first failure signal restores nothing',
      {
        incidents: [
          {
            incidentId: 'INC-8',
            severity: 'SEV-1',
            startedAt: '2026-03-02T12:00:00.000Z',
            attribution: 'explicit',
          },
        ],
        fixedBy: [
          { releaseId: 'payments@2', promotedAt: '2026-03-02T11:59:59.999Z' },
        ],
      },
      {
        failed: true,
        firstFailureSignalAt: '2026-03-02T12:00:00.000Z',
        restoredAt: undefined,
        timeToRestoreMs: undefined,
      },
    ],
    [
      'a fix promoted at the instant of the first signal restores in 0 ms',
      {
        gateFailedAt: ['2026-03-02T12:00:00.000Z'],
        incidents: [
          {
            incidentId: 'INC-8',
            severity: 'SEV-1',
            startedAt: '2026-03-02T12:05:00.000Z',
            attribution: 'explicit',
          },
        ],
        fixedBy: [
          { releaseId: 'payments@2', promotedAt: '2026-03-02T12:00:00.000Z' },
        ],
      },
      {
        firstFailureSignalAt: '2026-03-02T12:00:00.000Z',
        restoredAt: '2026-03-02T12:00:00.000Z',
        timeToRestoreMs: 0,
      },
    ],
    [
      'a release that names itself among its fixes does not restore itself',
      {
        fixes: ['payments@1'],
        incidents: [
          {
            incidentId: 'INC-8',
            severity: 'SEV-1',
            startedAt: '2026-03-02T12:00:00.000Z',
            attribution: 'explicit',
          },
        ],
        fixedBy: [
          { releaseId: 'payments@1', promotedAt: '2026-03-02T13:00:00.000Z' },
        ],
      },
      { isRework: true, failed: true, restoredAt: undefined },
    ],
    [
      'fixes of a release that did not fail restore nothing',
      {
        fixedBy: [
          { releaseId: 'payments@2', promotedAt: '2026-03-02T13:00:00.000Z' },
        ],
      },
      notFailed,
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
