import {
  ErrorCode,
  Logger,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  WebClientOptions,
} from '@slack/web-api';
import { FakeSlack, FakeSlackOptions, startFakeSlack } from './FakeSlackServer';

// The client logs `[ERROR]` response messages and missing-text warnings;
// keep test output quiet.
const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

const TOKEN = 'xoxb-test-token';

/** Captures the rejection of a promise; fails when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

function outboxMetadata(outboxId: string) {
  return {
    event_type: 'release_ledger_post',
    event_payload: { outbox_id: outboxId },
  };
}

describe('FakeSlackServer', () => {
  let fake: FakeSlack;
  let slack: WebClient;

  const client = (token: string = TOKEN, options: WebClientOptions = {}) =>
    new WebClient(token, {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: silentLogger,
      ...options,
    });

  async function restart(options: FakeSlackOptions) {
    await fake.close();
    fake = await startFakeSlack(options);
    slack = client();
  }

  beforeEach(async () => {
    fake = await startFakeSlack();
    slack = client();
  });

  afterEach(async () => {
    await fake.close();
  });

  it('listens on 127.0.0.1 with a trailing-slash api url', () => {
    expect(fake.apiUrl).toBe(`http://127.0.0.1:${fake.port}/api/`);
    expect(fake.port).toBeGreaterThan(0);
  });

  describe('auth', () => {
    it('answers auth.test with the bot identity', async () => {
      const result = await slack.auth.test();
      expect(result).toMatchObject({
        ok: true,
        url: expect.stringMatching(/^https:\/\//),
        team: expect.any(String),
        user: expect.any(String),
        team_id: expect.stringMatching(/^T/),
        user_id: expect.stringMatching(/^U/),
        bot_id: expect.stringMatching(/^B/),
      });
    });

    it('rejects a missing token with not_authed', async () => {
      const anonymous = new WebClient(undefined, {
        slackApiUrl: fake.apiUrl,
        retryConfig: { retries: 0 },
        logger: silentLogger,
      });
      const error = await rejection(anonymous.auth.test());
      expect(error).toBeInstanceOf(Error);
      expect((error as WebAPIPlatformError).code).toBe(ErrorCode.PlatformError);
      expect((error as WebAPIPlatformError).data.error).toBe('not_authed');
    });

    it('rejects a non-bot token by default and a wrong token when one is configured', async () => {
      const userToken = await rejection(client('xoxp-user').auth.test());
      expect((userToken as WebAPIPlatformError).data.error).toBe(
        'invalid_auth',
      );

      await restart({ token: 'xoxb-the-one' });
      const wrong = await rejection(client('xoxb-another').auth.test());
      expect((wrong as WebAPIPlatformError).data.error).toBe('invalid_auth');
      await expect(client('xoxb-the-one').auth.test()).resolves.toMatchObject({
        ok: true,
      });
      expect(fake.stats().errors).toBe(1);
    });

    it('answers an unknown method with HTTP 404 unknown_method', async () => {
      const error = (await rejection(
        slack.apiCall('chat.nonsense', { channel: '#x' }),
      )) as WebAPIHTTPError;
      expect(error.code).toBe(ErrorCode.HTTPError);
      expect(error.statusCode).toBe(404);
      expect(error.body).toEqual({ ok: false, error: 'unknown_method' });
    });
  });

  describe('chat.postMessage', () => {
    it('stores the message and answers with the channel id, a Slack-like ts and the message', async () => {
      const blocks = [
        { type: 'header', text: { type: 'plain_text', text: 'v1.2.3' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*shipped*' } },
      ];
      const result = await slack.chat.postMessage({
        channel: '#releases',
        text: 'v1.2.3 shipped',
        blocks,
        metadata: outboxMetadata('ob-1'),
        unfurl_links: false,
      });

      const channelId = fake.channelId('#releases');
      expect(channelId).toMatch(/^C[A-Z0-9]+$/);
      expect(result.ok).toBe(true);
      expect(result.channel).toBe(channelId);
      expect(result.ts).toMatch(/^\d{10}\.\d{6}$/);
      expect(result.message).toMatchObject({
        text: 'v1.2.3 shipped',
        ts: result.ts,
        bot_id: expect.any(String),
        blocks,
        metadata: outboxMetadata('ob-1'),
      });

      expect(fake.channelMessages('#releases')).toEqual([
        {
          channel: channelId,
          ts: result.ts,
          text: 'v1.2.3 shipped',
          blocks,
          metadata: outboxMetadata('ob-1'),
          replyBroadcast: false,
          unfurlLinks: false,
          updates: 0,
          postedAt: expect.any(Number),
        },
      ]);
      // Same name and id address the same channel.
      expect(fake.channelMessages(channelId)).toHaveLength(1);
      expect(fake.stats()).toMatchObject({ posts: 1, errors: 0 });
    });

    it('maps a name to the same id on every server and accepts ids as-is', async () => {
      const other = await startFakeSlack();
      try {
        expect(other.channelId('#releases')).toBe(fake.channelId('releases'));
        expect(fake.channelId('#releases')).not.toBe(fake.channelId('#ops'));
        expect(fake.channelId('C0123456789')).toBe('C0123456789');
      } finally {
        await other.close();
      }
      const result = await slack.chat.postMessage({
        channel: 'C0123456789',
        text: 'by id',
      });
      expect(result.channel).toBe('C0123456789');
    });

    it('hands out strictly increasing, unique ts across channels', async () => {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          slack.chat.postMessage({ channel: `#c${i % 3}`, text: `m${i}` }),
        ),
      );
      const tss = fake.allMessages().map(m => m.ts);
      expect(new Set(tss).size).toBe(40);
      expect(tss).toEqual([...tss].sort());
      expect(new Set(results.map(r => r.ts)).size).toBe(40);
    });

    it('makes ts unique even when the clock stands still', async () => {
      await restart({ now: () => 1764230000000 });
      const a = await slack.chat.postMessage({ channel: '#a', text: 'a' });
      const b = await slack.chat.postMessage({ channel: '#a', text: 'b' });
      expect(a.ts).toBe('1764230000.000000');
      expect(b.ts).toBe('1764230000.000001');
    });

    it('posts thread replies, follows reply-to-a-reply to the parent, and keeps broadcast flags', async () => {
      const parent = await slack.chat.postMessage({
        channel: '#releases',
        text: 'parent',
      });
      const reply = await slack.chat.postMessage({
        channel: '#releases',
        text: 'reply',
        thread_ts: parent.ts!,
        reply_broadcast: true,
      });
      const nested = await slack.chat.postMessage({
        channel: '#releases',
        text: 'nested',
        thread_ts: reply.ts!,
      });
      expect(reply.message).toMatchObject({
        thread_ts: parent.ts,
        subtype: 'thread_broadcast',
      });

      const thread = fake.thread('#releases', parent.ts!);
      expect(thread.map(m => [m.text, m.threadTs, m.replyBroadcast])).toEqual([
        ['parent', undefined, false],
        ['reply', parent.ts, true],
        ['nested', parent.ts, false],
      ]);
      expect(nested.message?.thread_ts).toBe(parent.ts);
      // Replies (even broadcast ones) are not top-level messages.
      expect(fake.channelMessages('#releases').map(m => m.text)).toEqual([
        'parent',
      ]);
    });

    it('answers thread_not_found for an unknown thread_ts and stores nothing', async () => {
      const error = (await rejection(
        slack.chat.postMessage({
          channel: '#releases',
          text: 'orphan',
          thread_ts: '1000000000.000001',
        }),
      )) as WebAPIPlatformError;
      expect(error.data.error).toBe('thread_not_found');
      expect(fake.allMessages()).toEqual([]);
      expect(fake.stats()).toMatchObject({ posts: 0, errors: 1 });
    });

    it('answers no_text when neither text nor blocks are given', async () => {
      const error = (await rejection(
        slack.apiCall('chat.postMessage', { channel: '#releases' }),
      )) as WebAPIPlatformError;
      expect(error.data.error).toBe('no_text');
      const empty = (await rejection(
        slack.chat.postMessage({ channel: '#releases', text: '', blocks: [] }),
      )) as WebAPIPlatformError;
      expect(empty.data.error).toBe('no_text');
    });

    it('accepts blocks without text', async () => {
      const result = await slack.chat.postMessage({
        channel: '#releases',
        blocks: [{ type: 'divider' }],
      });
      expect(fake.allMessages()[0]).toMatchObject({
        ts: result.ts,
        text: undefined,
        blocks: [{ type: 'divider' }],
      });
    });

    it.each([
      [
        'more than 50 blocks',
        Array.from({ length: 51 }, () => ({ type: 'divider' })),
        '/blocks]',
      ],
      [
        'a header over 150 characters',
        [
          {
            type: 'header',
            text: { type: 'plain_text', text: 'h'.repeat(151) },
          },
        ],
        '/blocks/0/text/text]',
      ],
      [
        'a section over 3000 characters',
        [
          { type: 'divider' },
          { type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3001) } },
        ],
        '/blocks/1/text]',
      ],
      ['a block without type', [{ text: 'x' }], '/blocks/0]'],
    ])('rejects %s with invalid_blocks', async (_, blocks, pointer) => {
      const error = (await rejection(
        slack.chat.postMessage({
          channel: '#releases',
          text: 'x',
          blocks: blocks as never,
        }),
      )) as WebAPIPlatformError;
      expect(error.data.error).toBe('invalid_blocks');
      expect(error.data.response_metadata?.messages?.[0]).toMatch(
        new RegExp(`^\\[ERROR\\] .*${pointer.replace(/[/\]]/g, '\\$&')}$`),
      );
      expect(fake.allMessages()).toEqual([]);
    });

    it('accepts blocks exactly at the limits', async () => {
      await slack.chat.postMessage({
        channel: '#releases',
        text: 'limits',
        blocks: [
          {
            type: 'header',
            text: { type: 'plain_text', text: 'h'.repeat(150) },
          },
          { type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3000) } },
          ...Array.from({ length: 48 }, () => ({ type: 'divider' as const })),
        ],
      });
      expect(fake.allMessages()[0].blocks).toHaveLength(50);
    });

    it('rejects malformed metadata', async () => {
      const format = (await rejection(
        slack.apiCall('chat.postMessage', {
          channel: '#releases',
          text: 'x',
          metadata: 'not json',
        }),
      )) as WebAPIPlatformError;
      expect(format.data.error).toBe('invalid_metadata_format');
      const schema = (await rejection(
        slack.apiCall('chat.postMessage', {
          channel: '#releases',
          text: 'x',
          metadata: { event_payload: {} },
        }),
      )) as WebAPIPlatformError;
      expect(schema.data.error).toBe('invalid_metadata_schema');
    });

    it('accepts application/json bodies with the token in the header', async () => {
      const response = await fetch(`${fake.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json; charset=utf-8',
          Authorization: `Bearer ${TOKEN}`,
        },
        body: JSON.stringify({
          channel: '#json',
          text: 'from json',
          blocks: [{ type: 'divider' }],
          metadata: outboxMetadata('ob-json'),
        }),
      });
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body).toMatchObject({
        ok: true,
        channel: fake.channelId('#json'),
      });
      expect(fake.channelMessages('#json')[0]).toMatchObject({
        ts: body.ts,
        text: 'from json',
        blocks: [{ type: 'divider' }],
        metadata: outboxMetadata('ob-json'),
      });
    });
  });

  describe('chat.update', () => {
    it('updates text, blocks and metadata and counts the updates', async () => {
      const posted = await slack.chat.postMessage({
        channel: '#releases',
        text: 'v1 deploying',
        metadata: outboxMetadata('ob-1'),
      });
      const updated = await slack.chat.update({
        channel: '#releases',
        ts: posted.ts!,
        text: 'v1 deployed',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'done' } }],
      });
      expect(updated).toMatchObject({
        ok: true,
        channel: fake.channelId('#releases'),
        ts: posted.ts,
        text: 'v1 deployed',
      });
      await slack.chat.update({
        channel: fake.channelId('#releases'),
        ts: posted.ts!,
        text: 'v1 deployed (again)',
        metadata: outboxMetadata('ob-2'),
      });

      const [message] = fake.allMessages();
      expect(message).toMatchObject({
        ts: posted.ts,
        text: 'v1 deployed (again)',
        blocks: undefined,
        metadata: outboxMetadata('ob-2'),
        updates: 2,
        updatedAt: expect.any(Number),
      });
      expect(fake.stats()).toMatchObject({ posts: 1, updates: 2 });
    });

    it('keeps the metadata when an update sends none', async () => {
      const posted = await slack.chat.postMessage({
        channel: '#releases',
        text: 'a',
        metadata: outboxMetadata('ob-1'),
      });
      await slack.chat.update({
        channel: '#releases',
        ts: posted.ts!,
        text: 'b',
      });
      expect(fake.allMessages()[0].metadata).toEqual(outboxMetadata('ob-1'));
    });

    it('answers message_not_found for an unknown ts or a ts of another channel', async () => {
      const posted = await slack.chat.postMessage({
        channel: '#a',
        text: 'a',
      });
      for (const args of [
        { channel: '#a', ts: '1000000000.000001' },
        { channel: '#b', ts: posted.ts! },
      ]) {
        const error = (await rejection(
          slack.chat.update({ ...args, text: 'x' }),
        )) as WebAPIPlatformError;
        expect(error.data.error).toBe('message_not_found');
      }
      expect(fake.stats().updates).toBe(0);
    });

    it('validates blocks and text like a post', async () => {
      const posted = await slack.chat.postMessage({
        channel: '#a',
        text: 'a',
      });
      const error = (await rejection(
        slack.chat.update({
          channel: '#a',
          ts: posted.ts!,
          text: 'x',
          blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })),
        }),
      )) as WebAPIPlatformError;
      expect(error.data.error).toBe('invalid_blocks');
      const noText = (await rejection(
        slack.apiCall('chat.update', { channel: '#a', ts: posted.ts }),
      )) as WebAPIPlatformError;
      expect(noText.data.error).toBe('no_text');
      expect(fake.allMessages()[0]).toMatchObject({ text: 'a', updates: 0 });
    });
  });

  describe('conversations.history', () => {
    it('returns top-level messages newest first after `oldest`, metadata on request, paginated', async () => {
      const posted: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await slack.chat.postMessage({
          channel: '#history',
          text: `top ${i}`,
          metadata: outboxMetadata(`top-${i}`),
        });
        posted.push(r.ts!);
      }
      await slack.chat.postMessage({
        channel: '#history',
        text: 'a reply is not history',
        thread_ts: posted[0],
      });
      const all = await slack.conversations.history({
        channel: '#history',
        include_all_metadata: true,
      });
      expect(all.messages?.map(m => m.text)).toEqual([
        'top 2',
        'top 1',
        'top 0',
      ]);
      expect(all.messages?.[0].metadata).toEqual(outboxMetadata('top-2'));

      const after = await slack.conversations.history({
        channel: '#history',
        oldest: posted[0],
      });
      expect(after.messages?.map(m => m.text)).toEqual(['top 2', 'top 1']);
      expect(after.messages?.every(m => !('metadata' in m))).toBe(true);

      const first = await slack.conversations.history({
        channel: '#history',
        limit: 2,
      });
      expect(first.has_more).toBe(true);
      const second = await slack.conversations.history({
        channel: '#history',
        limit: 2,
        cursor: first.response_metadata!.next_cursor,
      });
      expect(second.messages?.map(m => m.text)).toEqual(['top 0']);
      expect(second.has_more).toBe(false);
    });
  });

  describe('conversations.replies', () => {
    async function threadWith(replies: number) {
      const parent = await slack.chat.postMessage({
        channel: '#releases',
        text: 'parent',
        metadata: outboxMetadata('parent'),
      });
      for (let i = 0; i < replies; i++) {
        await slack.chat.postMessage({
          channel: '#releases',
          text: `reply ${i}`,
          thread_ts: parent.ts!,
          metadata: outboxMetadata(`reply-${i}`),
        });
      }
      return parent.ts!;
    }

    it('returns the parent then the replies in ts order, metadata only on request', async () => {
      const parentTs = await threadWith(3);
      const plain = await slack.conversations.replies({
        channel: '#releases',
        ts: parentTs,
      });
      expect(plain.ok).toBe(true);
      expect(plain.has_more).toBe(false);
      expect(plain.response_metadata?.next_cursor).toBe('');
      expect(plain.messages?.map(m => m.text)).toEqual([
        'parent',
        'reply 0',
        'reply 1',
        'reply 2',
      ]);
      expect(plain.messages?.[0]).toMatchObject({
        thread_ts: parentTs,
        reply_count: 3,
      });
      expect(plain.messages?.[1]).toMatchObject({ thread_ts: parentTs });
      expect(plain.messages?.every(m => !('metadata' in m))).toBe(true);

      const withMetadata = await slack.conversations.replies({
        channel: fake.channelId('#releases'),
        ts: parentTs,
        include_all_metadata: true,
      });
      expect(withMetadata.messages?.map(m => m.metadata)).toEqual([
        outboxMetadata('parent'),
        outboxMetadata('reply-0'),
        outboxMetadata('reply-1'),
        outboxMetadata('reply-2'),
      ]);
    });

    it('paginates with limit and cursor', async () => {
      const parentTs = await threadWith(4);
      const first = await slack.conversations.replies({
        channel: '#releases',
        ts: parentTs,
        limit: 2,
      });
      expect(first.messages?.map(m => m.text)).toEqual(['parent', 'reply 0']);
      expect(first.has_more).toBe(true);
      expect(first.response_metadata?.next_cursor).toBeTruthy();

      const second = await slack.conversations.replies({
        channel: '#releases',
        ts: parentTs,
        limit: 2,
        cursor: first.response_metadata!.next_cursor,
      });
      expect(second.messages?.map(m => m.text)).toEqual(['reply 1', 'reply 2']);
      expect(second.has_more).toBe(true);

      // The client's own paginator walks the rest.
      const texts: string[] = [];
      for await (const page of slack.paginate('conversations.replies', {
        channel: '#releases',
        ts: parentTs,
        limit: 2,
      })) {
        const { messages = [] } = page as {
          messages?: Array<{ text?: string }>;
        };
        texts.push(...messages.map(m => m.text ?? ''));
      }
      expect(texts).toEqual([
        'parent',
        'reply 0',
        'reply 1',
        'reply 2',
        'reply 3',
      ]);
    });

    it('answers thread_not_found and invalid_cursor', async () => {
      const parentTs = await threadWith(1);
      const unknown = (await rejection(
        slack.conversations.replies({
          channel: '#releases',
          ts: '1000000000.000001',
        }),
      )) as WebAPIPlatformError;
      expect(unknown.data.error).toBe('thread_not_found');
      const cursor = (await rejection(
        slack.conversations.replies({
          channel: '#releases',
          ts: parentTs,
          cursor: 'garbage',
        }),
      )) as WebAPIPlatformError;
      expect(cursor.data.error).toBe('invalid_cursor');
    });
  });

  describe('channel states', () => {
    it('answers channel_not_found, is_archived and not_in_channel from options and at runtime', async () => {
      await restart({
        channels: { '#gone': 'not_found', '#old': 'archived' },
      });
      fake.setChannelState('#private', 'not_in_channel');

      const errorOf = async (channel: string) =>
        (
          (await rejection(
            slack.chat.postMessage({ channel, text: 'x' }),
          )) as WebAPIPlatformError
        ).data.error;
      expect(await errorOf('#gone')).toBe('channel_not_found');
      expect(await errorOf('#old')).toBe('is_archived');
      expect(await errorOf('#private')).toBe('not_in_channel');
      await expect(
        slack.chat.postMessage({ channel: '#unlisted', text: 'x' }),
      ).resolves.toMatchObject({ ok: true });

      const posted = await slack.chat.postMessage({
        channel: '#unlisted',
        text: 'y',
      });
      fake.setChannelState(fake.channelId('#unlisted'), 'archived');
      const update = (await rejection(
        slack.chat.update({ channel: '#unlisted', ts: posted.ts!, text: 'z' }),
      )) as WebAPIPlatformError;
      expect(update.data.error).toBe('is_archived');
      // Archived channels can still be read.
      await expect(
        slack.conversations.replies({ channel: '#unlisted', ts: posted.ts! }),
      ).resolves.toMatchObject({ ok: true });

      fake.setChannelState('#unlisted', 'ok');
      await expect(
        slack.chat.update({ channel: '#unlisted', ts: posted.ts!, text: 'z' }),
      ).resolves.toMatchObject({ ok: true });
      expect(fake.stats()).toMatchObject({ posts: 2, updates: 1, errors: 4 });
    });

    it('reset() restores the configured states and forgets messages', async () => {
      await restart({ channels: { '#gone': 'not_found' } });
      fake.setChannelState('#gone', 'ok');
      fake.setChannelState('#other', 'archived');
      await slack.chat.postMessage({ channel: '#gone', text: 'x' });
      fake.inject({ kind: 'http500' });

      fake.reset();
      expect(fake.allMessages()).toEqual([]);
      expect(fake.calls()).toEqual([]);
      expect(fake.pendingFaults()).toBe(0);
      expect(fake.stats()).toMatchObject({ posts: 0, calls: 0 });
      const error = (await rejection(
        slack.chat.postMessage({ channel: '#gone', text: 'x' }),
      )) as WebAPIPlatformError;
      expect(error.data.error).toBe('channel_not_found');
      await expect(
        slack.chat.postMessage({ channel: '#other', text: 'x' }),
      ).resolves.toMatchObject({ ok: true });
    });
  });

  describe('per-channel rate limit', () => {
    it('answers 429 with Retry-After to a second post within 1/rate seconds, per channel', async () => {
      let clock = 1764230000000;
      await restart({ perChannelPostsPerSecond: 1, now: () => clock });

      await slack.chat.postMessage({ channel: '#a', text: '1' });
      clock += 400;
      const error = await rejection(
        slack.chat.postMessage({ channel: '#a', text: '2' }),
      );
      // With rejectRateLimitedCalls the client throws its own error type:
      // the 429 body is never read, there is no `data`.
      expect(error).toBeInstanceOf(WebAPIRateLimitedError);
      expect((error as WebAPIRateLimitedError).code).toBe(
        ErrorCode.RateLimitedError,
      );
      expect((error as WebAPIRateLimitedError).retryAfter).toBe(1);
      expect('data' in error).toBe(false);

      // Other channels have their own budget.
      await slack.chat.postMessage({ channel: '#b', text: '1' });
      // Honour the announced Retry-After (1 s from the 429).
      clock += 1000;
      await slack.chat.postMessage({ channel: '#a', text: '2' });

      expect(fake.channelMessages('#a').map(m => m.text)).toEqual(['1', '2']);
      expect(fake.stats()).toMatchObject({
        posts: 3,
        rateLimited: 1,
        violations: 1,
        errors: 0,
      });
      expect(fake.calls().map(c => [c.status, c.fault, c.violation])).toEqual([
        [200, undefined, false],
        [429, 'channelRateLimit', true],
        [200, undefined, false],
        [200, undefined, false],
      ]);
    });

    it("answers in Slack's 429 shape", async () => {
      let clock = 1764230000000;
      await restart({ perChannelPostsPerSecond: 0.25, now: () => clock });
      const post = () =>
        fetch(`${fake.apiUrl}chat.postMessage`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            Authorization: `Bearer ${TOKEN}`,
          },
          body: new URLSearchParams({ channel: '#a', text: 'x' }).toString(),
        });
      expect((await post()).status).toBe(200);
      clock += 1500;
      const limited = await post();
      expect(limited.status).toBe(429);
      // 4 s interval, 1.5 s elapsed: whole seconds, rounded up.
      expect(limited.headers.get('retry-after')).toBe('3');
      expect(await limited.json()).toEqual({ ok: false, error: 'ratelimited' });
    });

    it('counts a retry before Retry-After has passed as a violation', async () => {
      let clock = 1764230000000;
      await restart({ now: () => clock });
      fake.inject(
        { kind: 'ratelimited', retryAfterSeconds: 5 },
        { method: 'chat.postMessage' },
      );
      await rejection(slack.chat.postMessage({ channel: '#a', text: 'x' }));
      clock += 1000;
      await slack.chat.postMessage({ channel: '#a', text: 'x' });
      clock += 4000;
      await slack.chat.postMessage({ channel: '#a', text: 'y' });
      expect(fake.stats()).toMatchObject({
        rateLimited: 1,
        violations: 1,
        posts: 2,
      });
      expect(fake.calls().map(c => c.violation)).toEqual([false, true, false]);
    });
  });

  describe('injected faults', () => {
    it('ratelimited: 429 with the requested Retry-After, for `count` matching calls only', async () => {
      fake.inject(
        { kind: 'ratelimited', retryAfterSeconds: 7 },
        { method: 'chat.postMessage', count: 2 },
      );
      expect(fake.pendingFaults()).toBe(2);
      // Other methods do not consume it.
      await slack.auth.test();
      for (let i = 0; i < 2; i++) {
        const error = (await rejection(
          slack.chat.postMessage({ channel: '#a', text: 'x' }),
        )) as WebAPIRateLimitedError;
        expect(error.code).toBe(ErrorCode.RateLimitedError);
        expect(error.retryAfter).toBe(7);
      }
      await slack.chat.postMessage({ channel: '#a', text: 'x' });
      expect(fake.channelMessages('#a')).toHaveLength(1);
      expect(fake.stats()).toMatchObject({ rateLimited: 2, posts: 1 });
      expect(fake.pendingFaults()).toBe(0);
    });

    it('ratelimited as ok:false over HTTP 200 surfaces as a platform error with data.error and retryAfter', async () => {
      fake.inject({
        kind: 'error',
        error: 'ratelimited',
        retryAfterSeconds: 3,
      });
      const error = (await rejection(
        slack.chat.postMessage({ channel: '#a', text: 'x' }),
      )) as WebAPIPlatformError;
      expect(error.code).toBe(ErrorCode.PlatformError);
      expect(error.data.error).toBe('ratelimited');
      expect(error.data.response_metadata?.retryAfter).toBe(3);
      expect(fake.stats()).toMatchObject({ rateLimited: 1, errors: 0 });
    });

    it('a rate-limited call is retried by a client that does not reject 429s', async () => {
      fake.inject({ kind: 'ratelimited', retryAfterSeconds: 1 });
      const patient = client(TOKEN, {
        rejectRateLimitedCalls: false,
        retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
      });
      const started = Date.now();
      const result = await patient.chat.postMessage({
        channel: '#a',
        text: 'x',
      });
      expect(result.ok).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(fake.stats()).toMatchObject({
        posts: 1,
        rateLimited: 1,
        violations: 0,
      });
    });

    it('http500: WebAPIHTTPError, nothing stored', async () => {
      fake.inject({ kind: 'http500' }, { method: 'chat.postMessage' });
      const error = (await rejection(
        slack.chat.postMessage({ channel: '#a', text: 'x' }),
      )) as WebAPIHTTPError;
      expect(error.code).toBe(ErrorCode.HTTPError);
      expect(error.statusCode).toBe(500);
      expect(fake.allMessages()).toEqual([]);
      expect(fake.stats()).toMatchObject({ errors: 1, posts: 0 });
      expect(fake.calls()[0]).toMatchObject({ status: 500, fault: 'http500' });
    });

    it('error: ok:false with the given error, nothing stored', async () => {
      fake.inject(
        { kind: 'error', error: 'channel_not_found' },
        { channel: '#b' },
      );
      await slack.chat.postMessage({ channel: '#a', text: 'x' });
      const error = (await rejection(
        slack.chat.postMessage({ channel: '#b', text: 'x' }),
      )) as WebAPIPlatformError;
      expect(error.data).toMatchObject({
        ok: false,
        error: 'channel_not_found',
      });
      expect(fake.channelMessages('#b')).toEqual([]);
      expect(fake.channelMessages('#a')).toHaveLength(1);
    });

    it('slow: the message is stored at once, the answer comes later (client time-out after acceptance)', async () => {
      fake.inject({ kind: 'slow', delayMs: 400 });
      const impatient = client(TOKEN, { timeout: 100 });
      const error = (await rejection(
        impatient.chat.postMessage({
          channel: '#a',
          text: 'x',
          metadata: outboxMetadata('ob-1'),
        }),
      )) as WebAPIRequestError;
      expect(error.code).toBe(ErrorCode.RequestError);
      // A DOMException TimeoutError; under jest it crosses realms and the
      // client re-wraps it as a plain Error, so match the message.
      expect(error.original.message).toMatch(/TimeoutError|due to timeout/);
      // Slack accepted it although the client saw a failure.
      expect(fake.channelMessages('#a')).toHaveLength(1);
      expect(fake.stats().posts).toBe(1);
    });

    it('slow: a patient client gets the normal answer after the delay', async () => {
      fake.inject({ kind: 'slow', delayMs: 200 });
      const started = Date.now();
      const result = await slack.chat.postMessage({ channel: '#a', text: 'x' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(result.ts).toBe(fake.channelMessages('#a')[0].ts);
      const [call] = fake.calls();
      expect(call).toMatchObject({ status: 200, fault: 'slow', ts: result.ts });
      expect(call.answeredAt! - call.at).toBeGreaterThanOrEqual(190);
    });

    it('acceptThenDrop: stored, socket destroyed; a retrying client posts a duplicate', async () => {
      fake.inject({ kind: 'acceptThenDrop' });
      const error = (await rejection(
        slack.chat.postMessage({
          channel: '#a',
          text: 'x',
          metadata: outboxMetadata('ob-1'),
        }),
      )) as WebAPIRequestError;
      expect(error.code).toBe(ErrorCode.RequestError);
      expect(fake.channelMessages('#a')).toHaveLength(1);
      expect(fake.calls()[0].status).toBe('dropped');
      expect(fake.stats()).toMatchObject({ posts: 1, dropped: 1 });

      // The client's own retries treat a dropped connection as retryable.
      fake.inject({ kind: 'acceptThenDrop' });
      const retrying = client(TOKEN, {
        retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
      });
      await retrying.chat.postMessage({
        channel: '#a',
        text: 'y',
        metadata: outboxMetadata('ob-2'),
      });
      const duplicates = fake.duplicates();
      expect(duplicates).toHaveLength(1);
      expect(duplicates[0].map(m => m.text)).toEqual(['y', 'y']);
    });
  });

  describe('storms', () => {
    async function stormOutcomes(seed: number) {
      const server = await startFakeSlack({ seed });
      const c = new WebClient(TOKEN, {
        slackApiUrl: server.apiUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        logger: silentLogger,
      });
      server.setStorm({
        method: 'chat.postMessage',
        probability: 0.5,
        retryAfterSeconds: 2,
      });
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) {
        try {
          await c.chat.postMessage({ channel: `#c${i}`, text: 'x' });
          outcomes.push('ok');
        } catch (error) {
          outcomes.push(
            `limited:${(error as WebAPIRateLimitedError).retryAfter}`,
          );
        }
      }
      await c.auth.test(); // other methods are not affected
      const stats = server.stats();
      await server.close();
      return { outcomes, stats };
    }

    it('rate-limits a seeded, reproducible share of matching calls', async () => {
      const a = await stormOutcomes(42);
      const b = await stormOutcomes(42);
      expect(a.outcomes).toEqual(b.outcomes);
      expect(a.outcomes).toContain('ok');
      expect(a.outcomes).toContain('limited:2');
      expect(a.stats.rateLimited).toBe(
        a.outcomes.filter(o => o !== 'ok').length,
      );
      expect(a.stats.posts).toBe(a.outcomes.filter(o => o === 'ok').length);
    });

    it('clearStorm() stops it; probability 1 limits every call', async () => {
      fake.setStorm({ probability: 1 });
      const error = (await rejection(
        slack.auth.test(),
      )) as WebAPIRateLimitedError;
      expect(error.retryAfter).toBe(1);
      fake.clearStorm();
      await expect(slack.auth.test()).resolves.toMatchObject({ ok: true });
      expect(fake.calls().map(c => c.fault)).toEqual(['storm', undefined]);
    });
  });

  describe('inspection', () => {
    it('logs every call with method, channel, time and answer', async () => {
      const before = Date.now();
      await slack.auth.test();
      await slack.chat.postMessage({ channel: '#a', text: 'x' });
      await rejection(
        slack.chat.update({ channel: '#a', ts: '1.0', text: 'y' }),
      );
      expect(fake.calls()).toEqual([
        expect.objectContaining({
          seq: 1,
          method: 'auth.test',
          channel: undefined,
          status: 200,
          ok: true,
        }),
        expect.objectContaining({
          seq: 2,
          method: 'chat.postMessage',
          channel: fake.channelId('#a'),
          status: 200,
          ok: true,
          ts: expect.any(String),
        }),
        expect.objectContaining({
          seq: 3,
          method: 'chat.update',
          status: 200,
          ok: false,
          error: 'message_not_found',
        }),
      ]);
      expect(fake.calls()[0].at).toBeGreaterThanOrEqual(before);
      expect(fake.stats()).toEqual({
        posts: 1,
        updates: 0,
        rateLimited: 0,
        errors: 1,
        violations: 0,
        calls: 3,
        dropped: 0,
      });
    });

    it('lists all messages in ts order and hands out snapshots', async () => {
      const parent = await slack.chat.postMessage({ channel: '#a', text: '1' });
      await slack.chat.postMessage({ channel: '#b', text: '2' });
      await slack.chat.postMessage({
        channel: '#a',
        text: '3',
        thread_ts: parent.ts!,
      });
      const all = fake.allMessages();
      expect(all.map(m => [m.text, m.channel, m.threadTs])).toEqual([
        ['1', fake.channelId('#a'), undefined],
        ['2', fake.channelId('#b'), undefined],
        ['3', fake.channelId('#a'), parent.ts],
      ]);
      all[0].text = 'mutated';
      expect(fake.allMessages()[0].text).toBe('1');
      expect(fake.thread('#a', 'nope')).toEqual([]);
    });

    it('finds duplicates by outbox id or by a custom key', async () => {
      for (const [text, id] of [
        ['a', 'ob-1'],
        ['b', 'ob-2'],
        ['a again', 'ob-1'],
        ['a thrice', 'ob-1'],
      ]) {
        await slack.chat.postMessage({
          channel: '#a',
          text,
          metadata: outboxMetadata(id),
        });
      }
      await slack.chat.postMessage({ channel: '#a', text: 'b' });

      expect(fake.duplicates().map(g => g.map(m => m.text))).toEqual([
        ['a', 'a again', 'a thrice'],
      ]);
      expect(
        fake.duplicates(m => m.text).map(g => g.map(m => m.metadata)),
      ).toEqual([[outboxMetadata('ob-2'), undefined]]);
    });

    it('close() does not wait for pending slow answers', async () => {
      fake.inject({ kind: 'slow', delayMs: 60_000 });
      const pending = rejection(
        slack.chat.postMessage({ channel: '#a', text: 'x' }),
      );
      while (fake.calls().length === 0) {
        await new Promise(resolve => setTimeout(resolve, 5));
      }
      await fake.close();
      expect(await pending).toBeInstanceOf(WebAPIRequestError);
    });
  });
});
