/*
 * A local stand-in for the handful of Slack Web API methods Release Ledger
 * uses, driven by the real `@slack/web-api` client in tests and benchmarks.
 *
 * It answers the way Slack documents: HTTP 200 with `{ ok: true, ... }` or
 * `{ ok: false, error }`, HTTP 429 + `Retry-After` when rate limited. On top of
 * that it can inject faults and records everything it accepted so a test or a
 * benchmark can count losses and duplicates afterwards.
 *
 * Deliberate deviations from Slack (kept because they make bugs visible):
 * - `chat.postMessage` with an unknown `thread_ts` answers `thread_not_found`
 *   (Slack silently posts it as a top-level message instead).
 * - `channelMessages()` lists top-level messages only; broadcast replies stay
 *   in their thread (flagged `replyBroadcast`).
 * - Block limits are measured in UTF-16 units, i.e. at least as strict as
 *   Slack's character count.
 *
 * No jest globals in here: the benchmarks import this file outside jest.
 */
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server answers for a channel. Unlisted channels are `ok`. */
export type FakeSlackChannelState =
  | 'ok'
  | 'not_found'
  | 'archived'
  | 'not_in_channel';

/** A one-shot fault applied to the next matching call, see `inject`. */
export type FakeSlackFault =
  /** HTTP 429 + Retry-After, body `{ ok: false, error: 'ratelimited' }`. */
  | { kind: 'ratelimited'; retryAfterSeconds?: number }
  /** HTTP 500; nothing stored. */
  | { kind: 'http500' }
  /** HTTP 200 `{ ok: false, error }`; nothing stored. With `retryAfterSeconds` a Retry-After header is added. */
  | { kind: 'error'; error: string; retryAfterSeconds?: number }
  /** The call is processed (message stored) at once, the answer is sent after `delayMs`. */
  | { kind: 'slow'; delayMs: number }
  /** The call is processed (message stored), then the socket is destroyed without an answer. */
  | { kind: 'acceptThenDrop' };

export interface FakeSlackInjectOptions {
  /** Only calls to this Web API method (e.g. `chat.postMessage`) match; default any. */
  method?: string;
  /** Only calls targeting this channel (name or id) match; default any. */
  channel?: string;
  /** How many matching calls the fault applies to. Default 1. */
  count?: number;
}

export interface FakeSlackStorm {
  /** Only this method is affected; default every method. */
  method?: string;
  /** Chance (0..1) that a matching call is answered 429. */
  probability: number;
  /** Retry-After of the storm's 429s. Default 1. */
  retryAfterSeconds?: number;
}

export interface FakeSlackOptions {
  /** The only token accepted. Default: any token starting with `xoxb-`. */
  token?: string;
  /** Initial channel states keyed by `#name`, `name` or `C…` id. */
  channels?: Record<string, FakeSlackChannelState>;
  /** Slack allows about 1 post per second per channel; faster posts get a 429. Off when unset. */
  perChannelPostsPerSecond?: number;
  /** Seed of the PRNG behind storms, for reproducible runs. Default random. */
  seed?: number;
  /** Clock in epoch milliseconds (for ts, postedAt and rate limiting). Default `Date.now`. */
  now?: () => number;
}

/** Slack's message metadata: `{ event_type, event_payload }`. */
export interface FakeSlackMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export type FakeSlackBlock = Record<string, unknown>;

/** A message as the fake stores it (a snapshot when read through the inspection API). */
export interface FakeSlackMessage {
  /** Channel id (`C…`), also when the client posted to `#name`. */
  channel: string;
  ts: string;
  /** Parent ts for thread replies, undefined for top-level messages. */
  threadTs?: string;
  text?: string;
  blocks?: FakeSlackBlock[];
  metadata?: FakeSlackMetadata;
  replyBroadcast: boolean;
  unfurlLinks?: boolean;
  unfurlMedia?: boolean;
  /** How many `chat.update` calls changed this message. */
  updates: number;
  /** Server clock (ms) when the post was accepted. */
  postedAt: number;
  /** Server clock (ms) of the last update. */
  updatedAt?: number;
}

