import { screen, within } from '@testing-library/react';
import {
  FakeReleaseLedgerApi,
  makeRelease,
  responseError,
} from '../../__testUtils__/fakeReleaseLedgerApi';
import {
  ERROR_RATE_QUERY,
  errorMeasurement,
  makeCheck,
  makeEvaluation,
  noDataMeasurement,
  valueMeasurement,
} from '../../__testUtils__/gateFixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { GateEvidence } from './GateEvidence';

const RELEASE_ID = 'payments-api@1.42.0';
const CANARY_AT = '2026-11-27T10:02:00.000Z';

const PARSE_ERROR =
  'invalid parameter "query": 1:23: parse error: unexpected character: \'}\'';

const failedGate = makeEvaluation({
  id: 'eval-standard',
  gate: 'standard',
  state: 'failed',
  enforced: 'failed',
  reason:
    "key check 'error-rate' failed: 2 of 3 measurements failed (limit 1): 0.034 > 0.01 at 10:04 UTC, 0.05 > 0.01 at 10:05 UTC",
  checks: [
    makeCheck({
      name: 'error-rate',
      condition: '< 0.01',
      state: 'failed',
      reason: '2 of 3 measurements failed (limit 1)',
      measurements: [
        valueMeasurement(1, 0.004, 'pass'),
        valueMeasurement(2, 0.034, 'fail'),
        valueMeasurement(3, 0.05, 'fail'),
        errorMeasurement(4, PARSE_ERROR),
      ],
    }),
    makeCheck({
      name: 'apdex',
      condition: 'between 0.9 and 1',
      key: false,
      dryRun: true,
      state: 'inconclusive',
      reason: '1 of 2 measurements had no data (policy inconclusive)',
      measurements: [
        valueMeasurement(1, 0.95, 'pass', 'apdex{service="payments-api"}'),
        noDataMeasurement(2, 'nan', 'apdex{service="payments-api"}'),
      ],
    }),
  ],
});

const dryRunGate = makeEvaluation({
  id: 'eval-latency',
  gate: 'latency-trial',
  dryRun: true,
  state: 'failed',
  enforced: 'passed',
  reason: "key check 'p99' failed: 1 of 1 measurements failed (limit 0)",
  checks: [
    makeCheck({
      name: 'p99',
      condition: '<= 0.3',
      dryRun: true,
      state: 'failed',
      reason: '1 of 1 measurements failed (limit 0)',
      measurements: [valueMeasurement(1, 0.41, 'fail', 'p99_query')],
    }),
  ],
});

function setup(
  evaluations = [failedGate, dryRunGate],
  permission: 'allow' | 'deny' = 'deny',
) {
  const api = new FakeReleaseLedgerApi([
    makeRelease({ releaseId: RELEASE_ID, canaryStartedAt: CANARY_AT }),
  ]);
  api.gates.set(RELEASE_ID, evaluations);
  return { api, permission };
}

