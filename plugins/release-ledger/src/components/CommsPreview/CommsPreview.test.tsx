import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type {
  CommsMessage,
  ReleaseComms,
} from '@release-ledger/plugin-release-ledger-common';
import {
  FakeReleaseLedgerApi,
  makeRelease,
  responseError,
} from '../../__testUtils__/fakeReleaseLedgerApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { CommsPreview } from './CommsPreview';

const RELEASE_ID = 'payments-api@2026.11.27.142';

let nextId = 1;

/** A reply with one mrkdwn section; override what a test cares about. */
function reply(
  text: string,
  overrides: Partial<CommsMessage> = {},
): CommsMessage {
  return {
    id: nextId++,
    kind: 'reply',
    state: 'delivered',
    orderAt: '2026-11-27T10:05:00.000Z',
    attempts: 1,
    broadcast: false,
    message: {
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
    },
    ...overrides,
  };
}

const parent: CommsMessage = {
  id: 100,
  kind: 'parent',
  state: 'delivered',
  orderAt: '2026-11-27T10:00:00.000Z',
  attempts: 1,
  slackTs: '1795773600.000100',
  deliveredAt: '2026-11-27T10:00:01.000Z',
  broadcast: false,
  message: {
    text: 'Canary 10 %: payments-api 1.42.0',
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: 'payments-api 1.42.0' },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*Status*\n🐤 Canary 10 %' },
          { type: 'mrkdwn', text: '*On-call*\n<!subteam^S0123ABCDE>' },
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: '<https://backstage.example.com/release-ledger/releases/x|Release page>',
          },
        ],
      },
    ],
  },
};

function thread(overrides: Partial<ReleaseComms> = {}): ReleaseComms {
  return {
    releaseId: RELEASE_ID,
    delivery: { mode: 'slack', problems: [] },
    channel: '#payments-releases',
    threadTs: parent.slackTs,
    messages: [parent],
    ...overrides,
  };
}

function apiWith(comms: ReleaseComms) {
  const api = new FakeReleaseLedgerApi([
    makeRelease({ releaseId: RELEASE_ID }),
  ]);
  api.comms.set(RELEASE_ID, comms);
  return api;
}

