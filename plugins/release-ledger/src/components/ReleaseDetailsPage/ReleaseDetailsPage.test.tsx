import { Route, Routes } from 'react-router-dom';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  FakeReleaseLedgerApi,
  makeEvent,
  makeRelease,
  makeReleaseNotes,
  responseError,
} from '../../__testUtils__/fakeReleaseLedgerApi';
import { makeEvaluation } from '../../__testUtils__/gateFixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import type { ReleaseLedgerApi } from '../../api';
import { ReleaseDetailsPage } from './ReleaseDetailsPage';

const RELEASE_ID = 'payments/api@2026.11.27.142';

const release = {
  ...makeRelease({
    releaseId: RELEASE_ID,
    version: '2026.11.27.142',
    status: 'finished',
    outcome: 'rolled_back',
    environment: 'production',
    commit: 'abcdef0123456789abcdef',
    plan: 'canary 10% for 20 minutes',
    risk: 'high',
    startedAt: '2026-11-27T10:00:00.000Z',
    canaryStartedAt: '2026-11-27T10:02:00.000Z',
    canaryWeight: 10,
    promotedAt: undefined,
    rolledBackAt: '2026-11-27T10:12:00.000Z',
    rollbackReason: 'canary error rate 2.4% > 1% threshold',
    finishedAt: '2026-11-27T10:20:00.000Z',
    changes: [
      {
        prNumber: 4711,
        title: 'feat: add idempotency keys to refunds',
        author: 'amara',
        mergedAt: '2026-11-26T15:30:00.000Z',
      },
      {
        prNumber: 4712,
        title: 'fix: handle null currency in tax calc',
        author: 'chen',
        mergedAt: '2026-11-26T16:45:00.000Z',
        url: 'https://github.com/acme/payments-api/pull/4712',
        missingFields: [
          {
            field: 'rollback',
            label: 'Rollback criteria',
            problem: 'is missing: no such section',
          },
        ],
      },
      {
        title: 'chore: bump node',
        mergedAt: '2026-11-26T17:00:00.000Z',
        commit: '0123456789abcdef',
        source: 'commit',
      },
    ],
    changesMissingFields: 1,
    incidents: [
      {
        incidentId: 'INC-321',
        severity: 'SEV-2',
        title: 'Refund errors',
        startedAt: '2026-11-27T10:08:00.000Z',
        resolvedAt: '2026-11-27T10:30:00.000Z',
      },
    ],
    flagToggles: [
      {
        flag: 'new-tax-engine',
        from: false,
        to: true,
        at: '2026-11-27T10:05:00.000Z',
      },
    ],
    anomalies: [
      {
        eventId: 'evt-9',
        type: 'promoted',
        message: 'promoted after rolled_back',
      },
      {
        eventId: 'evt-10',
        type: 'canary_started',
        message: 'canary_started before release_started',
      },
    ],
  }),
  events: [
    makeEvent(
      'release_started',
      { risk: 'high' },
      {
        releaseId: RELEASE_ID,
        timestamp: '2026-11-27T10:00:00.000Z',
        version: '2026.11.27.142',
      },
    ),
    makeEvent(
      'canary_started',
      { weight: 10 },
      {
        releaseId: RELEASE_ID,
        timestamp: '2026-11-27T10:02:00.000Z',
      },
    ),
    makeEvent(
      'rolled_back',
      { reason: 'canary error rate 2.4% > 1% threshold' },
      { releaseId: RELEASE_ID, timestamp: '2026-11-27T10:12:00.000Z' },
    ),
  ],
};

