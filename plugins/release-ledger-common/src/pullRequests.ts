/**
 * The sections a pull request's description must fill in before it merges
 * (risk, feature flags, rollback criteria), read from the markdown that a
 * PR template leaves behind once its author has written in it.
 *
 * Pure: no IO, so the CLI, a backend webhook or the portal can share it.
 */

/** A section the PR description must answer. @public */
export type PrTemplateField = {
  /** Key in the answers, e.g. `rollback`. */
  name: string;
  /** The heading or label as the template writes it, e.g. `Rollback criteria`. */
  label: string;
  /** Other headings or labels that mean the same, e.g. `Flags`. */
  aliases?: readonly string[];
  /**
   * The answer's first word must be one of these (case-insensitive), and
   * the answer is reported as that word in lower case.
   */
  allowedValues?: readonly string[];
  /**
   * Whether "none" / "n/a" is an answer. Off by default: a required field
   * wants something written in it.
   */
  allowNone?: boolean;
  /** What to write, shown with a problem, e.g. `the flags that guard it, or "none"`. */
  hint?: string;
};

/**
 * The fields every PR must answer by default. "none" / "n/a" is an answer
 * for feature flags (many changes have none) but not for rollback criteria:
 * every change that ships can be rolled back, and the author says when.
 *
 * @public
 */
export const PR_TEMPLATE_FIELDS: readonly PrTemplateField[] = [
  {
    name: 'risk',
    label: 'Risk',
    aliases: ['Risk level'],
    allowedValues: ['low', 'medium', 'high'],
    hint: 'one of low, medium, high',
  },
  {
    name: 'flags',
    label: 'Feature flags',
    aliases: ['Feature flag', 'Flags'],
    allowNone: true,
    hint: 'the flags that guard the change, or "none"',
  },
  {
    name: 'rollback',
    label: 'Rollback criteria',
    aliases: ['Rollback'],
    hint: 'what would make you roll back, e.g. "error rate above 1% for 10 minutes"',
  },
];

/** A required field the description does not answer, and why. @public */
export type PrTemplateProblem = {
  field: string;
  label: string;
  /**
   * Reads after the quoted label, e.g. `is missing: nothing is written
   * under it` or `must be one of low, medium, high (got "moderate")`.
   */
  problem: string;
};

/** @public */
export type PrTemplateReading = {
  /** The answers by field name; a field with allowed values has the value in lower case. */
  fields: Record<string, string>;
  /** In the order the fields were required. */
  missing: PrTemplateProblem[];
};

/** @public */
export type ReadPrTemplateOptions = {
  /**
   * The PR template itself: a section whose text is still the template's
   * text for it counts as missing.
   */
  template?: string;
};

/**
 * A required field from how it is configured: the name or label of a
 * default field (`rollback`, `Risk`), `name=Label` (`testing=How it was
 * tested`), or a label alone (`Testing`, named by its slug).
 *
 * @public
 */
export function prTemplateField(spec: string): PrTemplateField {
  const trimmed = spec.trim();
  const equals = trimmed.indexOf('=');
  if (equals >= 0) {
    const name = trimmed.slice(0, equals).trim();
    const label = trimmed.slice(equals + 1).trim();
    if (!name || !label) {
      throw new Error(
        `required field '${spec}': write name=Label, e.g. testing=How it was tested`,
      );
    }
    const known = PR_TEMPLATE_FIELDS.find(f => f.name === name);
    return known && normalizeLabel(known.label) === normalizeLabel(label)
      ? known
      : { name, label };
  }
  if (!trimmed) {
    throw new Error('a required field needs a name or a label');
  }
  const known = PR_TEMPLATE_FIELDS.find(
    f =>
      f.name === trimmed.toLowerCase() ||
      labelsOf(f).includes(normalizeLabel(trimmed)),
  );
  if (known) return known;
  const name = trimmed
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  if (!name) {
    throw new Error(
      `required field '${spec}': the label needs a letter or digit`,
    );
  }
  return { name, label: trimmed };
}

