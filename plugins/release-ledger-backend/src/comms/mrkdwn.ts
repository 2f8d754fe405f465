/**
 * Slack mrkdwn helpers. Text from outside (PR titles, commit messages,
 * reasons, payload fields) goes through `escapeText` before it is put in a
 * message: Slack reads `<…>` as links and mentions (`<!channel>`,
 * `<https://evil|click>`, `<@U123>`) and `&` starts an entity, so those three
 * are encoded as Slack documents (https://api.slack.com/reference/surfaces/formatting#escaping).
 * Everything the ledger adds itself (links, bold, the on-call mention) is
 * built from escaped parts by the functions below.
 */

/** Encodes `&`, `<` and `>` so the text is shown as written. */
export function escapeText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * A link with an escaped label. Only http(s) URLs become links; anything
 * else (a `javascript:` or `slack://` URL from a payload) shows the label only.
 */
export function link(url: string, label: string): string {
  if (!/^https?:\/\//i.test(url)) return escapeText(label);
  // `|` ends the URL part and `>` the link: neither may appear unencoded.
  const safeUrl = url.replace(/[<>|\s]/g, c => encodeURIComponent(c));
  return `<${safeUrl}|${escapeText(label)}>`;
}

/** Inline code: backticks would end it early, so they are swapped for a look-alike. */
export function code(text: string): string {
  return `\`${escapeText(text).replace(/`/g, 'ˋ')}\``;
}

/** Bold; asterisks inside would end it early. */
export function bold(text: string): string {
  return `*${escapeText(text).replace(/\*/g, '∗')}*`;
}

/**
 * Shortens text to at most `max` characters, ending with `…` and, when given,
 * a suffix (e.g. a link to the full release page) that always fits.
 */
export function truncate(text: string, max: number, suffix = ''): string {
  if (text.length <= max) return text;
  const room = max - suffix.length - 1;
  if (room <= 0) return suffix.slice(0, max);
  let cut = text.slice(0, room);
  // Do not cut an entity (&amp;) or a link (<…|…>) in half.
  const amp = cut.lastIndexOf('&');
  if (amp > cut.lastIndexOf(';')) cut = cut.slice(0, amp);
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  return `${cut}…${suffix}`;
}
