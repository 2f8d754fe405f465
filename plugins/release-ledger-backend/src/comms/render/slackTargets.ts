/**
 * Parsing of the Slack annotations: where a release's thread goes and whom
 * its card mentions. Values come from catalog-info.yaml, so a wrong one is
 * reported (with the annotation's name) instead of being sent to Slack.
 */

/** A channel ID (C…/G…) or a `#channel-name`, as chat.postMessage accepts. */
export type SlackChannel = { channel: string };

export type ParseResult<T> =
  | { ok: true; value: T }
  | { ok: false; message: string };

const CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;
const CHANNEL_NAME = /^#[a-z0-9][a-z0-9._-]{0,79}$/;

export function parseChannel(
  raw: string,
  source: string,
): ParseResult<SlackChannel> {
  const value = raw.trim();
  if (CHANNEL_ID.test(value) || CHANNEL_NAME.test(value)) {
    return { ok: true, value: { channel: value } };
  }
  return {
    ok: false,
    message: `${source}: '${value.slice(
      0,
      100,
    )}' is not a Slack channel; use a channel ID like C0123456789 or a name like #payments-releases`,
  };
}

/**
 * Who the status card mentions: a user group (`S…` → `<!subteam^S…>`), a
 * user (`U…`/`W…` → `<@U…>`), or a plain `@handle`, shown as text because
 * Slack only pings by ID.
 */
export type OncallMention = { mrkdwn: string };

export function parseOncall(
  raw: string,
  source: string,
): ParseResult<OncallMention> {
  const value = raw.trim();
  const group = /^(?:!subteam\^)?(S[A-Z0-9]{8,})$/.exec(value);
  if (group) return { ok: true, value: { mrkdwn: `<!subteam^${group[1]}>` } };
  if (/^[UW][A-Z0-9]{8,}$/.test(value))
    return { ok: true, value: { mrkdwn: `<@${value}>` } };
  if (/^@[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/.test(value))
    return { ok: true, value: { mrkdwn: value } };
  return {
    ok: false,
    message: `${source}: '${value.slice(
      0,
      100,
    )}' is not a Slack user group ID (S…), user ID (U…/W…) or @handle`,
  };
}