/**
 * Reads the required fields from a PR description. A field is answered
 * under a heading of any level (`## Risk`, `### Rollback criteria:`), a
 * bold label (`**Risk:** low`, `**Risk**: low`, a line `**Risk**` on its
 * own) or a plain label line (`Risk: low`, also as a list item). Labels
 * match case-insensitively, ignoring emoji, a trailing colon and a trailing
 * `(…)` or `— …` explanation.
 *
 * Counts as missing: no such section; nothing written but the template's
 * `<!-- comments -->`; a task list with nothing ticked; a placeholder
 * (`TBD`, `TODO`, `...`, `<describe>`, the template's own text); "none" /
 * "n/a" where the field does not allow it; for fields with allowed values,
 * anything else than one of them (the untouched `low / medium / high`
 * included). Other sections are ignored; CRLF line ends are fine.
 *
 * @public
 */
export function readPrTemplateFields(
  body: string,
  requiredFields: ReadonlyArray<PrTemplateField | string> = PR_TEMPLATE_FIELDS,
  options: ReadPrTemplateOptions = {},
): PrTemplateReading {
  const fields = uniqueByName(
    requiredFields.map(f => (typeof f === 'string' ? prTemplateField(f) : f)),
  );
  const regions = readRegions(body, fields);
  const templateRegions =
    options.template !== undefined
      ? readRegions(options.template, fields)
      : undefined;

  const answers: Record<string, string> = {};
  const missing: PrTemplateProblem[] = [];
  for (const field of fields) {
    const own = regions.filter(r => r.field === field);
    const templateText = templateRegions
      ?.filter(r => r.field === field)
      .map(r => comparable(r.lines))
      .find(Boolean);
    let firstProblem: string | undefined;
    let answer: string | undefined;
    for (const region of own) {
      const verdict = judge(region.lines, field, templateText);
      if ('answer' in verdict) {
        answer = verdict.answer;
        break;
      }
      firstProblem ??= verdict.problem;
    }
    if (answer !== undefined) {
      answers[field.name] = answer;
    } else {
      missing.push({
        field: field.name,
        label: field.label,
        problem:
          firstProblem ??
          `is missing: add a "## ${field.label}" section (or a "${
            field.label
          }:" line)${hintOf(field)}`,
      });
    }
  }
  return { fields: answers, missing };
}

type Region = { field: PrTemplateField; lines: string[] };

type Marker =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'label'; text: string; bold: boolean };

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const BOLD_LABEL = /^ {0,3}(?:[-*+][ \t]+)?(\*\*|__)(.+?)\1(.*)$/;
const PLAIN_LABEL = /^ {0,3}(?:[-*+][ \t]+)?([^:]{1,80}?):(?:[ \t]+(.*))?$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const TASK = /^(?:[-*+]|\d+[.)])[ \t]+\[([ xX])\](?:[ \t]+(.*))?$/;
const LIST_ITEM = /^(?:[-*+]|\d+[.)])[ \t]+/;
const THEMATIC_BREAK = /^([-*_])(?:[ \t]*\1){2,}$/;
const PLACEHOLDER =
  /^(?:tbd|tba|todo|to ?do|fill(?: me)? in|\?+|\.{3}|…|x+|_+|<[^>]*>|\[[^\]]*\])$/i;
const NONE =
  /^(?:none|n\/a|na|no|nothing|not applicable|no (?:feature )?flags?|-|—|–)\.?$/i;

