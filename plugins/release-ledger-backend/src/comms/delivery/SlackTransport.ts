import {
  ErrorCode,
  LogLevel,
  WebClient,
  type ChatPostMessageArguments,
  type WebAPICallError,
} from '@slack/web-api';
import type { SlackMessage } from '../render/blockKit';

/** Slack message metadata type that marks our messages (found again after a crash). */
export const OUTBOX_METADATA_TYPE = 'release_ledger_message';

/** How one Slack call ended, in the terms the outbox acts on. */
export type SendOutcome =
  | { kind: 'sent'; ts: string; channelId?: string }
  /** 429: nothing was posted; the lane waits this long. */
  | { kind: 'rate_limited'; retryAfterMs: number }
  /** Needs a person (channel, auth, scopes, message limits); retrying will not help. */
  | { kind: 'permanent'; error: string }
  /**
   * Worth retrying. `mayHaveBeenSent` when Slack could have taken the
   * message before failing to answer (time-out, 5xx, dropped connection).
   */
  | { kind: 'transient'; error: string; mayHaveBeenSent: boolean };

/** Slack errors a retry cannot fix. */
const PERMANENT_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'restricted_action',
  'invalid_blocks',
  'invalid_metadata_format',
  'invalid_metadata_schema',
  'msg_too_long',
  'no_text',
  'too_many_attachments',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'thread_not_found',
  'ekm_access_denied',
  'team_access_not_granted',
]);

export type PostOptions = {
  threadTs?: string;
  broadcast?: boolean;
  /** Outbox id carried as message metadata, so a resend can be detected. */
  outboxId: number;
  releaseId?: string;
};

/** What the outbox worker needs from Slack; a fake or a null one in tests and without a token. */
export interface MessageTransport {
  /** Whether messages actually leave the process. */
  readonly delivers: boolean;
  post(
    channel: string,
    message: SlackMessage,
    options: PostOptions,
  ): Promise<SendOutcome>;
  update(
    channelId: string,
    ts: string,
    message: SlackMessage,
  ): Promise<SendOutcome>;
  /**
   * Looks for a message we may already have posted (by its outbox id in
   * the metadata): in the thread for replies, in recent channel history for
   * parents. `undefined` when it is not there.
   */
  findPosted(
    channel: string,
    outboxId: number,
    where: { threadTs?: string; sinceEpochSeconds: number },
  ): Promise<{ ts: string } | undefined>;
}

export type SlackTransportOptions = {
  token: string;
  apiUrl: string;
  /** Per-call time-out; a time-out counts as "may have been sent". */
  timeoutMs: number;
};

/**
 * The real `@slack/web-api` client with its own retries switched off and
 * 429s surfaced instead of slept on: the outbox owns retries, because Slack
 * has no idempotency key and a client-side retry after a time-out can post
 * the same message twice.
 */
export class SlackTransport implements MessageTransport {
  readonly delivers = true;
  readonly #client: WebClient;

  constructor(options: SlackTransportOptions) {
    this.#client = new WebClient(options.token, {
      slackApiUrl: options.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs,
      logLevel: LogLevel.ERROR,
    });
  }

  async post(
    channel: string,
    message: SlackMessage,
    options: PostOptions,
  ): Promise<SendOutcome> {
    try {
      // The client's argument type is a union over thread/broadcast shapes.
      const args = {
        channel,
        text: message.text,
        blocks: message.blocks as never,
        ...(options.threadTs
          ? {
              thread_ts: options.threadTs,
              reply_broadcast: Boolean(options.broadcast),
            }
          : {}),
        unfurl_links: false,
        unfurl_media: false,
        metadata: {
          event_type: OUTBOX_METADATA_TYPE,
          event_payload: {
            outbox_id: String(options.outboxId),
            ...(options.releaseId ? { release_id: options.releaseId } : {}),
          },
        },
      } as ChatPostMessageArguments;
      const result = await this.#client.chat.postMessage(args);
      return { kind: 'sent', ts: result.ts!, channelId: result.channel };
    } catch (error) {
      return classify(error);
    }
  }

  async update(
    channelId: string,
    ts: string,
    message: SlackMessage,
  ): Promise<SendOutcome> {
    try {
      const result = await this.#client.chat.update({
        channel: channelId,
        ts,
        text: message.text,
        blocks: message.blocks as never,
      });
      return { kind: 'sent', ts: result.ts ?? ts, channelId: result.channel };
    } catch (error) {
      return classify(error);
    }
  }

  async findPosted(
    channel: string,
    outboxId: number,
    where: { threadTs?: string; sinceEpochSeconds: number },
  ): Promise<{ ts: string } | undefined> {
    const id = String(outboxId);
    let cursor: string | undefined;
    // A thread or an hour of channel history is a few pages at most.
    for (let page = 0; page < 20; page++) {
      const base = {
        channel,
        include_all_metadata: true,
        limit: 200,
        cursor,
        oldest: String(where.sinceEpochSeconds),
      };
      const result = where.threadTs
        ? await this.#client.conversations.replies({
            ...base,
            ts: where.threadTs,
          })
        : await this.#client.conversations.history(base);
      for (const m of result.messages ?? []) {
        const metadata = (
          m as {
            metadata?: {
              event_type?: string;
              event_payload?: { outbox_id?: string };
            };
          }
        ).metadata;
        if (
          metadata?.event_type === OUTBOX_METADATA_TYPE &&
          metadata.event_payload?.outbox_id === id &&
          m.ts
        ) {
          return { ts: m.ts };
        }
      }
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }
}

/** Maps a client error to what the outbox does about it. */
export function classify(error: unknown): SendOutcome {
  const e = error as Partial<WebAPICallError> & { message?: string };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return {
        kind: 'rate_limited',
        retryAfterMs: Math.max(1, e.retryAfter ?? 1) * 1000,
      };
    case ErrorCode.PlatformError: {
      const slackError = e.data?.error ?? 'unknown_error';
      if (slackError === 'ratelimited') {
        return { kind: 'rate_limited', retryAfterMs: 1000 };
      }
      if (PERMANENT_ERRORS.has(slackError)) {
        return { kind: 'permanent', error: slackError };
      }
      // internal_error, fatal_error, service_unavailable, request_timeout…
      return { kind: 'transient', error: slackError, mayHaveBeenSent: true };
    }
    case ErrorCode.HTTPError:
      return {
        kind: 'transient',
        error: `HTTP ${e.statusCode} ${e.statusMessage ?? ''}`.trim(),
        mayHaveBeenSent: true,
      };
    case ErrorCode.RequestError:
    default:
      return {
        kind: 'transient',
        error: `request failed: ${
          (e as { original?: Error }).original?.message ?? e.message
        }`,
        mayHaveBeenSent: true,
      };
  }
}

export const NOT_CONFIGURED = 'not delivered: Slack not configured';

/** Without a token: every message is rendered and kept, none leaves. */
export class NotConfiguredTransport implements MessageTransport {
  readonly delivers = false;
  async post(): Promise<SendOutcome> {
    return { kind: 'permanent', error: NOT_CONFIGURED };
  }
  async update(): Promise<SendOutcome> {
    return { kind: 'permanent', error: NOT_CONFIGURED };
  }
  async findPosted() {
    return undefined;
  }
}