/** One HTTP call as seen by the server. */
export interface FakeSlackCall {
  /** 1-based arrival order. */
  seq: number;
  method: string;
  /** Resolved channel id, when the call named a channel. */
  channel?: string;
  /** Server clock (ms) at arrival. */
  at: number;
  /**
   * HTTP status sent; `pending` until then (slow answers), `dropped` when the
   * server destroyed the socket on purpose, `aborted` when the client went
   * away before the answer.
   */
  status: number | 'pending' | 'dropped' | 'aborted';
  ok?: boolean;
  error?: string;
  /** ts of the message the call created or updated. */
  ts?: string;
  /** Which fault shaped the answer, if any. */
  fault?: FakeSlackFault['kind'] | 'storm' | 'channelRateLimit';
  /** True when the call ignored an earlier Retry-After or posted faster than the per-channel rate. */
  violation: boolean;
  answeredAt?: number;
}

export interface FakeSlackStats {
  /** Accepted (stored) `chat.postMessage` calls. */
  posts: number;
  /** Accepted `chat.update` calls. */
  updates: number;
  /** Answers with error `ratelimited` (429s and 200 `ok:false` ones). */
  rateLimited: number;
  /** Every other failed answer: `ok:false`, HTTP 500, 404. */
  errors: number;
  /** Calls that came too early: inside a Retry-After window or faster than the per-channel rate. */
  violations: number;
  /** All HTTP calls received. */
  calls: number;
  /** Calls whose socket the server destroyed (`acceptThenDrop`). */
  dropped: number;
}

export interface FakeSlack {
  /** `http://127.0.0.1:PORT/api/` — pass as `slackApiUrl` to `WebClient`. */
  readonly apiUrl: string;
  readonly port: number;
  /** Queues a one-shot fault for the next `count` matching calls (FIFO). */
  inject(fault: FakeSlackFault, options?: FakeSlackInjectOptions): void;
  /** Faults still queued (sum of remaining counts). */
  pendingFaults(): number;
  setStorm(storm: FakeSlackStorm): void;
  clearStorm(): void;
  setChannelState(channel: string, state: FakeSlackChannelState): void;
  /** The id a `#name` (or `name`) maps to; ids are returned unchanged. */
  channelId(channel: string): string;
  calls(): FakeSlackCall[];
  /** Top-level messages of a channel (name or id) in ts order. */
  channelMessages(channel: string): FakeSlackMessage[];
  /** Parent followed by its replies in ts order; empty when the parent is unknown. */
  thread(channel: string, parentTs: string): FakeSlackMessage[];
  /** Every stored message (top-level and replies) in ts order. */
  allMessages(): FakeSlackMessage[];
  /**
   * Groups of messages sharing a key, only groups with more than one member.
   * Default key: `metadata.event_payload.outbox_id`; messages without a key are ignored.
   */
  duplicates(
    keyFn?: (message: FakeSlackMessage) => string | undefined,
  ): FakeSlackMessage[][];
  stats(): FakeSlackStats;
  /** Forgets messages, calls, stats, faults, storm, rate-limit state and runtime channel states. ts keep increasing. */
  reset(): void;
  close(): Promise<void>;
}

/** Identity returned by `auth.test` and stamped on messages. */
export const FAKE_SLACK_IDENTITY = {
  url: 'https://release-ledger-fake.slack.com/',
  team: 'Release Ledger Fake',
  user: 'release-ledger',
  team_id: 'T0FAKE00001',
  user_id: 'U0FAKE00001',
  bot_id: 'B0FAKE00001',
  app_id: 'A0FAKE00001',
} as const;

/** Slack's Block Kit limits the fake enforces. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  headerText: 150,
  sectionText: 3000,
  messageText: 40000,
  repliesPageSize: 1000,
} as const;

type Params = Record<string, unknown>;
type Body = { ok: boolean; error?: string } & Record<string, unknown>;

interface Reply {
  status: number;
  body: Body;
  headers?: Record<string, string>;
  /** ts of the message created/updated, for the call log. */
  ts?: string;
  fault?: FakeSlackCall['fault'];
}

interface QueuedFault {
  fault: FakeSlackFault;
  method?: string;
  channel?: string;
  remaining: number;
}

const KNOWN_METHODS = new Set([
  'auth.test',
  'chat.postMessage',
  'chat.update',
  'conversations.replies',
  'conversations.history',
]);

const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;

const CHANNEL_STATE_ERRORS: Record<
  Exclude<FakeSlackChannelState, 'ok'>,
  string
> = {
  not_found: 'channel_not_found',
  archived: 'is_archived',
  not_in_channel: 'not_in_channel',
};

class FakeSlackServer implements FakeSlack {
  private readonly server: Server;
  private readonly now: () => number;
  private readonly random: () => number;
  private listeningPort = 0;
  private closed = false;