/** Finds every section that answers one of `fields`, in document order. */
function readRegions(
  markdown: string,
  fields: readonly PrTemplateField[],
): Region[] {
  // GitHub hides comments (an unclosed one hides the rest of the text).
  const lines = markdown
    .replace(/\r\n?/g, '\n')
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
    .split('\n');

  const markers: Array<Marker | undefined> = [];
  let fence: string | undefined;
  for (const line of lines) {
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1][0] === fence[0]) {
        if (fenceMatch[1].length >= fence.length) fence = undefined;
      }
      markers.push(undefined);
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1];
      markers.push(undefined);
      continue;
    }
    markers.push(markerOf(line, fields));
  }

  const regions: Region[] = [];
  markers.forEach((marker, index) => {
    if (!marker) return;
    const matched = matchField(marker.text, fields);
    if (!matched) return;
    const content: string[] = [];
    if (matched.inline) content.push(matched.inline);
    for (let i = index + 1; i < lines.length; i++) {
      const next = markers[i];
      if (next && endsRegion(marker, next, fields, Boolean(matched.inline))) {
        break;
      }
      if (marker.kind === 'label' && lines[i].trim() === '') {
        // A label's answer is one paragraph or list.
        const following = lines.slice(i + 1).find(l => l.trim() !== '');
        const continues =
          following !== undefined &&
          (LIST_ITEM.test(following.trim()) || /^[ \t]{2,}\S/.test(following));
        if (content.some(l => l.trim() !== '') && !continues) break;
      }
      content.push(lines[i]);
    }
    regions.push({ field: matched.field, lines: content });
  });
  return regions;
}

function markerOf(
  line: string,
  fields: readonly PrTemplateField[],
): Marker | undefined {
  const heading = HEADING.exec(line);
  if (heading) {
    return {
      kind: 'heading',
      level: heading[1].length,
      text: heading[2] ?? '',
    };
  }
  const bold = BOLD_LABEL.exec(line);
  if (bold) {
    const inner = bold[2].trim();
    const rest = bold[3].trim();
    // `**Risk:** low`, `**Risk**: low`, or `**Risk**` alone on its line.
    if (inner.endsWith(':')) {
      return { kind: 'label', text: `${inner} ${rest}`.trim(), bold: true };
    }
    if (rest.startsWith(':') || rest === '') {
      return { kind: 'label', text: `${inner}${rest}`, bold: true };
    }
  }
  const plain = PLAIN_LABEL.exec(line);
  // Plain `Word: text` lines are too common to be labels unless they name a field.
  if (plain && matchField(`${plain[1]}:`, fields)) {
    return {
      kind: 'label',
      text: line.replace(/^\s*(?:[-*+]\s+)?/, ''),
      bold: false,
    };
  }
  return undefined;
}

/**
 * Where a field's section stops: at a heading as high as its own (or any
 * heading, for a label), at another field's heading or label, and at any
 * bold label after a label.
 */
function endsRegion(
  start: Marker,
  next: Marker,
  fields: readonly PrTemplateField[],
  hadInline: boolean,
): boolean {
  if (matchField(next.text, fields)) return true;
  if (start.kind === 'heading') {
    return next.kind === 'heading' && next.level <= start.level;
  }
  if (next.kind === 'heading') return true;
  // After `Risk: low`, any label starts something else.
  return next.kind === 'label' && (next.bold || hadInline);
}

function matchField(
  text: string,
  fields: readonly PrTemplateField[],
): { field: PrTemplateField; inline: string } | undefined {
  const whole = normalizeLabel(text);
  for (const field of fields) {
    if (labelVariants(whole).some(v => labelsOf(field).includes(v))) {
      return { field, inline: '' };
    }
  }
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  const head = normalizeLabel(text.slice(0, colon));
  for (const field of fields) {
    if (labelVariants(head).some(v => labelsOf(field).includes(v))) {
      return { field, inline: text.slice(colon + 1).trim() };
    }
  }
  return undefined;
}

function labelsOf(field: PrTemplateField): string[] {
  return [field.label, ...(field.aliases ?? [])].map(normalizeLabel);
}