describe('GateEvidence', () => {
  it('shows each gate’s verdict and reason, with every check’s evidence', async () => {
    const { api, permission } = setup();
    await renderWithApis(
      <GateEvidence releaseId={RELEASE_ID} canaryStartedAt={CANARY_AT} />,
      { api, permission },
    );

    const gate = await screen.findByRole('region', { name: 'Gate standard' });
    expect(
      within(gate).getByLabelText('gate verdict: failed'),
    ).toHaveTextContent('failed');
    expect(within(gate).getByText(failedGate.reason)).toBeInTheDocument();
    expect(api.gatesCalls).toEqual([RELEASE_ID]);

    const errorRate = within(gate).getByRole('region', {
      name: 'Check error-rate',
    });
    expect(
      within(errorRate).getByText('< 0.01', { selector: 'span' }),
    ).toBeInTheDocument();
    expect(within(errorRate).getByText('key')).toBeInTheDocument();
    expect(
      within(errorRate).getByLabelText('check verdict: failed'),
    ).toBeInTheDocument();
    expect(
      within(errorRate).getByText('2 of 3 measurements failed (limit 1)'),
    ).toBeInTheDocument();
    const chart = within(errorRate).getByRole('img', {
      name: 'error-rate: 3 measured values over time against the condition < 0.01',
    });
    // The threshold line is labelled with the condition.
    expect(within(chart).getByText('< 0.01')).toBeInTheDocument();
    // One dot per value, coloured by outcome: one pass, two failures.
    const fills = [...chart.querySelectorAll('circle[r="4"]')].map(c =>
      c.getAttribute('fill'),
    );
    expect(fills).toHaveLength(3);
    expect(fills[1]).toBe(fills[2]);
    expect(fills[0]).not.toBe(fills[1]);
    expect(
      within(errorRate).getByRole('list', { name: 'Point colours' }),
    ).toHaveTextContent('passedfailed');
    expect(
      within(errorRate).queryByText('dry run — not blocking'),
    ).not.toBeInTheDocument();

    // The error is listed with Prometheus' own words.
    const notDrawn = within(errorRate).getByRole('list', {
      name: 'error-rate: not drawn',
    });
    expect(
      within(notDrawn).getByText(/error — bad query \(HTTP 400\)/),
    ).toBeInTheDocument();
    expect(within(notDrawn).getByText(PARSE_ERROR)).toBeInTheDocument();

    // The query as sent, in a collapsible block.
    expect(within(errorRate).getByText('Query as sent')).toBeInTheDocument();
    expect(within(errorRate).getByText(ERROR_RATE_QUERY).tagName).toBe('PRE');
  });

  it('marks non-key and dry-run checks, and lists no data with its cause', async () => {
    const { api, permission } = setup();
    await renderWithApis(
      <GateEvidence releaseId={RELEASE_ID} canaryStartedAt={CANARY_AT} />,
      { api, permission },
    );

    const apdex = await screen.findByRole('region', { name: 'Check apdex' });
    expect(within(apdex).getByText('non-key')).toBeInTheDocument();
    expect(
      within(apdex).getByText('dry run — not blocking'),
    ).toBeInTheDocument();
    expect(
      within(apdex).getByLabelText('check verdict: inconclusive'),
    ).toBeInTheDocument();
    const chart = within(apdex).getByRole('img', {
      name: 'apdex: 1 measured value over time against the condition between 0.9 and 1',
    });
    // A range is drawn as a band, labelled with the condition.
    expect(within(chart).getByText('between 0.9 and 1')).toBeInTheDocument();
    expect(
      within(apdex).getByText(/no data — the value was NaN/),
    ).toBeInTheDocument();
  });

  it('says a dry-run gate does not block, and what the pipeline was told', async () => {
    const { api, permission } = setup();
    await renderWithApis(
      <GateEvidence releaseId={RELEASE_ID} canaryStartedAt={CANARY_AT} />,
      { api, permission },
    );

    const gate = await screen.findByRole('region', {
      name: 'Gate latency-trial',
    });
    expect(
      within(gate).getByLabelText('gate verdict: failed'),
    ).toBeInTheDocument();
    const banner = within(gate).getByText(/Dry run — recorded, not blocking/);
    expect(banner).toHaveTextContent(
      "Dry run — recorded, not blocking: the pipeline is told passed whatever this gate's verdict.",
    );
    expect(within(gate).getByText(dryRunGate.reason)).toBeInTheDocument();
    expect(
      within(screen.getByRole('region', { name: 'Gate standard' })).queryByText(
        /Dry run — recorded/,
      ),
    ).not.toBeInTheDocument();
  });

  it('draws one chart per check that has values', async () => {
    const { api, permission } = setup();
    await renderWithApis(
      <GateEvidence releaseId={RELEASE_ID} canaryStartedAt={CANARY_AT} />,
      { api, permission },
    );

    await screen.findByRole('region', { name: 'Gate standard' });
    expect(
      screen.getAllByRole('img', { name: /measured values? over time/ }),
    ).toHaveLength(3);
  });

  it('says when a check has no values to draw', async () => {
    const { api, permission } = setup([
      makeEvaluation({
        state: 'inconclusive',
        enforced: 'inconclusive',
        reason: "key check 'error-rate' is inconclusive",
        checks: [
          makeCheck({
            state: 'inconclusive',
            measurements: [
              errorMeasurement(1, 'query timed out in expression evaluation'),
              noDataMeasurement(2),
            ],
          }),
        ],
      }),
    ]);
    await renderWithApis(
      <GateEvidence releaseId={RELEASE_ID} canaryStartedAt={CANARY_AT} />,
      { api, permission },
    );

    expect(
      await screen.findByText(
        'No value was measured, so there is nothing to draw.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    expect(
      screen.getByText('query timed out in expression evaluation'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/no data — the query selected no series/),
    ).toBeInTheDocument();
  });

  it('says a check the gate settled before was not decided, and a running gate’s checks are running', async () => {
    const undecided = makeCheck({
      name: 'latency-p95',
      state: 'running',
      reason: '1 of 4 measurements taken',
      measurements: [valueMeasurement(1, 0.35, 'fail', 'latency_query')],
    });
    const { api, permission } = setup([
      makeEvaluation({
        id: 'eval-settled',
        gate: 'settled',
        state: 'failed',
        enforced: 'failed',
        checks: [makeCheck({ state: 'failed' }), undecided],
      }),
      makeEvaluation({
        id: 'eval-running',
        gate: 'running',
        state: 'running',
        enforced: 'running',
        checks: [undecided],
      }),
    ]);
    await renderWithApis(
      <GateEvidence releaseId={RELEASE_ID} canaryStartedAt={CANARY_AT} />,
      { api, permission },
    );

    const settled = await screen.findByRole('region', { name: 'Gate settled' });
    expect(
      within(settled).getByLabelText('check verdict: not decided'),
    ).toBeInTheDocument();
    const running = screen.getByRole('region', { name: 'Gate running' });
    expect(
      within(running).getByLabelText('check verdict: running'),
    ).toBeInTheDocument();
  });

  it('says so when no gate was evaluated', async () => {
    const { api, permission } = setup([]);
    await renderWithApis(
      <GateEvidence releaseId={RELEASE_ID} canaryStartedAt={CANARY_AT} />,
      { api, permission },
    );

    expect(
      await screen.findByText('No gate evaluated for this release.'),
    ).toBeInTheDocument();
  });

  it('shows the backend’s error', async () => {
    const { api, permission } = setup();
    api.gatesError = await responseError(500, 'Error', 'database is locked');
    await renderWithApis(
      <GateEvidence releaseId={RELEASE_ID} canaryStartedAt={CANARY_AT} />,
      { api, permission },
    );

    expect(await screen.findByText('database is locked')).toBeInTheDocument();
    expect(
      screen.queryByText('No gate evaluated for this release.'),
    ).not.toBeInTheDocument();
  });

  it('offers no replay for a release that never had a canary', async () => {
    const { api } = setup();
    await renderWithApis(<GateEvidence releaseId={RELEASE_ID} />, {
      api,
      permission: 'allow',
    });

    expect(
      await screen.findByText(/never started a canary/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Replay' }),
    ).not.toBeInTheDocument();
  });
});
