/**
 * Reads a release checklist: a markdown file kept in the service's
 * repository (`RELEASE_CHECKLIST.md` by default). Pure: no IO.
 *
 * The format, documented in the plugin's README and shown by the default
 * template (`templates/RELEASE_CHECKLIST.md`):
 *
 * - A heading (any level from `##`) starts a section when it names its
 *   phase: "Pre-release", "During release" or "Post-release" (also
 *   "before"/"after" release, "rollout"), or when it carries the marker
 *   `<!-- release-ledger: pre -->` (`during`, `post`) — the way to write
 *   headings in any language. `(owner: on-call)` in the heading names the
 *   role that owns the section.
 * - Items are task-list lines (`- [ ] …`, `* [ ]`, `+ [ ]`, `1. [ ]`), at
 *   any depth; an item's text may continue on the lines below it. Deeper
 *   headings inside a section (`### Database`) keep their items in it.
 * - An item is required when its text ends with `(required)` or carries
 *   `<!-- required -->`.
 * - Fenced code blocks and comment blocks are skipped, so an example
 *   checklist inside one is not read as items.
 */
import {
  Checklist,
  ChecklistItem,
  ChecklistPhase,
  ChecklistSection,
  CHECKLIST_PHASES,
} from '@release-ledger/plugin-release-ledger-common';

/** A file that is not a usable checklist; the message says why and where. */
export class ChecklistParseError extends Error {
  readonly line?: number;

  constructor(message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'ChecklistParseError';
    this.line = line;
  }
}

/** Bigger files are refused: a checklist is a page, not a manual. */
export const MAX_CHECKLIST_BYTES = 64 * 1024;
export const MAX_CHECKLIST_ITEMS = 300;
const MAX_ITEM_TEXT = 500;

const PHASE_MARKER =
  /<!--\s*release-ledger\s*:\s*(pre|during|post)(?:-release)?\s*-->/i;
const REQUIRED_COMMENT = /<!--\s*required\s*-->/i;
const REQUIRED_SUFFIX = /\s*\(\s*required\s*\)\s*$/i;
const OWNER = /\(\s*owner\s*:\s*([^)]+?)\s*\)/i;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const TASK = /^\s*(?:[-*+]|\d{1,9}[.)])[ \t]+\[[ xX]\][ \t]+(.*)$/;
const BULLET = /^\s*(?:[-*+]|\d{1,9}[.)])[ \t]+/;

/** The phase a heading names in English, or undefined. */
function phaseOfHeading(text: string): ChecklistPhase | undefined {
  const marker = PHASE_MARKER.exec(text);
  if (marker) return marker[1].toLowerCase() as ChecklistPhase;
  const t = text.toLowerCase();
  if (/\bpre[-\s]?(release|deploy(ment)?)\b|\bbefore (the )?release\b/.test(t))
    return 'pre';
  if (/\bpost[-\s]?(release|deploy(ment)?)\b|\bafter (the )?release\b/.test(t))
    return 'post';
  if (/\bduring (the )?(release|deploy(ment)?)\b|\brollout\b/.test(t))
    return 'during';
  return undefined;
}

/**
 * The slug of an item's text: lower-case letters and digits of any script,
 * dashes between; Latin accents dropped (é → e), other scripts' marks kept
 * (デ stays デ).
 */
function slugOf(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]+/g, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'item';
}