  // name -> id, kept across reset() so ids stay stable for the server's life
  private readonly channelIds = new Map<string, string>();
  private readonly idsInUse = new Set<string>();
  private readonly channelStates = new Map<string, FakeSlackChannelState>();

  // channel id -> ts -> message; top-level ts lists and reply ts lists are
  // appended in creation order, which is ts order because ts only grows
  private messages = new Map<string, Map<string, FakeSlackMessage>>();
  private topLevel = new Map<string, string[]>();
  private replies = new Map<string, string[]>();

  private lastTsMicros = 0;
  private callLog: FakeSlackCall[] = [];
  private counters: FakeSlackStats = emptyStats();
  private faults: QueuedFault[] = [];
  private storm: FakeSlackStorm | undefined;
  private lastPostAt = new Map<string, number>();
  // "method|channel" -> clock until which a Retry-After we sent holds
  private retryAfterUntil = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: FakeSlackOptions) {
    this.now = options.now ?? Date.now;
    this.random = mulberry32(
      options.seed ?? Math.floor(Math.random() * 2 ** 32),
    );
    this.applyInitialChannelStates();
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(error => {
        // Never leave a client hanging on a bug in the fake itself.
        if (!res.headersSent && !res.destroyed) {
          send(res, 500, { ok: false, error: `fake_slack_bug: ${error}` });
        }
      });
    });
  }

  get port(): number {
    return this.listeningPort;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.listeningPort}/api/`;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.listeningPort = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  // ---------------------------------------------------------------- control

  inject(fault: FakeSlackFault, options: FakeSlackInjectOptions = {}): void {
    this.faults.push({
      fault,
      method: options.method,
      channel:
        options.channel === undefined
          ? undefined
          : this.channelId(options.channel),
      remaining: options.count ?? 1,
    });
  }

  pendingFaults(): number {
    return this.faults.reduce((sum, f) => sum + f.remaining, 0);
  }

  setStorm(storm: FakeSlackStorm): void {
    this.storm = storm;
  }

  clearStorm(): void {
    this.storm = undefined;
  }

  setChannelState(channel: string, state: FakeSlackChannelState): void {
    this.channelStates.set(this.channelId(channel), state);
  }

  channelId(channel: string): string {
    if (CHANNEL_ID.test(channel)) {
      return channel;
    }
    const name = channel.replace(/^#/, '').toLowerCase();
    let id = this.channelIds.get(name);
    if (!id) {
      // Derived from the name so the same name gets the same id on every
      // server; the suffix loop only runs on a hash collision.
      const base = `C${fnv1a(name)
        .toString(36)
        .toUpperCase()
        .padStart(8, '0')}`;
      id = base;
      for (let i = 1; this.idsInUse.has(id); i++) {
        id = `${base}${i}`;
      }
      this.channelIds.set(name, id);
      this.idsInUse.add(id);
    }
    return id;
  }

  // ------------------------------------------------------------- inspection

  calls(): FakeSlackCall[] {
    return this.callLog.map(c => ({ ...c }));
  }

  channelMessages(channel: string): FakeSlackMessage[] {
    const id = this.channelId(channel);
    const byTs = this.messages.get(id);
    return (this.topLevel.get(id) ?? []).map(ts => snapshot(byTs!.get(ts)!));
  }

  thread(channel: string, parentTs: string): FakeSlackMessage[] {
    const id = this.channelId(channel);
    const parent = this.messages.get(id)?.get(parentTs);
    if (!parent || parent.threadTs) {
      return [];
    }
    return this.threadOf(parent).map(snapshot);
  }

  allMessages(): FakeSlackMessage[] {
    const all: FakeSlackMessage[] = [];
    for (const byTs of this.messages.values()) {
      for (const m of byTs.values()) {
        all.push(snapshot(m));
      }
    }
    return all.sort((a, b) => tsMicros(a.ts) - tsMicros(b.ts));
  }

  duplicates(
    keyFn: (message: FakeSlackMessage) => string | undefined = outboxId,
  ): FakeSlackMessage[][] {
    const groups = new Map<string, FakeSlackMessage[]>();
    for (const m of this.allMessages()) {
      const key = keyFn(m);
      if (key !== undefined) {
        const group = groups.get(key) ?? [];
        group.push(m);
        groups.set(key, group);
      }
    }
    return [...groups.values()].filter(g => g.length > 1);
  }

  stats(): FakeSlackStats {
    return { ...this.counters };
  }

  reset(): void {
    this.messages = new Map();
    this.topLevel = new Map();
    this.replies = new Map();
    this.callLog = [];
    this.counters = emptyStats();
    this.faults = [];
    this.storm = undefined;
    this.lastPostAt = new Map();
    this.retryAfterUntil = new Map();
    this.channelStates.clear();
    this.applyInitialChannelStates();
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
    await new Promise<void>((resolve, reject) => {
      this.server.close(error => (error ? reject(error) : resolve()));
      // fetch keeps connections alive; without this close() would wait for them
      this.server.closeAllConnections();
    });
  }

  // ------------------------------------------------------------------- HTTP

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = url.pathname.startsWith('/api/')
      ? decodeURIComponent(url.pathname.slice('/api/'.length))
      : url.pathname;
    const raw = await readBody(req);
    const parsed = parseParams(req.headers['content-type'], raw, url);
    const params = 'error' in parsed ? {} : parsed.params;
    const channelArg = str(params.channel);

    const call: FakeSlackCall = {
      seq: this.callLog.length + 1,
      method,
      channel: channelArg ? this.channelId(channelArg) : undefined,
      at: this.now(),
      status: 'pending',
      violation: false,
    };
    this.callLog.push(call);
    this.counters.calls++;

    let reply: Reply;
    let fault: FakeSlackFault | undefined;
    if (!KNOWN_METHODS.has(method)) {
      reply = { status: 404, body: { ok: false, error: 'unknown_method' } };
    } else if ('error' in parsed) {
      reply = fail(parsed.error);
    } else {
      const authError = this.checkAuth(req, params);
      if (authError) {
        reply = fail(authError);
      } else {
        call.violation = this.isEarly(method, call.channel);
        fault = this.takeFault(method, call.channel);
        reply = this.answer(method, params, call, fault);
      }
    }
    this.account(call, reply);

    if (fault?.kind === 'acceptThenDrop') {
      call.status = 'dropped';
      this.counters.dropped++;
      req.socket.destroy();
      return;
    }
    res.on('close', () => {
      if (!res.writableFinished && call.status === 'pending') {
        call.status = 'aborted';
      }
    });
    const deliver = () => {
      if (res.destroyed) {
        return;
      }
      call.status = reply.status;
      call.answeredAt = this.now();
      send(res, reply.status, reply.body, reply.headers);
    };
    if (fault?.kind === 'slow') {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        deliver();
      }, fault.delayMs);
      this.timers.add(timer);
    } else {
      deliver();
    }
  }

  /** Fault queue, then storm, then the per-channel limiter, then the method itself. */
  private answer(
    method: string,
    params: Params,
    call: FakeSlackCall,
    fault: FakeSlackFault | undefined,
  ): Reply {
    switch (fault?.kind) {
      case 'ratelimited':
        return this.rateLimited(method, call, fault.retryAfterSeconds ?? 1, {
          fault: 'ratelimited',
        });
      case 'http500':
        return {
          status: 500,
          body: { ok: false, error: 'internal_error' },
          fault: 'http500',
        };
      case 'error': {
        const reply: Reply = { ...fail(fault.error), fault: 'error' };
        if (fault.retryAfterSeconds !== undefined) {
          reply.headers = { 'Retry-After': String(fault.retryAfterSeconds) };
          this.holdRetryAfter(method, call, fault.retryAfterSeconds);
        }
        return reply;
      }
      default:
        break;
    }
    const storm = this.storm;
    if (
      storm &&
      (!storm.method || storm.method === method) &&
      this.random() < storm.probability
    ) {
      return this.rateLimited(method, call, storm.retryAfterSeconds ?? 1, {
        fault: 'storm',
      });
    }

    let reply: Reply;
    switch (method) {
      case 'auth.test':
        reply = { status: 200, body: { ok: true, ...authTestBody() } };
        break;
      case 'chat.postMessage':
        reply = this.chatPostMessage(params, call);
        break;
      case 'chat.update':
        reply = this.chatUpdate(params, call);
        break;
      case 'conversations.history':
        reply = this.conversationsHistory(params, call);
        break;
      default:
        reply = this.conversationsReplies(params, call);
        break;
    }
    return fault ? { ...reply, fault: fault.kind } : reply;
  }

  private checkAuth(req: IncomingMessage, params: Params): string | undefined {
    const header = req.headers.authorization;
    const token = header?.match(/^Bearer\s+(.+)$/i)?.[1] ?? str(params.token);
    if (!token) {
      return 'not_authed';
    }
    const valid = this.options.token
      ? token === this.options.token
      : token.startsWith('xoxb-');
    return valid ? undefined : 'invalid_auth';
  }

  /** A call inside a Retry-After window we announced is a client bug. */
  private isEarly(method: string, channel: string | undefined): boolean {
    const until = this.retryAfterUntil.get(`${method}|${channel ?? ''}`);
    return until !== undefined && this.now() < until;
  }

  private takeFault(
    method: string,
    channel: string | undefined,
  ): FakeSlackFault | undefined {
    const index = this.faults.findIndex(
      f =>
        (!f.method || f.method === method) &&
        (!f.channel || f.channel === channel),
    );
    if (index < 0) {
      return undefined;
    }
    const queued = this.faults[index];
    queued.remaining--;
    if (queued.remaining <= 0) {
      this.faults.splice(index, 1);
    }
    return queued.fault;
  }

  private rateLimited(
    method: string,
    call: FakeSlackCall,
    retryAfterSeconds: number,
    extra: Partial<Reply>,
  ): Reply {
    this.holdRetryAfter(method, call, retryAfterSeconds);
    return {
      status: 429,
      body: { ok: false, error: 'ratelimited' },
      headers: { 'Retry-After': String(retryAfterSeconds) },
      ...extra,
    };
  }

  private holdRetryAfter(
    method: string,
    call: FakeSlackCall,
    retryAfterSeconds: number,
  ) {
    this.retryAfterUntil.set(
      `${method}|${call.channel ?? ''}`,
      call.at + retryAfterSeconds * 1000,
    );
  }

  private account(call: FakeSlackCall, reply: Reply) {
    call.ok = reply.body.ok;
    call.error = reply.body.error;
    call.ts = reply.ts;
    call.fault = reply.fault;
    if (call.violation) {
      this.counters.violations++;
    }
    if (reply.body.error === 'ratelimited') {
      this.counters.rateLimited++;
    } else if (reply.status !== 200 || !reply.body.ok) {
      this.counters.errors++;
    }
  }

  // ---------------------------------------------------------------- methods

  private chatPostMessage(params: Params, call: FakeSlackCall): Reply {
    const channel = call.channel;
    if (!channel) {
      return fail('channel_not_found');
    }
    const rate = this.options.perChannelPostsPerSecond;
    const last = this.lastPostAt.get(channel);
    if (rate !== undefined && last !== undefined) {
      const waitMs = 1000 / rate - (call.at - last);
      if (waitMs > 0) {
        // Posting faster than the documented rate is misbehaviour too.
        call.violation = true;
        return this.rateLimited(
          'chat.postMessage',
          call,
          Math.max(1, Math.ceil(waitMs / 1000)),
          { fault: 'channelRateLimit' },
        );
      }
    }
    const stateError = this.channelError(channel);
    if (stateError) {
      return fail(stateError);
    }
    const content = readContent(params);
    if ('error' in content) {
      return content.error;
    }

    let threadTs = tsParam(params.thread_ts);
    if (threadTs !== undefined) {
      const parent = this.messages.get(channel)?.get(threadTs);
      if (!parent) {
        return fail('thread_not_found');
      }
      // Replying to a reply lands in the same thread, as in Slack.
      threadTs = parent.threadTs ?? parent.ts;
    }

    const message: FakeSlackMessage = {
      channel,
      ts: this.nextTs(),
      threadTs,
      text: content.text,
      blocks: content.blocks,
      metadata: content.metadata,
      replyBroadcast: threadTs !== undefined && bool(params.reply_broadcast),
      unfurlLinks: optionalBool(params.unfurl_links),
      unfurlMedia: optionalBool(params.unfurl_media),
      updates: 0,
      postedAt: call.at,
    };
    this.store(message);
    this.lastPostAt.set(channel, call.at);
    this.counters.posts++;
    return {
      status: 200,
      body: {
        ok: true,
        channel,
        ts: message.ts,
        message: this.apiMessage(message, true),
      },
      ts: message.ts,
    };
  }

  private chatUpdate(params: Params, call: FakeSlackCall): Reply {
    const channel = call.channel;
    if (!channel) {
      return fail('channel_not_found');
    }
    const stateError = this.channelError(channel);
    if (stateError) {
      return fail(stateError);
    }
    const message = this.messages.get(channel)?.get(tsParam(params.ts) ?? '');
    if (!message) {
      return fail('message_not_found');
    }
    const content = readContent(params);
    if ('error' in content) {
      return content.error;
    }
    message.text = content.text;
    message.blocks = content.blocks;
    // Slack keeps the old metadata when an update does not send any.
    message.metadata = content.metadata ?? message.metadata;
    message.updates++;
    message.updatedAt = call.at;
    this.counters.updates++;
    return {
      status: 200,
      body: {
        ok: true,
        channel,
        ts: message.ts,
        text: message.text ?? '',
        message: this.apiMessage(message, true),
      },
      ts: message.ts,
    };
  }

  private conversationsReplies(params: Params, call: FakeSlackCall): Reply {
    const channel = call.channel;
    if (!channel) {
      return fail('channel_not_found');
    }
    const state = this.channelStates.get(channel) ?? 'ok';
    // Archived channels stay readable.
    if (state === 'not_found' || state === 'not_in_channel') {
      return fail(CHANNEL_STATE_ERRORS[state]);
    }
    const target = this.messages.get(channel)?.get(tsParam(params.ts) ?? '');
    if (!target) {
      return fail('thread_not_found');
    }
    const parent = target.threadTs
      ? this.messages.get(channel)!.get(target.threadTs)!
      : target;
    const all = this.threadOf(parent);

    const requested = Number(str(params.limit) ?? SLACK_LIMITS.repliesPageSize);
    const limit =
      Number.isInteger(requested) && requested > 0
        ? Math.min(requested, SLACK_LIMITS.repliesPageSize)
        : SLACK_LIMITS.repliesPageSize;
    let start = 0;
    const cursor = str(params.cursor);
    if (cursor) {
      const from = decodeCursor(cursor);
      if (from === undefined) {
        return fail('invalid_cursor');
      }
      start = all.findIndex(m => tsMicros(m.ts) >= from);
      if (start < 0) {
        start = all.length;
      }
    }
    const page = all.slice(start, start + limit);
    const next = all[start + limit];
    const withMetadata = bool(params.include_all_metadata);
    return {
      status: 200,
      body: {
        ok: true,
        messages: page.map(m => this.apiMessage(m, withMetadata)),
        has_more: next !== undefined,
        response_metadata: { next_cursor: next ? encodeCursor(next.ts) : '' },
      },
    };
  }

  /**
   * Top-level messages of a channel, newest first, within `oldest`/`latest`
   * (epoch seconds, exclusive like Slack's defaults), paginated by cursor.
   */
  private conversationsHistory(params: Params, call: FakeSlackCall): Reply {
    const channel = call.channel;
    if (!channel) {
      return fail('channel_not_found');
    }
    const state = this.channelStates.get(channel) ?? 'ok';
    if (state === 'not_found' || state === 'not_in_channel') {
      return fail(CHANNEL_STATE_ERRORS[state]);
    }
    const oldest = tsMicros(str(params.oldest) ?? '0');
    const latest = str(params.latest);
    const byTs = this.messages.get(channel);
    let all = (this.topLevel.get(channel) ?? [])
      .map(t => byTs!.get(t)!)
      .filter(m => tsMicros(m.ts) > oldest)
      .filter(m => latest === undefined || tsMicros(m.ts) < tsMicros(latest))
      .reverse();
    const cursor = str(params.cursor);
    if (cursor) {
      const from = decodeCursor(cursor);
      if (from === undefined) {
        return fail('invalid_cursor');
      }
      all = all.filter(m => tsMicros(m.ts) <= from);
    }
    const requested = Number(str(params.limit) ?? 100);
    const limit =
      Number.isInteger(requested) && requested > 0
        ? Math.min(requested, 999)
        : 100;
    const page = all.slice(0, limit);
    const next = all[limit];
    const withMetadata = bool(params.include_all_metadata);
    return {
      status: 200,
      body: {
        ok: true,
        messages: page.map(m => this.apiMessage(m, withMetadata)),
        has_more: next !== undefined,
        response_metadata: { next_cursor: next ? encodeCursor(next.ts) : '' },
      },
    };
  }

  // ---------------------------------------------------------------- storage

  private store(message: FakeSlackMessage) {
    let byTs = this.messages.get(message.channel);
    if (!byTs) {
      byTs = new Map();
      this.messages.set(message.channel, byTs);
    }
    byTs.set(message.ts, message);
    if (message.threadTs) {
      const key = `${message.channel}|${message.threadTs}`;
      const list = this.replies.get(key) ?? [];
      list.push(message.ts);
      this.replies.set(key, list);
    } else {
      const list = this.topLevel.get(message.channel) ?? [];
      list.push(message.ts);
      this.topLevel.set(message.channel, list);
    }
  }

  private threadOf(parent: FakeSlackMessage): FakeSlackMessage[] {
    const byTs = this.messages.get(parent.channel)!;
    const replyTs = this.replies.get(`${parent.channel}|${parent.ts}`) ?? [];
    return [parent, ...replyTs.map(t => byTs.get(t)!)];
  }

  private channelError(channel: string): string | undefined {
    const state = this.channelStates.get(channel) ?? 'ok';
    return state === 'ok' ? undefined : CHANNEL_STATE_ERRORS[state];
  }

  /** Slack-style ts: seconds.microseconds, strictly increasing server-wide. */
  private nextTs(): string {
    const micros = Math.max(
      Math.floor(this.now() * 1000),
      this.lastTsMicros + 1,
    );
    this.lastTsMicros = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(
      6,
      '0',
    )}`;
  }

  /** The message object as Slack's API returns it. */
  private apiMessage(
    m: FakeSlackMessage,
    withMetadata: boolean,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {
      type: 'message',
      user: FAKE_SLACK_IDENTITY.user_id,
      bot_id: FAKE_SLACK_IDENTITY.bot_id,
      app_id: FAKE_SLACK_IDENTITY.app_id,
      team: FAKE_SLACK_IDENTITY.team_id,
      text: m.text ?? '',
      ts: m.ts,
    };
    if (m.blocks) {
      out.blocks = m.blocks;
    }
    if (m.threadTs) {
      out.thread_ts = m.threadTs;
      out.parent_user_id = FAKE_SLACK_IDENTITY.user_id;
      if (m.replyBroadcast) {
        out.subtype = 'thread_broadcast';
      }
    } else {
      const replyTs = this.replies.get(`${m.channel}|${m.ts}`) ?? [];
      if (replyTs.length > 0) {
        out.thread_ts = m.ts;
        out.reply_count = replyTs.length;
        out.reply_users_count = 1;
        out.reply_users = [FAKE_SLACK_IDENTITY.user_id];
        out.latest_reply = replyTs[replyTs.length - 1];
      }
    }
    if (m.updates > 0 && m.updatedAt !== undefined) {
      out.edited = {
        user: FAKE_SLACK_IDENTITY.user_id,
        ts: `${Math.floor(m.updatedAt / 1000)}.000000`,
      };
    }
    if (withMetadata && m.metadata) {
      out.metadata = m.metadata;
    }
    return out;
  }

  private applyInitialChannelStates() {
    for (const [channel, state] of Object.entries(
      this.options.channels ?? {},
    )) {
      this.channelStates.set(this.channelId(channel), state);
    }
  }
}