describe('ReleaseDetailsPage', () => {
  it('renders the header, changes, incidents, flag toggles, anomalies and timeline', async () => {
    const api = new FakeReleaseLedgerApi([release]);
    await renderWithApis(<ReleaseDetailsPage releaseId={RELEASE_ID} />, {
      api,
    });

    expect(
      await screen.findByRole('heading', { level: 1, name: RELEASE_ID }),
    ).toBeInTheDocument();
    expect(screen.getByText('finished · rolled back')).toBeInTheDocument();
    expect(screen.getByText('payments-api')).toBeInTheDocument();
    expect(screen.getByText('team-payments')).toBeInTheDocument();
    expect(screen.getByText('abcdef0')).toBeInTheDocument();
    expect(screen.getByText('production')).toBeInTheDocument();
    expect(screen.getByText('20m')).toBeInTheDocument();

    const changes = screen.getByRole('list', { name: 'Merged changes' });
    expect(
      within(changes).getByText('#4711 feat: add idempotency keys to refunds'),
    ).toBeInTheDocument();
    expect(
      within(changes).getByText('by amara · merged 2026-11-26 15:30 UTC'),
    ).toBeInTheDocument();
    expect(
      within(changes).getByRole('link', {
        name: /#4712 fix: handle null currency in tax calc/,
      }),
    ).toHaveAttribute('href', 'https://github.com/acme/payments-api/pull/4712');

    // A direct commit is a change too; a change without the PR template's
    // required fields is flagged, and so is the release.
    expect(
      within(changes).getByText('chore: bump node (0123456)'),
    ).toBeInTheDocument();
    expect(
      within(changes).getByText('merged 2026-11-26 17:00 UTC · direct commit'),
    ).toBeInTheDocument();
    expect(
      within(changes).getByLabelText(
        'Rollback criteria is missing: no such section',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/1 change merged without required PR template fields/),
    ).toBeInTheDocument();

    const incidents = screen.getByRole('list', { name: 'Incidents' });
    expect(
      within(incidents).getByText('INC-321 (SEV-2) Refund errors'),
    ).toBeInTheDocument();

    const flags = screen.getByRole('list', { name: 'Flag toggles' });
    expect(
      within(flags).getByText('new-tax-engine: false → true'),
    ).toBeInTheDocument();

    expect(
      within(screen.getByRole('alert')).getByText(
        "Warning: 2 anomalies in this release's events",
      ),
    ).toBeInTheDocument();
    const anomalies = screen.getByRole('list', { name: 'Anomalies' });
    expect(
      within(anomalies).getByText(/promoted after rolled_back/),
    ).toBeInTheDocument();
    expect(
      within(anomalies).getByText(/canary_started before release_started/),
    ).toBeInTheDocument();

    const timeline = screen.getByRole('list', { name: 'Release timeline' });
    expect(within(timeline).getByText('Canary started')).toBeInTheDocument();
    expect(within(timeline).getByText('10% of traffic')).toBeInTheDocument();
    expect(within(timeline).getByText('Rolled back')).toBeInTheDocument();
  });

  it('reads the encoded release id from the route', async () => {
    const api = new FakeReleaseLedgerApi([release]);
    await renderWithApis(
      <Routes>
        <Route path="/releases/:releaseId" element={<ReleaseDetailsPage />} />
      </Routes>,
      {
        api,
        routeEntries: [`/releases/${encodeURIComponent(RELEASE_ID)}`],
      },
    );

    expect(
      await screen.findByRole('heading', { level: 1, name: RELEASE_ID }),
    ).toBeInTheDocument();
    expect(api.getCalls).toEqual([RELEASE_ID]);
  });

  it('shows no anomaly warning for a clean release', async () => {
    const clean = { ...release, anomalies: [] };
    await renderWithApis(<ReleaseDetailsPage releaseId={RELEASE_ID} />, {
      api: new FakeReleaseLedgerApi([clean]),
    });
    await screen.findByRole('heading', { level: 1, name: RELEASE_ID });
    expect(screen.queryByText(/anomal/)).not.toBeInTheDocument();
  });

  it('says the release was not found on 404', async () => {
    const api = new FakeReleaseLedgerApi([release]);
    await renderWithApis(<ReleaseDetailsPage releaseId="nope@1.0.0" />, {
      api,
    });

    expect(await screen.findByText('Release not found')).toBeInTheDocument();
    expect(
      screen.getByText(/The ledger has no release with the id "nope@1.0.0"/),
    ).toBeInTheDocument();
  });

  it('shows the release’s DORA footprint when the backend sends one', async () => {
    const api = new FakeReleaseLedgerApi([
      {
        ...release,
        footprint: {
          releaseId: RELEASE_ID,
          entityRef: 'component:default/payments-api',
          environment: 'production',
          isDeployment: true,
          startedAt: '2026-11-27T10:00:00.000Z',
          leadTimesMs: [],
          failed: true,
          failureCauses: ['rolled_back'],
          firstFailureSignalAt: '2026-11-27T10:08:00.000Z',
          restoredAt: '2026-11-27T10:12:00.000Z',
          timeToRestoreMs: 4 * 60_000,
          incidents: [
            {
              incidentId: 'INC-321',
              entityRef: 'component:default/payments-api',
              severity: 'SEV-2',
              startedAt: '2026-11-27T10:08:00.000Z',
              attribution: 'explicit',
              releaseId: RELEASE_ID,
            },
          ],
        },
      } as never,
    ]);
    await renderWithApis(<ReleaseDetailsPage releaseId={RELEASE_ID} />, {
      api,
    });

    expect(await screen.findByText('DORA footprint')).toBeInTheDocument();
    expect(screen.getByText('Yes — rolled back')).toBeInTheDocument();
    expect(
      within(
        screen.getByRole('list', { name: 'Attributed incidents' }),
      ).getByText('explicit'),
    ).toBeInTheDocument();
  });

  it('leaves the footprint out when there is none', async () => {
    const api = new FakeReleaseLedgerApi([release]);
    await renderWithApis(<ReleaseDetailsPage releaseId={RELEASE_ID} />, {
      api,
    });

    expect(
      await screen.findByRole('heading', { level: 1, name: RELEASE_ID }),
    ).toBeInTheDocument();
    expect(screen.queryByText('DORA footprint')).not.toBeInTheDocument();
  });

  it('shows the evidence of the release’s canary gates', async () => {
    const api = new FakeReleaseLedgerApi([release]);
    api.gates.set(RELEASE_ID, [
      makeEvaluation({
        releaseId: RELEASE_ID,
        gate: 'standard',
        state: 'failed',
        enforced: 'failed',
        reason: "key check 'error-rate' failed",
      }),
    ]);
    await renderWithApis(<ReleaseDetailsPage releaseId={RELEASE_ID} />, {
      api,
    });

    const gates = await screen.findByRole('region', { name: 'Canary gates' });
    expect(
      await within(gates).findByText("key check 'error-rate' failed"),
    ).toBeInTheDocument();
    expect(
      within(gates).getByLabelText('gate verdict: failed'),
    ).toBeInTheDocument();
    expect(api.gatesCalls).toEqual([RELEASE_ID]);
    // The release had a canary, and the test user may replay.
    expect(
      await within(gates).findByRole('button', { name: 'Replay' }),
    ).toBeInTheDocument();
  });

  it('shows the release’s Slack thread', async () => {
    const api = new FakeReleaseLedgerApi([release]);
    api.comms.set(RELEASE_ID, {
      releaseId: RELEASE_ID,
      delivery: { mode: 'slack', problems: [] },
      channel: '#payments-releases',
      messages: [
        {
          id: 1,
          kind: 'parent',
          state: 'delivered',
          orderAt: '2026-11-27T10:00:00.000Z',
          attempts: 1,
          slackTs: '1795773600.000100',
          broadcast: false,
          message: { text: 'payments-api started', blocks: [] },
        },
      ],
    });
    await renderWithApis(<ReleaseDetailsPage releaseId={RELEASE_ID} />, {
      api,
    });

    const thread = await screen.findByRole('region', { name: 'Slack thread' });
    expect(
      await within(thread).findByText('payments-api started'),
    ).toBeInTheDocument();
    expect(api.commsCalls).toEqual([RELEASE_ID]);
  });

  it('shows the release’s notes', async () => {
    const api = new FakeReleaseLedgerApi([release]);
    api.releaseNotes.set(
      RELEASE_ID,
      makeReleaseNotes({
        releaseId: RELEASE_ID,
        sections: [
          {
            kind: 'features',
            title: 'Features',
            entries: [
              {
                sha: 'a1a2a3a4a5a6a7',
                type: 'feat',
                scope: 'refunds',
                subject: 'add idempotency keys',
                breaking: false,
                findings: [],
              },
            ],
          },
        ],
        counts: {
          commits: 1,
          conventional: 1,
          nonConventional: 0,
          breaking: 0,
        },
      }),
    );
    await renderWithApis(<ReleaseDetailsPage releaseId={RELEASE_ID} />, {
      api,
    });

    const notes = await screen.findByRole('region', { name: 'Release notes' });
    expect(
      await within(notes).findByRole('heading', { name: 'Features (1)' }),
    ).toBeInTheDocument();
    expect(notes).toHaveTextContent('refunds: add idempotency keys');
    expect(api.notesCalls).toEqual([RELEASE_ID]);
  });

  it('shows a checklist tick in the timeline once it is recorded', async () => {
    const api = new FakeReleaseLedgerApi([release]);
    api.checklists.set(RELEASE_ID, {
      releaseId: RELEASE_ID,
      entityRef: 'component:default/payments-api',
      state: 'pinned',
      source: 'https://github.com/acme/payments/blob/abc/RELEASE_CHECKLIST.md',
      openRequired: ['pre.flags-default-off'],
      checklist: {
        title: 'Release checklist',
        warnings: [],
        sections: [
          {
            phase: 'pre',
            title: 'Pre-release',
            items: [
              {
                id: 'pre.flags-default-off',
                text: 'Flags default OFF',
                required: true,
                line: 2,
              },
            ],
          },
        ],
      },
    });
    await renderWithApis(<ReleaseDetailsPage releaseId={RELEASE_ID} />, {
      api,
    });
    expect(await screen.findByText('Timeline (3 events)')).toBeInTheDocument();
    const timeline = screen.getByRole('list', { name: 'Release timeline' });
    expect(
      within(timeline).queryByText('Checklist item checked'),
    ).not.toBeInTheDocument();

    fireEvent.click(
      await screen.findByRole('checkbox', { name: /Flags default OFF/ }),
    );

    expect(await screen.findByText('Timeline (4 events)')).toBeInTheDocument();
    const updated = screen.getByRole('list', { name: 'Release timeline' });
    expect(
      within(updated).getByText('Checklist item checked'),
    ).toBeInTheDocument();
    expect(
      within(updated).getByText('Flags default OFF — user:default/guest'),
    ).toBeInTheDocument();
    expect(api.getCalls).toEqual([RELEASE_ID, RELEASE_ID]);
    // The page stayed: the checklist shows the tick it already had.
    await waitFor(() =>
      expect(
        screen.getByRole('checkbox', { name: /Flags default OFF/ }),
      ).toBeChecked(),
    );
  });

  it('shows other errors as errors', async () => {
    const error = await responseError(500, 'Error', 'database is locked');
    const api: ReleaseLedgerApi = {
      listReleases: jest.fn(),
      getRelease: jest.fn().mockRejectedValue(error),
      getMetrics: jest.fn(),
      getWeeklyNote: jest.fn(),
      saveWeeklyNote: jest.fn(),
      getReleaseComms: jest.fn(),
      requeueParked: jest.fn(),
      getCommsStatus: jest.fn(),
      getLedgerStatus: jest.fn(),
      getReleaseGates: jest.fn().mockResolvedValue({
        releaseId: RELEASE_ID,
        evaluations: [],
      }),
      replayGate: jest.fn(),
      getReleaseChecklist: jest.fn().mockResolvedValue(undefined),
      checkChecklistItem: jest.fn(),
      getReleaseNotes: jest.fn(),
      getReleaseNotesMarkdown: jest.fn(),
      getSkippedChecklistItems: jest.fn(),
    };
    await renderWithApis(<ReleaseDetailsPage releaseId={RELEASE_ID} />, {
      api,
    });

    expect(await screen.findByText('database is locked')).toBeInTheDocument();
    expect(screen.queryByText('Release not found')).not.toBeInTheDocument();
  });
});
