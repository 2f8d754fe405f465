/**
 * Release notes: a release's mainline commits grouped the way a
 * conventional-commits changelog groups them, with each commit's commitlint
 * findings and the share of commits that do not follow the convention.
 */

/** What a commitlint rule found wrong with a commit message. @public */
export type CommitLintFinding = {
  /** An error fails the rule set; a warning does not. */
  level: 'error' | 'warning';
  /** The commitlint rule, e.g. `subject-case`. */
  rule: string;
  /** commitlint's own message, e.g. `type must be one of [feat, fix, …]`. */
  message: string;
};

/** What a revert takes back. @public */
export type ReleaseNoteRevert = {
  /** The reverted commit, when the message names it ("This reverts commit …"). */
  sha?: string;
  /** The reverted commit's header as the revert quotes it. */
  header?: string;
  /**
   * The reverted commit is in the same release: it is left out of the other
   * sections (it never shipped), and only this revert shows it came and went.
   */
  inRelease: boolean;
};

/** One commit of a release, as its notes show it. @public */
export type ReleaseNoteEntry = {
  sha: string;
  /** The conventional type as written (`feat`, `fix`, `revert` for reverts); absent when not conventional. */
  type?: string;
  scope?: string;
  /**
   * The description: the conventional subject; for a revert the reverted
   * header; otherwise the header. A squash merge's ` (#123)` is removed, and
   * for a merge commit this is the PR title.
   */
  subject: string;
  /** Marked breaking by `!` or a `BREAKING CHANGE:` footer. */
  breaking: boolean;
  /** The `BREAKING CHANGE:` footer's text, or the description when only `!` marks it. */
  breakingNote?: string;
  prNumber?: number;
  /** Link to the PR, when its number is known and the ledger knows where PRs live. */
  url?: string;
  author?: string;
  /** Set on reverts. */
  reverts?: ReleaseNoteRevert;
  /** commitlint findings for the message; empty when it passes. */
  findings: CommitLintFinding[];
};

/** @public */
export type ReleaseNoteSectionKind =
  | 'breaking'
  | 'features'
  | 'fixes'
  | 'performance'
  | 'reverts'
  | 'others';

/** Sections in the order the notes show them, with their titles. @public */
export const RELEASE_NOTE_SECTIONS: ReadonlyArray<{
  kind: ReleaseNoteSectionKind;
  title: string;
}> = [
  { kind: 'breaking', title: 'Breaking changes' },
  { kind: 'features', title: 'Features' },
  { kind: 'fixes', title: 'Fixes' },
  { kind: 'performance', title: 'Performance' },
  { kind: 'reverts', title: 'Reverts' },
  { kind: 'others', title: 'Other changes' },
];

/** @public */
export type ReleaseNoteSection = {
  kind: ReleaseNoteSectionKind;
  /** "Breaking changes", "Features", "Fixes", "Performance", "Reverts" or "Other changes". */
  title: string;
  /** In the order of the release's commits (newest first). */
  entries: ReleaseNoteEntry[];
};

/**
 * A release's notes, built from the commits its `release_started` event
 * carries.
 *
 * @public
 */
export type ReleaseNotes = {
  releaseId: string;
  /** Only sections with entries, in the order of `RELEASE_NOTE_SECTIONS`. */
  sections: ReleaseNoteSection[];
  /** Commits whose header is not `type(scope)!: subject` (and not a revert), newest first. */
  nonConventional: ReleaseNoteEntry[];
  counts: {
    /** Commits the event carried. */
    commits: number;
    conventional: number;
    nonConventional: number;
    /** Entries under "Breaking changes". */
    breaking: number;
  };
  /** nonConventional ÷ commits, 0 when there are none. */
  nonConventionalShare: number;
  /** The most the share may be before the notes are flagged. */
  maxNonConventionalShare: number;
  /** The share is above the maximum. */
  flagged: boolean;
  /** The range held more commits than the event carried: the notes cover the newest `sent`. */
  truncated?: { sent: number; total: number };
};
