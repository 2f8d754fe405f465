import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  FakeReleaseLedgerApi,
  makeRelease,
  responseError,
} from '../../__testUtils__/fakeReleaseLedgerApi';
import {
  makeCheck,
  makeEvaluation,
  makeReplay,
  valueMeasurement,
} from '../../__testUtils__/gateFixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { GateReplayForm, definitionOf } from './GateReplayForm';

const RELEASE_ID = 'payments-api@1.42.0';

const evaluation = makeEvaluation({ gate: 'standard' });

const strictReplay = makeReplay({
  gate: 'strict',
  state: 'failed',
  enforced: 'failed',
  reason: "key check 'error-rate' failed: 1 of 3 measurements failed (limit 0)",
  complete: true,
  checks: [
    makeCheck({
      name: 'error-rate',
      condition: '< 0.003',
      state: 'failed',
      reason: '1 of 3 measurements failed (limit 0)',
      measurements: [
        valueMeasurement(1, 0.002, 'pass'),
        valueMeasurement(2, 0.004, 'fail'),
      ],
    }),
  ],
});

function fakeApi() {
  const api = new FakeReleaseLedgerApi([
    makeRelease({
      releaseId: RELEASE_ID,
      canaryStartedAt: '2026-11-27T10:02:00.000Z',
    }),
  ]);
  api.gates.set(RELEASE_ID, [evaluation]);
  return api;
}

function render(api: FakeReleaseLedgerApi, permission: 'allow' | 'deny') {
  return renderWithApis(
    <GateReplayForm releaseId={RELEASE_ID} evaluations={[evaluation]} />,
    { api, permission },
  );
}

/** Types text with characters user-event would read as key descriptors. */
function paste(field: HTMLElement, text: string) {
  fireEvent.change(field, { target: { value: text } });
}

describe('GateReplayForm', () => {
  it('is not offered without the replay permission', async () => {
    const api = fakeApi();
    await render(api, 'deny');

    expect(
      await screen.findByText(/release-ledger\.gate\.replay permission/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Replay' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Gate name')).not.toBeInTheDocument();
  });

  it('replays a configured gate by name and shows the result as not recorded', async () => {
    const api = fakeApi();
    api.replay = strictReplay;
    await render(api, 'allow');

    await userEvent.type(await screen.findByLabelText('Gate name'), 'strict');
    await userEvent.click(screen.getByRole('button', { name: 'Replay' }));

    const result = await screen.findByRole('region', { name: 'Replay result' });
    expect(api.replayCalls).toEqual([
      { releaseId: RELEASE_ID, request: { gate: 'strict' } },
    ]);
    expect(
      within(result).getByText('Replay — not recorded'),
    ).toBeInTheDocument();
    expect(
      within(result).getByLabelText('gate verdict: failed'),
    ).toBeInTheDocument();
    expect(within(result).getByText(strictReplay.reason)).toBeInTheDocument();
    // The same check evidence as a live evaluation, chart included.
    const check = within(result).getByRole('region', {
      name: 'Check error-rate',
    });
    expect(
      within(check).getByRole('img', {
        name: 'error-rate: 2 measured values over time against the condition < 0.003',
      }),
    ).toBeInTheDocument();
    expect(
      within(result).getByText(/Nothing was stored and no event was sent/),
    ).toBeInTheDocument();
  });

  it('replays the release’s own gate when no name is given', async () => {
    const api = fakeApi();
    await render(api, 'allow');

    await userEvent.click(
      await screen.findByRole('button', { name: 'Replay' }),
    );

    expect(
      await screen.findByRole('region', { name: 'Replay result' }),
    ).toBeInTheDocument();
    expect(api.replayCalls).toEqual([{ releaseId: RELEASE_ID, request: {} }]);
  });

  it('sends a pasted definition', async () => {
    const api = fakeApi();
    api.replay = (_releaseId, request) => ({
      ...strictReplay,
      gate: 'replay',
      complete: false,
      state: 'inconclusive',
      enforced: 'inconclusive',
      reason: `replayed ${JSON.stringify(request.definition)}`,
    });
    await render(api, 'allow');

    await userEvent.click(
      await screen.findByRole('radio', { name: 'A changed definition' }),
    );
    const definition = {
      checks: [
        {
          name: 'error-rate',
          query: 'up',
          condition: '< 0.003',
          noData: 'fail',
        },
      ],
    };
    paste(
      screen.getByRole('textbox', { name: 'Gate definition (JSON)' }),
      JSON.stringify(definition),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Replay' }));

    const result = await screen.findByRole('region', { name: 'Replay result' });
    expect(api.replayCalls).toEqual([
      { releaseId: RELEASE_ID, request: { definition } },
    ]);
    expect(
      within(result).getByText(/window ended before the gate decided/),
    ).toBeInTheDocument();
  });

  it('shows invalid JSON inline and sends nothing', async () => {
    const api = fakeApi();
    await render(api, 'allow');

    await userEvent.click(
      await screen.findByRole('radio', { name: 'A changed definition' }),
    );
    const field = screen.getByRole('textbox', {
      name: 'Gate definition (JSON)',
    });
    paste(field, '{ "checks": [ ');
    await userEvent.click(screen.getByRole('button', { name: 'Replay' }));

    expect(await screen.findByText(/^Not valid JSON: /)).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');

    paste(field, '[1, 2]');
    await userEvent.click(screen.getByRole('button', { name: 'Replay' }));
    expect(
      await screen.findByText(/^Must be a JSON object/),
    ).toBeInTheDocument();

    expect(api.replayCalls).toEqual([]);
    expect(
      screen.queryByRole('region', { name: 'Replay result' }),
    ).not.toBeInTheDocument();
  });

  it('starts a definition from the evaluated gate', async () => {
    const api = fakeApi();
    await render(api, 'allow');

    await userEvent.click(
      await screen.findByRole('radio', { name: 'A changed definition' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Start from standard' }),
    );

    const text = (
      screen.getByRole('textbox', {
        name: 'Gate definition (JSON)',
      }) as HTMLTextAreaElement
    ).value;
    expect(JSON.parse(text)).toEqual(
      JSON.parse(JSON.stringify(definitionOf(evaluation))),
    );
    expect(JSON.parse(text).checks[0]).toMatchObject({
      name: 'error-rate',
      condition: '< 0.01',
      noData: 'inconclusive',
      key: true,
      dryRun: false,
    });
  });

  it('shows the backend’s reason when the replay is refused', async () => {
    const api = fakeApi();
    api.replayError = await responseError(
      400,
      'InputError',
      'definition.checks[0].noData: required, one of fail|pass|inconclusive',
    );
    await render(api, 'allow');

    await userEvent.click(
      await screen.findByRole('button', { name: 'Replay' }),
    );

    expect(
      await screen.findByText(
        'Replay failed: definition.checks[0].noData: required, one of fail|pass|inconclusive',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Replay result' }),
    ).not.toBeInTheDocument();
  });
});