/** Starts the fake on 127.0.0.1 with a random port. */
export async function startFakeSlack(
  options: FakeSlackOptions = {},
): Promise<FakeSlack> {
  const fake = new FakeSlackServer(options);
  await fake.listen();
  return fake;
}

// ------------------------------------------------------------------ helpers

function emptyStats(): FakeSlackStats {
  return {
    posts: 0,
    updates: 0,
    rateLimited: 0,
    errors: 0,
    violations: 0,
    calls: 0,
    dropped: 0,
  };
}

function authTestBody() {
  const { app_id: _appId, ...identity } = FAKE_SLACK_IDENTITY;
  return identity;
}

function fail(error: string): Reply {
  return { status: 200, body: { ok: false, error } };
}

function send(
  res: ServerResponse,
  status: number,
  body: Body,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Form bodies (what WebClient sends), JSON bodies, and query parameters. */
function parseParams(
  contentType: string | undefined,
  raw: string,
  url: URL,
): { params: Params } | { error: string } {
  const params: Params = Object.fromEntries(url.searchParams);
  if (contentType?.startsWith('application/json')) {
    if (raw.trim() === '') {
      return { params };
    }
    try {
      const json: unknown = JSON.parse(raw);
      if (!isObject(json)) {
        return { error: 'invalid_json' };
      }
      return { params: { ...params, ...json } };
    } catch {
      return { error: 'invalid_json' };
    }
  }
  return {
    params: { ...params, ...Object.fromEntries(new URLSearchParams(raw)) },
  };
}

interface Content {
  text?: string;
  blocks?: FakeSlackBlock[];
  metadata?: FakeSlackMetadata;
}

/** text/blocks/metadata of a post or update, validated like Slack does. */
function readContent(params: Params): Content | { error: Reply } {
  const text = str(params.text);
  if (text !== undefined && text.length > SLACK_LIMITS.messageText) {
    return { error: fail('msg_too_long') };
  }

  let blocks: FakeSlackBlock[] | undefined;
  if (params.blocks !== undefined && params.blocks !== '') {
    const value = parseJsonField(params.blocks);
    const problems = blockProblems(value);
    if (problems.length > 0) {
      return {
        error: {
          status: 200,
          body: {
            ok: false,
            error: 'invalid_blocks',
            // Slack explains which block failed this way; WebClient logs it.
            response_metadata: { messages: problems.map(p => `[ERROR] ${p}`) },
          },
        },
      };
    }
    blocks = value as FakeSlackBlock[];
    if (blocks.length === 0) {
      blocks = undefined;
    }
  }
  if (!text && !blocks) {
    return { error: fail('no_text') };
  }

  let metadata: FakeSlackMetadata | undefined;
  if (params.metadata !== undefined && params.metadata !== '') {
    const value = parseJsonField(params.metadata);
    if (!isObject(value)) {
      return { error: fail('invalid_metadata_format') };
    }
    if (
      typeof value.event_type !== 'string' ||
      value.event_type === '' ||
      !isObject(value.event_payload)
    ) {
      return { error: fail('invalid_metadata_schema') };
    }
    metadata = {
      event_type: value.event_type,
      event_payload: value.event_payload,
    };
  }
  return { text: text || undefined, blocks, metadata };
}

function blockProblems(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) {
    return ['must be an array [json-pointer:/blocks]'];
  }
  const problems: string[] = [];
  if (blocks.length > SLACK_LIMITS.blocksPerMessage) {
    problems.push(
      `no more than ${SLACK_LIMITS.blocksPerMessage} items allowed [json-pointer:/blocks]`,
    );
  }
  blocks.forEach((block: unknown, i) => {
    if (!isObject(block) || typeof block.type !== 'string') {
      problems.push(`missing required field: type [json-pointer:/blocks/${i}]`);
      return;
    }
    const text = isObject(block.text) ? block.text.text : undefined;
    const length = typeof text === 'string' ? text.length : 0;
    if (block.type === 'header' && length > SLACK_LIMITS.headerText) {
      problems.push(
        `must be less than ${
          SLACK_LIMITS.headerText + 1
        } characters [json-pointer:/blocks/${i}/text/text]`,
      );
    }
    if (block.type === 'section' && length > SLACK_LIMITS.sectionText) {
      problems.push(
        `must be less than ${
          SLACK_LIMITS.sectionText + 1
        } characters [json-pointer:/blocks/${i}/text]`,
      );
    }
  });
  return problems;
}

