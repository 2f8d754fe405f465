/**
 * A release's notes from the mainline commits its `release_started` event
 * carries (`git log --first-parent`, newest first). Pure apart from
 * commitlint, which reads its preset from disk.
 *
 * How commits are read:
 * - A squash merge's ` (#123)`, which GitHub appends to the PR title, is
 *   taken off the header before it is parsed and linted: the number becomes
 *   the entry's PR, and the author is not held to GitHub's suffix.
 * - A merge commit whose subject git or GitHub wrote ("Merge pull request #12
 *   from org/branch", "Merge branch 'x' into 'main'") is read from its body,
 *   whose first line is the PR title; the PR number comes from the subject.
 *   Without a body it is listed as not conventional.
 * - Reverts (`Revert "feat: x"`, `revert: feat: x`) go under Reverts. When
 *   the reverted commit is in the same release (named by "This reverts commit
 *   <sha>", "Reverts org/repo#12", or by its header), that commit is left out
 *   of the other sections — it never shipped — and the revert stays under
 *   Reverts marked `inRelease`, so the notes still show the change came and
 *   went. (conventional-commits-filter, which conventional-changelog uses,
 *   drops both; a release record should not hide that it happened.)
 *   Newer reverts are read first, so a revert of a revert restores the
 *   original change.
 * - A breaking commit is listed under Breaking changes only, even when its
 *   header is not conventional (a `BREAKING CHANGE:` footer is not hidden);
 *   such a commit is also listed and counted as not conventional.
 * - `nonConventional` lists every commit whose header is not conventional,
 *   reverted or not: it is about how commits are written, and its length is
 *   `counts.nonConventional`.
 */
import { sync as parseCommit } from 'conventional-commits-parser';
import { QualifiedRules } from '@commitlint/types';
import {
  RELEASE_NOTE_SECTIONS,
  ReleaseEventAttributes,
  ReleaseNoteEntry,
  ReleaseNotes,
  ReleaseNoteSectionKind,
} from '@release-ledger/plugin-release-ledger-common';
import { CONVENTIONAL_PARSER_OPTIONS, lintCommitMessages } from './lintCommits';

/** One commit of `release_started`'s `attributes.commits`. */
export type ReleaseNotesCommit = NonNullable<
  ReleaseEventAttributes['release_started']['commits']
>[number];

export type BuildReleaseNotesInput = {
  releaseId: string;
  /** Newest first, as the event carries them. */
  commits: readonly ReleaseNotesCommit[];
  /** How many commits the range holds, when the event sent only the newest. */
  commitCount?: number;
  /** Where a PR lives, e.g. from the entity's `github.com/project-slug`; only http(s) links are kept. */
  prUrl?: (prNumber: number) => string | undefined;
  /** 0..1: a larger share of non-conventional commits flags the notes. */
  maxNonConventionalShare: number;
  /** The full rule set (`DEFAULT_COMMITLINT_RULES`, or those merged with configured ones). */
  lintRules: QualifiedRules;
};