describe('CommsPreview', () => {
  it('draws the parent like Slack and the replies under it in event order', async () => {
    const api = apiWith(
      thread({
        // Out of order on purpose: the thread is ordered by event time.
        messages: [
          reply('⏪ *Rolled back* by ana', {
            orderAt: '2026-11-27T10:12:00.000Z',
          }),
          parent,
          reply('🐤 Canary started at 10 %', {
            orderAt: '2026-11-27T10:02:00.000Z',
          }),
        ],
      }),
    );
    await renderWithApis(<CommsPreview releaseId={RELEASE_ID} />, { api });

    const card = await screen.findByRole('region', { name: 'Slack thread' });
    const top = await within(card).findByRole('article', {
      name: 'Thread parent',
    });
    expect(within(top).getByText('Release Ledger')).toBeInTheDocument();
    expect(within(top).getByText('payments-api 1.42.0')).toBeInTheDocument();
    expect(within(top).getByText('Status').tagName).toBe('STRONG');
    expect(within(top).getByText('@S0123ABCDE')).toBeInTheDocument();
    expect(
      within(top).getByRole('link', { name: 'Release page' }),
    ).toHaveAttribute(
      'href',
      'https://backstage.example.com/release-ledger/releases/x',
    );
    expect(within(card).getByText('In #payments-releases')).toBeInTheDocument();

    expect(within(card).getByText('2 replies')).toBeInTheDocument();
    const replies = within(
      within(card).getByRole('list', { name: 'Replies' }),
    ).getAllByRole('listitem');
    expect(replies.map(r => r.querySelector('time')?.textContent)).toEqual([
      '2026-11-27 10:02 UTC',
      '2026-11-27 10:12 UTC',
    ]);
    expect(replies[0]).toHaveTextContent('Canary started at 10 %');
    expect(replies[1]).toHaveTextContent('Rolled back by ana');
    expect(api.commsCalls).toEqual([RELEASE_ID]);
  });

  it('shows each message’s delivery state', async () => {
    const api = apiWith(
      thread({
        messages: [
          parent,
          reply('retrying', {
            state: 'pending',
            attempts: 2,
            lastError: 'ratelimited',
          }),
          reply('first try', { state: 'pending', attempts: 0 }),
          reply('refused', {
            state: 'parked',
            lastError: 'Slack answered channel_not_found',
          }),
        ],
      }),
    );
    await renderWithApis(<CommsPreview releaseId={RELEASE_ID} />, {
      api,
      permission: 'deny',
    });

    const top = await screen.findByRole('article', { name: 'Thread parent' });
    expect(within(top).getByText('✓ delivered')).toBeInTheDocument();
    expect(
      within(top).getByText('Slack ts 1795773600.000100'),
    ).toBeInTheDocument();

    const [retrying, firstTry, refused] = within(
      screen.getByRole('list', { name: 'Replies' }),
    ).getAllByRole('listitem');
    expect(within(retrying).getByText('waiting to send')).toBeInTheDocument();
    expect(within(retrying).getByText('2 attempts so far')).toBeInTheDocument();
    expect(
      within(retrying).getByText('last error: ratelimited'),
    ).toBeInTheDocument();
    expect(within(firstTry).getByText('waiting to send')).toBeInTheDocument();
    expect(within(firstTry).queryByText(/attempt/)).not.toBeInTheDocument();
    expect(within(refused).getByText('parked')).toBeInTheDocument();
    expect(
      within(refused).getByText('Slack answered channel_not_found'),
    ).toBeInTheDocument();
    expect(within(refused).queryByText('✓ delivered')).not.toBeInTheDocument();
  });

  it('shows the thread as it would look when Slack is not configured', async () => {
    const api = apiWith(
      thread({
        delivery: {
          mode: 'not_configured',
          problems: ['releaseLedger.slack.token is not set'],
        },
        channel: undefined,
        threadTs: undefined,
        messages: [
          { ...parent, state: 'not_delivered', slackTs: undefined },
          reply('⏪ *Rolled back*', {
            state: 'not_delivered',
            broadcast: true,
          }),
        ],
      }),
    );
    await renderWithApis(<CommsPreview releaseId={RELEASE_ID} />, { api });

    expect(
      await screen.findByText(
        /Slack is not configured — this is how the thread would look/,
      ),
    ).toHaveTextContent('set releaseLedger.slack.token');
    expect(
      within(screen.getByRole('list', { name: 'Delivery problems' })).getByText(
        'releaseLedger.slack.token is not set',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Not routed to a channel yet')).toBeInTheDocument();
    expect(
      screen.getAllByText('not delivered: Slack not configured'),
    ).toHaveLength(2);
    expect(screen.queryByText('✓ delivered')).not.toBeInTheDocument();
    expect(screen.getByText('1 reply')).toBeInTheDocument();
    expect(screen.getByText('↪ also sent to the channel')).toBeInTheDocument();
  });

  it('marks broadcast replies with the channel they also went to', async () => {
    const api = apiWith(
      thread({
        messages: [
          parent,
          reply('quiet'),
          reply('⏪ *Rolled back*', { broadcast: true }),
        ],
      }),
    );
    await renderWithApis(<CommsPreview releaseId={RELEASE_ID} />, { api });

    const [quiet, loud] = within(
      await screen.findByRole('list', { name: 'Replies' }),
    ).getAllByRole('listitem');
    expect(within(quiet).queryByText(/also sent/)).not.toBeInTheDocument();
    expect(
      within(loud).getByText('↪ also sent to #payments-releases'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('retries parked messages and shows the thread again', async () => {
    const api = apiWith(
      thread({
        messages: [
          parent,
          reply('refused', {
            state: 'parked',
            lastError: 'Slack answered channel_not_found',
          }),
        ],
      }),
    );
    await renderWithApis(<CommsPreview releaseId={RELEASE_ID} />, { api });

    expect(
      await screen.findByText(/1 message parked: Slack refused it/),
    ).toBeInTheDocument();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Retry parked messages' }),
    );

    expect(
      await screen.findByText(/Parked messages are back in line/),
    ).toBeInTheDocument();
    expect(api.requeueCalls).toEqual([RELEASE_ID]);
    expect(api.commsCalls).toEqual([RELEASE_ID, RELEASE_ID]);
    expect(screen.queryByText('parked')).not.toBeInTheDocument();
    expect(screen.getByText('waiting to send')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Retry parked messages' }),
    ).not.toBeInTheDocument();
  });

  it('shows the server’s reason when a retry is refused', async () => {
    const api = apiWith(
      thread({ messages: [parent, reply('refused', { state: 'parked' })] }),
    );
    api.requeueError = await responseError(
      403,
      'NotAllowedError',
      'requeueing messages needs the permission release-ledger.comms.manage',
    );
    await renderWithApis(<CommsPreview releaseId={RELEASE_ID} />, { api });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Retry parked messages' }),
    );

    expect(
      await screen.findByText(
        'Could not retry: requeueing messages needs the permission release-ledger.comms.manage',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('parked')).toBeInTheDocument();
  });

  it('offers no retry without the permission', async () => {
    const api = apiWith(
      thread({ messages: [parent, reply('refused', { state: 'parked' })] }),
    );
    await renderWithApis(<CommsPreview releaseId={RELEASE_ID} />, {
      api,
      permission: 'deny',
    });

    expect(
      await screen.findByText(
        /release-ledger.comms.manage permission can retry/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Retry parked messages' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText('Slack refused it; no reason was recorded'),
    ).toBeInTheDocument();
  });

  it('offers no retry when nothing is parked', async () => {
    const api = apiWith(thread({ messages: [parent, reply('fine')] }));
    await renderWithApis(<CommsPreview releaseId={RELEASE_ID} />, { api });

    await screen.findByRole('list', { name: 'Replies' });
    expect(screen.queryByText(/parked/)).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Retry parked messages' }),
    ).not.toBeInTheDocument();
  });

  it('says when there are no messages yet', async () => {
    const api = apiWith(thread({ messages: [] }));
    await renderWithApis(<CommsPreview releaseId={RELEASE_ID} />, { api });

    expect(await screen.findByText('No messages yet.')).toBeInTheDocument();
    expect(screen.queryByText('Release Ledger')).not.toBeInTheDocument();
    expect(screen.queryByText(/repl/)).not.toBeInTheDocument();
  });

  it('says when a message can no longer be rendered', async () => {
    const api = apiWith(
      thread({ messages: [{ ...parent, message: undefined }] }),
    );
    await renderWithApis(<CommsPreview releaseId={RELEASE_ID} />, { api });

    expect(
      await screen.findByText('This message can no longer be shown.'),
    ).toBeInTheDocument();
    expect(screen.getByText('✓ delivered')).toBeInTheDocument();
  });

  it('shows a failed load as an error', async () => {
    const api = apiWith(thread());
    api.commsError = await responseError(500, 'Error', 'database is locked');
    await renderWithApis(<CommsPreview releaseId={RELEASE_ID} />, { api });

    expect(await screen.findByText('database is locked')).toBeInTheDocument();
    expect(screen.queryByText('No messages yet.')).not.toBeInTheDocument();
  });
});