function cleanHeading(text: string): string {
  return text
    .replace(PHASE_MARKER, '')
    .replace(OWNER, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Parses a checklist file. Throws ChecklistParseError when the file is too
 * big, has no section, or has more items than a checklist should.
 */
export function parseChecklist(markdown: string): Checklist {
  const bytes = Buffer.byteLength(markdown, 'utf8');
  if (bytes > MAX_CHECKLIST_BYTES) {
    throw new ChecklistParseError(
      `the checklist is ${Math.ceil(bytes / 1024)} KiB; at most ${
        MAX_CHECKLIST_BYTES / 1024
      } KiB is read (a checklist is one page: move long procedures to linked runbooks)`,
    );
  }
  const lines = markdown.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);

  const sections = new Map<ChecklistPhase, ChecklistSection>();
  const warnings: string[] = [];
  const ids = new Set<string>();
  let title: string | undefined;
  let current: { section: ChecklistSection; level: number } | undefined;
  let fence: string | undefined;
  let inComment = false;
  let open: { item: ChecklistItem } | undefined;
  let ignoredBullets = 0;
  let orphanItems = 0;
  let itemCount = 0;

  const finish = () => {
    if (!open) return;
    const { item } = open;
    let text = item.text.replace(/\s+/g, ' ').trim();
    if (REQUIRED_COMMENT.test(text)) {
      item.required = true;
      text = text.replace(REQUIRED_COMMENT, ' ').replace(/\s+/g, ' ').trim();
    }
    if (REQUIRED_SUFFIX.test(text)) {
      item.required = true;
      text = text.replace(REQUIRED_SUFFIX, '');
    }
    item.text = text.slice(0, MAX_ITEM_TEXT);
    const base = `${current!.section.phase}.${slugOf(item.text)}`;
    let id = base;
    for (let n = 2; ids.has(id); n++) id = `${base}-${n}`;
    ids.add(id);
    item.id = id;
    if (item.text) current!.section.items.push(item);
    open = undefined;
  };

  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      // A fence closes with the same character, at least as long.
      if (
        fenceMatch &&
        fenceMatch[1][0] === fence[0] &&
        fenceMatch[1].length >= fence.length &&
        line.trim() === fenceMatch[1]
      ) {
        fence = undefined;
      }
      return;
    }
    if (fenceMatch) {
      finish();
      fence = fenceMatch[1];
      return;
    }
    // A comment block (notes to the file's editors) is not read; a marker
    // comment on one line is.
    if (inComment) {
      if (line.includes('-->')) inComment = false;
      return;
    }
    if (/^\s*<!--/.test(line) && !line.includes('-->')) {
      finish();
      inComment = true;
      return;
    }

    const heading = HEADING.exec(line);
    if (heading) {
      finish();
      const level = heading[1].length;
      const text = heading[2];
      const phase = level >= 2 ? phaseOfHeading(text) : undefined;
      if (level === 1 && title === undefined) title = cleanHeading(text);
      if (phase) {
        const existing = sections.get(phase);
        if (existing) {
          warnings.push(
            `line ${lineNo}: a second ${phase}-release section; its items are added to the first`,
          );
          current = { section: existing, level };
        } else {
          const owner = OWNER.exec(text);
          const section: ChecklistSection = {
            phase,
            title: cleanHeading(text),
            ...(owner ? { ownerRole: owner[1] } : {}),
            items: [],
          };
          sections.set(phase, section);
          current = { section, level };
        }
      } else if (current && level <= current.level) {
        // A sibling or parent heading that is not a phase ends the section.
        current = undefined;
      }
      return;
    }

    const task = TASK.exec(line);
    if (task) {
      finish();
      if (!current) {
        orphanItems++;
        return;
      }
      itemCount++;
      if (itemCount > MAX_CHECKLIST_ITEMS) {
        throw new ChecklistParseError(
          `more than ${MAX_CHECKLIST_ITEMS} items; a checklist that long is not read through`,
          lineNo,
        );
      }
      open = { item: { id: '', text: task[1], required: false, line: lineNo } };
      return;
    }

    if (line.trim() === '') {
      finish();
      return;
    }
    const bullet = BULLET.exec(line);
    if (bullet) {
      finish();
      if (current) ignoredBullets++;
      return;
    }
    // Text under an item, indented past its marker or lazily continued.
    if (open) {
      open.item.text += ` ${line.trim()}`;
    }
  });
  finish();

  if (sections.size === 0) {
    throw new ChecklistParseError(
      'no pre-release, during-release or post-release section: start each with a heading such as "## Pre-release (owner: release engineer)", or mark it "<!-- release-ledger: pre -->"',
    );
  }
  if (ignoredBullets > 0) {
    warnings.push(
      `${ignoredBullets} list line(s) in the sections have no "[ ]" and are not items`,
    );
  }
  if (orphanItems > 0) {
    warnings.push(
      `${orphanItems} item(s) outside a pre/during/post-release section are not read`,
    );
  }
  return {
    ...(title ? { title } : {}),
    sections: CHECKLIST_PHASES.flatMap(phase => {
      const section = sections.get(phase);
      return section ? [section] : [];
    }),
    warnings,
  };
}