/** WebClient sends objects as JSON strings inside the form; JSON bodies carry them as-is. */
function parseJsonField(value: unknown): unknown {
  if (typeof value !== 'string') {
    return value;
  }
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  return typeof value === 'number' ? String(value) : undefined;
}

/** ts given as a JSON number would lose trailing zeros with String(). */
function tsParam(value: unknown): string | undefined {
  return typeof value === 'number' ? value.toFixed(6) : str(value);
}

function bool(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

function optionalBool(value: unknown): boolean | undefined {
  return value === undefined ? undefined : bool(value);
}

function tsMicros(value: string): number {
  const [seconds, fraction = ''] = value.split('.');
  return Number(seconds) * 1e6 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

// Opaque to clients like Slack's; it names the first ts of the next page so
// replies added between pages do not shift it.
function encodeCursor(nextTs: string): string {
  return Buffer.from(`next_ts:${nextTs}`).toString('base64');
}

function decodeCursor(cursor: string): number | undefined {
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  const match = decoded.match(/^next_ts:(\d+\.\d+)$/);
  return match ? tsMicros(match[1]) : undefined;
}

function outboxId(message: FakeSlackMessage): string | undefined {
  const id = message.metadata?.event_payload.outbox_id;
  return typeof id === 'string' || typeof id === 'number'
    ? String(id)
    : undefined;
}

function snapshot(message: FakeSlackMessage): FakeSlackMessage {
  return structuredClone(message);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Small seeded PRNG so storms are reproducible. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
