import { act, screen, within } from '@testing-library/react';
import {
  FakeReleaseLedgerApi,
  makeLedgerStatus,
  responseError,
} from '../../__testUtils__/fakeReleaseLedgerApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { LedgerStatusCard, STATUS_REFRESH_MS } from './LedgerStatusCard';

async function renderCard(api: FakeReleaseLedgerApi) {
  await renderWithApis(<LedgerStatusCard />, { api });
  return screen.findByRole('region', { name: 'Ledger status' });
}

/** The status lines, in order, with MUI's alert severity class. */
function statusLines(card: HTMLElement) {
  return within(card)
    .getAllByRole('status')
    .map(el => ({
      text: el.textContent,
      severity: /MuiAlert-standard(\w+)/.exec(el.className)?.[1],
    }));
}

describe('LedgerStatusCard', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('says metrics and Slack are up to date and counts Slack messages by state', async () => {
    const api = new FakeReleaseLedgerApi();
    api.commsStatus = {
      delivery: { mode: 'slack', problems: [] },
      counts: { pending: 1, delivered: 40, parked: 0, not_delivered: 0 },
    };
    const card = await renderCard(api);

    expect(await within(card).findByText(/^Up to date/)).toBeInTheDocument();
    expect(statusLines(card)).toEqual([
      {
        text: 'Up to date: every recorded event is in the metrics and the Slack outbox.',
        severity: 'Success',
      },
    ]);
    const counts = await within(card).findByRole('list', {
      name: 'Slack messages by state',
    });
    expect(
      within(counts)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual([
      '40 delivered',
      '1 waiting to send',
      '0 parked',
      '0 not delivered',
    ]);
    expect(card).not.toHaveTextContent('Parked messages');
    expect(card).not.toHaveTextContent('Slack is not configured');
    expect(card).toHaveTextContent(
      'Projectors: metrics (deferred), comms (deferred).',
    );
  });

  it('shows how many events wait and warns once the oldest is over 30 s old', async () => {
    const api = new FakeReleaseLedgerApi();
    api.ledgerStatus = makeLedgerStatus({
      pendingSubjects: 2,
      pendingEvents: 7,
      oldestPendingAt: '2026-11-27T10:00:00.000Z',
      lagMs: 125_000,
    });
    const card = await renderCard(api);

    expect(
      await within(card).findByText(/^7 events waiting/),
    ).toBeInTheDocument();
    expect(statusLines(card)).toEqual([
      {
        text: '7 events waiting (2 releases or incidents), oldest 2m 5s ago. Metrics and Slack messages are behind: the backend cannot keep up or its drains are failing.',
        severity: 'Warning',
      },
    ]);
  });

  it('does not warn about a queue the backend is draining normally', async () => {
    const api = new FakeReleaseLedgerApi();
    api.ledgerStatus = makeLedgerStatus({
      pendingSubjects: 1,
      pendingEvents: 1,
      oldestPendingAt: '2026-11-27T10:00:00.000Z',
      lagMs: 400,
    });
    const card = await renderCard(api);

    expect(
      await within(card).findByText(/^1 event waiting/),
    ).toBeInTheDocument();
    expect(statusLines(card)).toEqual([
      {
        text: '1 event waiting (1 release or incident), oldest stored just now.',
        severity: 'Info',
      },
    ]);
  });

  it('points at the backend log while projections are retried', async () => {
    const api = new FakeReleaseLedgerApi();
    api.ledgerStatus = makeLedgerStatus({
      pendingSubjects: 3,
      pendingEvents: 9,
      retrying: 3,
      oldestPendingAt: '2026-11-27T10:00:00.000Z',
      lagMs: 12_000,
    });
    const card = await renderCard(api);

    expect(
      await within(card).findByText(/retrying after a failed projection/),
    ).toBeInTheDocument();
    expect(statusLines(card)).toEqual([
      {
        text: '9 events waiting (3 releases or incidents), oldest 12s ago.',
        severity: 'Info',
      },
      {
        text: '3 releases or incidents retrying after a failed projection. Check the backend log for “the deferred projectors failed”.',
        severity: 'Error',
      },
    ]);
  });

  it('lists Slack’s delivery problems and marks parked messages', async () => {
    const api = new FakeReleaseLedgerApi();
    api.commsStatus = {
      delivery: {
        mode: 'slack',
        problems: ['channel #releases-payments: not_in_channel'],
      },
      counts: { pending: 0, delivered: 3, parked: 2, not_delivered: 0 },
    };
    const card = await renderCard(api);

    expect(
      await within(card).findByText(
        'channel #releases-payments: not_in_channel',
      ),
    ).toBeInTheDocument();
    const parked = within(
      within(card).getByRole('list', { name: 'Slack messages by state' }),
    ).getByText('parked', { exact: false });
    expect(parked).toHaveTextContent('2 parked');
    expect(parked.className).toMatch(/parked/);
    expect(card).toHaveTextContent(
      'a release’s Slack thread shows Slack’s reason and can retry them',
    );
    expect(card).not.toHaveTextContent('Slack is not configured');
  });

  it('says when Slack is not configured', async () => {
    const api = new FakeReleaseLedgerApi();
    api.commsStatus = {
      delivery: { mode: 'not_configured', problems: [] },
      counts: { pending: 0, delivered: 0, parked: 0, not_delivered: 5 },
    };
    const card = await renderCard(api);

    expect(
      await within(card).findByText(/Slack is not configured/),
    ).toBeInTheDocument();
    expect(card).toHaveTextContent('5 not delivered');
  });

  it('shows the backend’s error', async () => {
    const api = new FakeReleaseLedgerApi();
    api.ledgerStatusError = await responseError(
      500,
      'Error',
      'database is locked',
    );
    const card = await renderCard(api);
    expect(
      await within(card).findByText('Could not load the ledger status', {
        exact: false,
      }),
    ).toBeInTheDocument();
    expect(card).toHaveTextContent('database is locked');
    expect(within(card).queryByRole('status')).not.toBeInTheDocument();
  });

  it('still shows the queue when only the Slack counts fail', async () => {
    const api = new FakeReleaseLedgerApi();
    api.commsStatusError = await responseError(
      503,
      'ServiceUnavailableError',
      'outbox unavailable',
    );
    const card = await renderCard(api);

    expect(await within(card).findByText(/^Up to date/)).toBeInTheDocument();
    expect(
      await within(card).findByText(
        'Could not load Slack delivery: outbox unavailable',
      ),
    ).toBeInTheDocument();
  });

  it('asks again every 10 seconds, and recovers from an error', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const api = new FakeReleaseLedgerApi();
    api.ledgerStatusError = new Error('backend restarting');
    const card = await renderCard(api);
    expect(
      await within(card).findByText('Could not load the ledger status', {
        exact: false,
      }),
    ).toBeInTheDocument();
    expect(api.ledgerStatusCalls).toBe(1);

    api.ledgerStatusError = undefined;
    api.ledgerStatus = makeLedgerStatus({
      pendingSubjects: 1,
      pendingEvents: 4,
      lagMs: 45_000,
      oldestPendingAt: '2026-11-27T10:00:00.000Z',
    });
    await act(async () => {
      jest.advanceTimersByTime(STATUS_REFRESH_MS);
    });

    expect(
      await within(card).findByText(/^4 events waiting/),
    ).toBeInTheDocument();
    expect(api.ledgerStatusCalls).toBe(2);
    expect(api.commsStatusCalls).toBe(2);
  });
});
