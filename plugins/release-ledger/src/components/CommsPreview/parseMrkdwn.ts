/**
 * Slack mrkdwn → a small tree the preview renders as React nodes.
 *
 * Safety rests on the order Slack itself uses: `<…>` controls (links,
 * mentions, dates) are found in the raw text first, and only then are the
 * three entities `&lt; &gt; &amp;` decoded, once, into plain text that is never
 * parsed again. Text the backend escaped (`&lt;!channel&gt;`) therefore shows
 * as the literal `<!channel>` and can never become a link or a mention.
 * Only http(s) URLs become links.
 *
 * See https://api.slack.com/reference/surfaces/formatting.
 */

/** Who or what a mention points at. */
export type MentionKind = 'user' | 'usergroup' | 'channel' | 'special';

/** A run of inline content. */
export type MrkdwnInline =
  | { type: 'text'; text: string }
  | { type: 'bold' | 'italic' | 'strike'; children: MrkdwnInline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; url: string; label: string }
  | { type: 'mention'; kind: MentionKind; label: string; id?: string }
  | { type: 'date'; iso?: string; fallback: string };

/** One line of the message; `bullet` when it starts with `•`. */
export type MrkdwnLine = { bullet: boolean; children: MrkdwnInline[] };

/** A `<…>` control, or one character of plain (already decoded) text. */
type Unit = string | { atom: MrkdwnInline; source: string };

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&' };

/** Decodes `&lt; &gt; &amp;` in one pass, so `&amp;lt;` stays `&lt;`. */
export function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp);/g, (_, name: string) => ENTITIES[name]);
}

const SAFE_URL = /^https?:\/\/[^\s]+$/i;

/** What `<inner>` means; `undefined` for something that is not a control. */
function parseControl(inner: string): MrkdwnInline | undefined {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : decodeEntities(inner.slice(bar + 1));

  if (/^@[UW][A-Z0-9]+$/.test(target)) {
    const id = target.slice(1);
    return { type: 'mention', kind: 'user', id, label: `@${label || id}` };
  }
  if (/^#C[A-Z0-9]+$/.test(target)) {
    const id = target.slice(1);
    return { type: 'mention', kind: 'channel', id, label: `#${label || id}` };
  }
  const subteam = /^!subteam\^([A-Z0-9]+)$/.exec(target);
  if (subteam) {
    const id = subteam[1];
    const handle = label?.replace(/^@/, '') || id;
    return { type: 'mention', kind: 'usergroup', id, label: `@${handle}` };
  }
  if (/^!(here|channel|everyone)$/.test(target)) {
    return { type: 'mention', kind: 'special', label: `@${target.slice(1)}` };
  }
  const date = /^!date\^(\d+)\^[^^]*(?:\^.*)?$/.exec(target);
  if (date) {
    const ms = Number(date[1]) * 1000;
    return {
      type: 'date',
      iso: Number.isFinite(ms) ? new Date(ms).toISOString() : undefined,
      fallback: label ?? '',
    };
  }
  // Slack sends `&` in URLs as `&amp;`.
  const url = decodeEntities(target);
  if (SAFE_URL.test(url)) {
    return { type: 'link', url, label: label || url };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    // mailto:, javascript:, slack:// … shown as their label, never a link.
    return { type: 'text', text: label || url };
  }
  return undefined;
}

/** Splits a line into controls and the decoded characters between them. */
function toUnits(line: string): Unit[] {
  const units: Unit[] = [];
  const plain = (text: string) => {
    units.push(...Array.from(decodeEntities(text)));
  };
  const controls = /<([^<>]*)>/g;
  let last = 0;
  for (let m = controls.exec(line); m; m = controls.exec(line)) {
    plain(line.slice(last, m.index));
    const atom = parseControl(m[1]);
    if (atom) {
      units.push({ atom, source: m[0] });
    } else {
      // Not a control Slack knows: shown as written.
      plain(m[0]);
    }
    last = m.index + m[0].length;
  }
  plain(line.slice(last));
  return units;
}

const MARKERS: Record<string, 'bold' | 'italic' | 'strike' | 'code'> = {
  '*': 'bold',
  _: 'italic',
  '~': 'strike',
  '`': 'code',
};

const isSpace = (u: Unit | undefined) => typeof u === 'string' && /\s/.test(u);
const isWord = (u: Unit | undefined) =>
  typeof u === 'string' && /[\p{L}\p{N}]/u.test(u);

/**
 * Where the marker at `open` closes: the next same marker that follows
 * a non-space and is not followed by a letter or digit, so `snake_case` and
 * `2 * 3` stay as they are.
 */
function findClose(units: Unit[], open: number): number {
  const marker = units[open];
  if (isWord(units[open - 1]) || !units[open + 1] || isSpace(units[open + 1])) {
    return -1;
  }
  for (let k = open + 2; k < units.length; k++) {
    if (
      units[k] === marker &&
      !isSpace(units[k - 1]) &&
      !isWord(units[k + 1])
    ) {
      return k;
    }
  }
  return -1;
}

/** Text of units as written, for code spans, which show their content as is. */
function literalOf(units: Unit[]): string {
  return units
    .map(u => (typeof u === 'string' ? u : decodeEntities(u.source)))
    .join('');
}

function parseInline(units: Unit[]): MrkdwnInline[] {
  const out: MrkdwnInline[] = [];
  let text = '';
  const flush = () => {
    if (text) {
      out.push({ type: 'text', text });
      text = '';
    }
  };
  for (let i = 0; i < units.length; i++) {
    const unit = units[i];
    if (typeof unit !== 'string') {
      flush();
      out.push(unit.atom);
      continue;
    }
    const style = MARKERS[unit];
    const close = style ? findClose(units, i) : -1;
    if (close === -1) {
      text += unit;
      continue;
    }
    flush();
    const inner = units.slice(i + 1, close);
    if (style === 'code') {
      out.push({ type: 'code', text: literalOf(inner) });
    } else {
      out.push({ type: style, children: parseInline(inner) });
    }
    i = close;
  }
  flush();
  return out;
}

/** Parses Slack mrkdwn into lines of inline content. */
export function parseMrkdwn(text: string): MrkdwnLine[] {
  return text.split('\n').map(line => {
    const bullet = /^\s*•\s?/.exec(line);
    const rest = bullet ? line.slice(bullet[0].length) : line;
    return { bullet: Boolean(bullet), children: parseInline(toUnits(rest)) };
  });
}