/** Lower case, without emphasis, emoji or other leading marks, a trailing colon or `?`. */
function normalizeLabel(text: string): string {
  return stripEmphasis(text)
    .replace(/^[^\p{L}\p{N}]+/u, '')
    .replace(/[\s:?]+$/, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

/** `risk (low / medium / high)` and `rollback criteria — when to roll back` name `risk` and `rollback criteria`. */
function labelVariants(label: string): string[] {
  return [
    label,
    label.replace(/\s*\([^)]*\)$/, ''),
    label.replace(/\s+[—–-]\s+.*$/, ''),
  ];
}

function stripEmphasis(text: string): string {
  return text
    .replace(/\*\*|__|`/g, '')
    .replace(/(^|\s)[*_]|[*_](\s|$)/g, '$1$2');
}

type Verdict = { answer: string } | { problem: string };

function judge(
  raw: string[],
  field: PrTemplateField,
  templateText: string | undefined,
): Verdict {
  const lines = raw
    .map(l => l.trim())
    .filter(l => l !== '' && !THEMATIC_BREAK.test(l));
  if (lines.length === 0) {
    return {
      problem: `is missing: nothing is written under it (the template's comments do not count)${hintOf(
        field,
      )}`,
    };
  }
  if (templateText && comparable(raw) === templateText) {
    return {
      problem: `is missing: it still has the template's text${hintOf(field)}`,
    };
  }

  const tasks = lines.map(l => TASK.exec(l));
  const ticked = tasks
    .filter((t): t is RegExpExecArray => Boolean(t && t[1] !== ' '))
    .map(t => (t[2] ?? '').trim());
  const prose = lines.filter((_, i) => !tasks[i]);
  if (tasks.some(Boolean) && ticked.length === 0 && prose.length === 0) {
    return {
      problem: `is missing: none of its checkboxes is ticked${hintOf(field)}`,
    };
  }
  const kept = lines.filter((_, i) => !tasks[i] || tasks[i]![1] !== ' ');
  const answer = kept
    .map(l => {
      const task = TASK.exec(l);
      return task ? (task[2] ?? '').trim() : l;
    })
    .join('\n');
  const plain = stripEmphasis(answer).trim();

  if (PLACEHOLDER.test(plain)) {
    return {
      problem: `is missing: "${plain}" is the template's placeholder${hintOf(
        field,
      )}`,
    };
  }
  if (field.allowedValues) {
    return judgeAllowed(field, field.allowedValues, ticked, plain);
  }
  if (NONE.test(plain) && !field.allowNone) {
    return {
      problem: `is missing: "${plain}" is not an answer here${hintOf(field)}`,
    };
  }
  return { answer };
}

function judgeAllowed(
  field: PrTemplateField,
  allowed: readonly string[],
  ticked: string[],
  plain: string,
): Verdict {
  const list = allowed.join(', ');
  const isAllowed = (word: string) =>
    allowed.some(a => a.toLowerCase() === word);
  if (ticked.length > 1) {
    const words = ticked.map(firstWord);
    if (words.every(isAllowed) && new Set(words).size > 1) {
      return {
        problem: `must be one of ${list}: tick one (ticked: ${words.join(
          ', ',
        )})`,
      };
    }
  }
  const firstLine = plain.split('\n')[0].trim();
  const words = firstLine
    .toLowerCase()
    .split(/\s*(?:\/|\||,|\bor\b)\s*/)
    .filter(Boolean);
  if (words.length > 1 && words.every(isAllowed)) {
    return { problem: `is missing: pick one of ${list}` };
  }
  if (NONE.test(firstLine) && field.allowNone) {
    return { answer: firstLine };
  }
  const word = firstWord(ticked[0] ?? firstLine);
  if (isAllowed(word)) return { answer: word };
  return {
    problem: `must be one of ${list} (got "${truncate(firstLine, 40)}")`,
  };
}

/** The first word, lower case, without emphasis or punctuation around it. */
function firstWord(text: string): string {
  const word = stripEmphasis(text).trim().split(/\s+/)[0] ?? '';
  return word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').toLowerCase();
}

/** A section's text for comparing with the template's. */
function comparable(lines: string[]): string {
  return lines
    .map(l => l.trim())
    .filter(Boolean)
    .join('\n')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

function hintOf(field: PrTemplateField): string {
  return field.hint ? `; write ${field.hint}` : '';
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function uniqueByName(fields: PrTemplateField[]): PrTemplateField[] {
  const byName = new Map<string, PrTemplateField>();
  for (const field of fields) {
    if (!byName.has(field.name)) byName.set(field.name, field);
  }
  return [...byName.values()];
}
