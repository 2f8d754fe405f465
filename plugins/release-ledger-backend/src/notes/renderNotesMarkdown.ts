/**
 * Release notes as a CHANGELOG section, in conventional-changelog's layout:
 *
 *   ## 1.42.0 (2026-11-27)
 *
 *   ### Features
 *
 *   * **api:** add pagination ([#123](https://…/pull/123)) (9f2c1ab)
 *
 * Text from commits (subjects, scopes, breaking notes) is escaped so it shows
 * as written: it cannot open a link, an image, HTML or a heading.
 */
import {
  ReleaseNoteEntry,
  ReleaseNotes,
} from '@release-ledger/plugin-release-ledger-common';

export type RenderNotesMarkdownOptions = {
  /** The release's name, e.g. its version. */
  title: string;
  /** `2026-11-27`; a date-time is shown as its date. */
  date?: string;
};

/**
 * Inline characters that start markup: emphasis, code, links and images
 * (`[`, `]`), HTML and autolinks (`<`), entities (`&`), tables (`|`),
 * strikethrough (`~`), and the backslash itself. Every ASCII punctuation
 * character may be backslash-escaped in CommonMark.
 */
const INLINE_MARKUP = /[\\`*_[\]<>&|~]/g;
/**
 * Line starts that open a block: headings (`# `), quotes (`>`), list items
 * (`- `, `+ `, `1. `, `1) `), and lines of only `-` or `=` (rules and setext
 * underlines, which turn the line above into a heading).
 */
const BLOCK_START =
  /^(\s*)(?:(#{1,6}|[-+]|\d{1,9}[.)])(?=\s|$)|(>)|([-=])(?=[-=\s]*$))/;

/**
 * Text from a commit, shown as written in markdown. Bare URLs are kept from
 * becoming links too (GitHub-flavoured renderers link `https://…` and
 * `www.…` in text): the notes link only the PRs the ledger knows.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(INLINE_MARKUP, c => `\\${c}`)
    .replace(/\b([a-z][a-z0-9+.-]*):\/\//gi, '$1\\://')
    .replace(/\bwww\./gi, m => `${m.slice(0, 3)}\\.`)
    .replace(BLOCK_START, (whole: string, space: string) => {
      const marker = whole.slice(space.length);
      // `1.` is escaped at its dot: `\1.` would still start a list.
      return /^\d/.test(marker)
        ? `${space}${marker.slice(0, -1)}\\${marker.slice(-1)}`
        : `${space}\\${marker}`;
    });
}

/** A link target that cannot end the link early or leave http(s). */
function safeUrl(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  // encodeURIComponent leaves parentheses as they are.
  return url.replace(
    /[\s()<>\\]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

function entryLine(entry: ReleaseNoteEntry): string {
  const scope = entry.scope ? `**${escapeMarkdown(entry.scope)}:** ` : '';
  const url = entry.url ? safeUrl(entry.url) : undefined;
  let pr = '';
  if (entry.prNumber !== undefined) {
    pr = url ? ` ([#${entry.prNumber}](${url}))` : ` (#${entry.prNumber})`;
  }
  const inRelease = entry.reverts?.inRelease
    ? ' · added and reverted in this release'
    : '';
  const subject = escapeMarkdown(oneLine(entry.subject));
  // A change known only from its PR (no commits listed) has no sha.
  const sha = entry.sha ? ` (${shortSha(entry.sha)})` : '';
  return `* ${scope}${subject}${pr}${sha}${inRelease}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}

/** A breaking note below its item, indented so it stays in the item. */
function noteLines(entry: ReleaseNoteEntry): string[] {
  const note = entry.breakingNote?.trim();
  if (!note || oneLine(note) === oneLine(entry.subject)) return [];
  return [
    '',
    ...note
      .split(/\r?\n/)
      .map(line => line.trim())
      .map(line => (line ? `  ${escapeMarkdown(line)}` : '')),
  ];
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

export function renderNotesMarkdown(
  notes: ReleaseNotes,
  options: RenderNotesMarkdownOptions,
): string {
  // A date-time is shown as its date; anything else as written.
  const date =
    options.date?.match(/^\d{4}-\d{2}-\d{2}(?=T|$)/)?.[0] ??
    (options.date ? escapeMarkdown(oneLine(options.date)) : undefined);
  const out: string[] = [
    `## ${escapeMarkdown(oneLine(options.title))}${date ? ` (${date})` : ''}`,
  ];
  if (notes.flagged) {
    out.push(
      '',
      `> **Warning:** ${notes.counts.nonConventional} of ${
        notes.counts.commits
      } commits (${percent(
        notes.nonConventionalShare,
      )}) are not conventional commits, more than the ${percent(
        notes.maxNonConventionalShare,
      )} allowed.`,
    );
  }
  if (notes.truncated) {
    out.push(
      '',
      `_The newest ${notes.truncated.sent} of ${notes.truncated.total} commits._`,
    );
  }
  for (const section of notes.sections) {
    out.push('', `### ${section.title}`, '');
    for (const entry of section.entries) {
      out.push(entryLine(entry));
      if (section.kind === 'breaking') out.push(...noteLines(entry));
    }
  }
  if (notes.nonConventional.length > 0) {
    out.push('', '### Not conventional', '');
    out.push(...notes.nonConventional.map(entryLine));
  }
  if (notes.sections.length === 0 && notes.nonConventional.length === 0) {
    out.push('', 'No commits.');
  }
  return `${out.join('\n')}\n`;
}
