import { escapeText, link, truncate } from '../mrkdwn';

/** The Block Kit blocks the ledger sends (a subset of Slack's KnownBlock). */
export type TextObject =
  | { type: 'mrkdwn'; text: string }
  | { type: 'plain_text'; text: string; emoji?: boolean };

export type Block =
  | {
      type: 'header';
      text: { type: 'plain_text'; text: string; emoji?: boolean };
    }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' };

/** A message as chat.postMessage / chat.update take it: fallback text and blocks. */
export type SlackMessage = { text: string; blocks: Block[] };

/** Slack's documented limits (https://api.slack.com/reference/block-kit/blocks). */
export const LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  /** chat.postMessage truncates `text` beyond 40,000; notifications show far less. */
  fallbackText: 3000,
} as const;

export const mrkdwn = (text: string): TextObject => ({ type: 'mrkdwn', text });

export const section = (text: string): Block => ({
  type: 'section',
  text: mrkdwn(text),
});

export const header = (text: string): Block => ({
  type: 'header',
  text: { type: 'plain_text', text, emoji: true },
});

export const context = (...texts: string[]): Block => ({
  type: 'context',
  elements: texts.map(mrkdwn),
});

/**
 * Makes a message fit Block Kit's limits: long texts are cut with a link to
 * the release page, blocks beyond 49 are replaced by one pointing there.
 * Texts must already be escaped mrkdwn (plain_text headers are raw text).
 */
export function fitMessage(
  message: SlackMessage,
  releaseUrl: string,
): SlackMessage {
  const more = ` ${link(releaseUrl, 'full text in Backstage')}`;
  const fitText = (t: TextObject, max: number): TextObject =>
    t.type === 'mrkdwn'
      ? { ...t, text: truncate(t.text, max, more) }
      : { ...t, text: truncate(t.text, max) };
  let blocks = message.blocks.map((b): Block => {
    switch (b.type) {
      case 'header':
        return {
          ...b,
          text: { ...b.text, text: truncate(b.text.text, LIMITS.headerText) },
        };
      case 'section':
        return {
          ...b,
          ...(b.text ? { text: fitText(b.text, LIMITS.sectionText) } : {}),
          ...(b.fields
            ? {
                fields: b.fields
                  .slice(0, LIMITS.fields)
                  .map(f => fitText(f, LIMITS.fieldText)),
              }
            : {}),
        };
      case 'context':
        return {
          ...b,
          elements: b.elements
            .slice(0, LIMITS.contextElements)
            .map(e => fitText(e, LIMITS.sectionText)),
        };
      default:
        return b;
    }
  });
  if (blocks.length > LIMITS.blocks) {
    const hidden = blocks.length - (LIMITS.blocks - 1);
    blocks = [
      ...blocks.slice(0, LIMITS.blocks - 1),
      context(
        `${hidden} more ${hidden === 1 ? 'entry' : 'entries'}: ${link(
          releaseUrl,
          'see the release in Backstage',
        )}`,
      ),
    ];
  }
  return {
    text: truncate(message.text, LIMITS.fallbackText),
    blocks,
  };
}

/** Plain text for notifications and headers: no mrkdwn there, so only escaping. */
export function plain(text: string): string {
  return escapeText(text);
}