const GITHUB_PR_SUFFIX = /\s*\(#(\d+)\)\s*$/;
const MERGE_PR_SUBJECT = /^Merge pull request #(\d+) from /;
/** Subjects git or a forge writes for a merge; the PR title is then in the body. */
const GENERATED_MERGE_SUBJECT =
  /^Merge (?:pull request #\d+ from |(?:remote-tracking )?branch |.* into )/;
const GITHUB_REVERT_HEADER = /^Revert "(.*)"\s*$/;
const REVERTS_SHA = /\bThis reverts commit ([0-9a-f]{7,64})\b/i;
const REVERTS_PR = /^Reverts [\w.-]+\/[\w.-]+#(\d+)\b/m;

const SECTION_OF_TYPE: Record<string, ReleaseNoteSectionKind> = {
  feat: 'features',
  fix: 'fixes',
  perf: 'performance',
  revert: 'reverts',
};

/** A commit as read, before reverts are matched. */
type ReadCommit = {
  entry: Omit<ReleaseNoteEntry, 'findings'>;
  /** What is parsed and linted: the header without GitHub's ` (#123)`, then the body. */
  message: string;
  /** The header as written (for a merge: the PR title), to match a revert's quoted header. */
  header: string;
  conventional: boolean;
  revert?: { sha?: string; header?: string; prNumber?: number };
};

export async function buildReleaseNotes(
  input: BuildReleaseNotesInput,
): Promise<ReleaseNotes> {
  const { maxNonConventionalShare: max } = input;
  if (!(max >= 0 && max <= 1)) {
    throw new RangeError(
      `maxNonConventionalShare must be between 0 and 1, got ${max}`,
    );
  }

  const read = input.commits.map(c => readCommit(c, input.prUrl));
  const findings = await lintCommitMessages(
    read.map(r => r.message),
    input.lintRules,
  );
  const entries: ReleaseNoteEntry[] = read.map((r, i) => ({
    ...r.entry,
    findings: findings[i],
  }));
  const cancelled = matchReverts(read, entries);

  const bySection = new Map<ReleaseNoteSectionKind, ReleaseNoteEntry[]>();
  const add = (kind: ReleaseNoteSectionKind, entry: ReleaseNoteEntry) => {
    const list = bySection.get(kind);
    if (list) list.push(entry);
    else bySection.set(kind, [entry]);
  };
  const nonConventional: ReleaseNoteEntry[] = [];
  read.forEach((r, i) => {
    const entry = entries[i];
    if (!r.conventional) nonConventional.push(entry);
    if (cancelled.has(i)) return;
    if (entry.breaking) add('breaking', entry);
    else if (r.revert) add('reverts', entry);
    else if (r.conventional) {
      add(SECTION_OF_TYPE[entry.type!.toLowerCase()] ?? 'others', entry);
    }
  });

  const commits = read.length;
  const share = commits === 0 ? 0 : nonConventional.length / commits;
  const breaking = bySection.get('breaking')?.length ?? 0;
  return {
    releaseId: input.releaseId,
    sections: RELEASE_NOTE_SECTIONS.flatMap(({ kind, title }) => {
      const sectionEntries = bySection.get(kind);
      return sectionEntries ? [{ kind, title, entries: sectionEntries }] : [];
    }),
    nonConventional,
    counts: {
      commits,
      conventional: commits - nonConventional.length,
      nonConventional: nonConventional.length,
      breaking,
    },
    nonConventionalShare: share,
    maxNonConventionalShare: max,
    flagged: share > max,
    ...(input.commitCount !== undefined && input.commitCount > commits
      ? { truncated: { sent: commits, total: input.commitCount } }
      : {}),
  };
}

function readCommit(
  commit: ReleaseNotesCommit,
  prUrl: BuildReleaseNotesInput['prUrl'],
): ReadCommit {
  const body = (commit.body ?? '').replace(/^(?:[ \t]*\r?\n)+/, '');
  const mergePr = MERGE_PR_SUBJECT.exec(commit.subject);
  const fromBody =
    (commit.isMerge || mergePr) &&
    GENERATED_MERGE_SUBJECT.test(commit.subject) &&
    body.trim() !== '';
  const written = fromBody
    ? body
    : `${commit.subject}${body.trim() ? `\n\n${body}` : ''}`;
  const [firstLine, ...rest] = written.split(/\r?\n/);
  const suffix = GITHUB_PR_SUFFIX.exec(firstLine);
  const header = suffix ? firstLine.slice(0, suffix.index) : firstLine;
  const message = [header, ...rest].join('\n');

  const prNumber =
    commit.prNumber ??
    (mergePr ? Number(mergePr[1]) : undefined) ??
    (suffix ? Number(suffix[1]) : undefined);
  const url = prNumber !== undefined ? prUrl?.(prNumber) : undefined;

  const parsed = message.trim()
    ? parseCommit(message, CONVENTIONAL_PARSER_OPTIONS)
    : undefined;
  const type = parsed?.type ?? undefined;
  const subject = parsed?.subject?.trim();
  const githubRevert = GITHUB_REVERT_HEADER.exec(header.trim());
  const isRevert =
    !!githubRevert || type?.toLowerCase() === 'revert' || !!parsed?.revert;
  const conventional = isRevert || (!!type && !!subject);
  const notes = parsed?.notes ?? [];

  const revertedHeader = githubRevert
    ? githubRevert[1]
    : (type?.toLowerCase() === 'revert' && subject) ||
      parsed?.revert?.header?.split(/\r?\n/, 1)[0];
  const revertedPr = REVERTS_PR.exec(message);
  const entryType = githubRevert ? 'revert' : type ?? 'revert';
  const scope = parsed?.scope && !githubRevert ? parsed.scope : undefined;
  const shown =
    (isRevert ? revertedHeader : subject) || header.trim() || '(empty)';

  const entry: Omit<ReleaseNoteEntry, 'findings'> = {
    sha: commit.sha,
    ...(conventional ? { type: entryType } : {}),
    ...(conventional && scope ? { scope } : {}),
    subject: shown,
    breaking: notes.length > 0,
    ...(notes.length > 0
      ? { breakingNote: notes.map(n => n.text.trim()).join('\n\n') }
      : {}),
    ...(prNumber !== undefined ? { prNumber } : {}),
    ...(url && /^https?:\/\//i.test(url) ? { url } : {}),
    ...(commit.author ? { author: commit.author } : {}),
  };
  return {
    entry,
    message,
    header: header.trim(),
    conventional,
    ...(isRevert
      ? {
          revert: {
            sha: REVERTS_SHA.exec(message)?.[1],
            header: revertedHeader || undefined,
            prNumber: revertedPr ? Number(revertedPr[1]) : undefined,
          },
        }
      : {}),
  };
}

/**
 * Finds what each revert takes back within the release, newest revert first,
 * sets each revert entry's `reverts`, and answers the indexes of the commits
 * taken back.
 */
function matchReverts(
  read: ReadCommit[],
  entries: ReleaseNoteEntry[],
): Set<number> {
  const cancelled = new Set<number>();
  read.forEach((r, i) => {
    if (!r.revert) return;
    const { sha, header, prNumber } = r.revert;
    const sameSha = (other: string) =>
      !!sha &&
      (other.toLowerCase().startsWith(sha.toLowerCase()) ||
        sha.toLowerCase().startsWith(other.toLowerCase()));
    const quoted = header?.replace(GITHUB_PR_SUFFIX, '').trim();
    // Only older commits (later in the list) can be reverted by this one.
    const older = (predicate: (o: ReadCommit) => boolean) =>
      read.findIndex((o, j) => j > i && !cancelled.has(j) && predicate(o));
    let target = sha ? older(o => sameSha(o.entry.sha)) : -1;
    if (target < 0 && prNumber !== undefined) {
      target = older(o => o.entry.prNumber === prNumber);
    }
    if (target < 0 && !sha && quoted) {
      target = older(o => o.header === quoted);
    }
    const takesBack = target >= 0 && !cancelled.has(i);
    if (takesBack) cancelled.add(target);
    entries[i].reverts = {
      ...(sha || takesBack ? { sha: sha ?? read[target].entry.sha } : {}),
      ...(header ? { header } : {}),
      inRelease: takesBack,
    };
  });
  return cancelled;
}
