/**
 * Commit message parsing options and commitlint, shared by the release notes
 * so that what the notes call breaking or conventional is what the linter
 * reads too.
 */
import lint from '@commitlint/lint';
import configConventional from '@commitlint/config-conventional';
import {
  LintOptions,
  QualifiedRules,
  RuleConfigSeverity,
} from '@commitlint/types';
import type { Options as ParserOptions } from 'conventional-commits-parser';
import { CommitLintFinding } from '@release-ledger/plugin-release-ledger-common';

/** `type(scope)!: subject`; the scope holds no parentheses, so `feat(api): add (x): y` keeps `api`. */
const HEADER_PATTERN = /^(\w*)(?:\(([^()\r\n]*)\))?!?: (.*)$/;
const BREAKING_HEADER_PATTERN = /^(\w*)(?:\(([^()\r\n]*)\))?!: (.*)$/;

/**
 * Options for conventional-commits-parser (and commitlint's parser), after
 * the conventionalcommits preset, with two changes:
 * - the scope may not contain parentheses (see HEADER_PATTERN);
 * - footers are read as the spec writes them, `BREAKING CHANGE: text` in
 *   capitals with a colon (the spec: "MUST be uppercase"): the parser's own
 *   pattern ignores case and needs no colon, so a body line "Breaking change
 *   in behaviour…" or "Breaking changes: none" made a commit breaking.
 * `fieldPattern: null`: the parser's default reads body lines like `-hash-`
 * as the start of a field and swallows what follows.
 */
export const CONVENTIONAL_PARSER_OPTIONS: ParserOptions & {
  notesPattern: (keywords: string) => RegExp;
} = {
  headerPattern: HEADER_PATTERN,
  breakingHeaderPattern: BREAKING_HEADER_PATTERN,
  headerCorrespondence: ['type', 'scope', 'subject'],
  noteKeywords: ['BREAKING CHANGE', 'BREAKING-CHANGE'],
  notesPattern: keywords => new RegExp(`^[\\s*]*(${keywords}):\\s*(.*)`),
  revertPattern:
    /^(?:Revert|revert:)\s"?([\s\S]+?)"?\s*This reverts commit (\w*)\./i,
  revertCorrespondence: ['header', 'hash'],
  issuePrefixes: ['#'],
  fieldPattern: null,
};

/**
 * `@commitlint/config-conventional`'s rules: the rules a release is linted
 * with unless configured otherwise.
 */
export const DEFAULT_COMMITLINT_RULES: QualifiedRules =
  configConventional.rules;

/**
 * Headers that git or GitHub wrote, not the author: `Merge …` (when no PR
 * title could be found), `Revert "…"`, and bare versions from `npm version`.
 * commitlint skips these too, but its own list is matched against every line
 * of the message, so a squash body listing "Merge branch 'main' into x" made
 * it skip the whole commit; here only the header counts.
 */
const GENERATED_HEADER =
  /^(?:Merge (?:pull request|branch|remote-tracking branch|tag)\b|Revert ")|^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?\s*$/;

/** commitlint reads a preset's files per message: a few at a time is fastest. */
const LINT_CONCURRENCY = 8;

/**
 * Lints each message with commitlint and the given rules, with the same
 * parser options the notes use (so `feat!:` is understood). Answers the
 * findings per message, in order. A rule set commitlint refuses (an unknown
 * rule, a malformed tuple) rejects with commitlint's message naming the rule.
 */
export async function lintCommitMessages(
  messages: readonly string[],
  rules: QualifiedRules,
): Promise<CommitLintFinding[][]> {
  const results: CommitLintFinding[][] = new Array(messages.length);
  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const index = next++;
      results[index] = await lintCommitMessage(messages[index], rules);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(LINT_CONCURRENCY, messages.length) }, worker),
  );
  return results;
}

async function lintCommitMessage(
  message: string,
  rules: QualifiedRules,
): Promise<CommitLintFinding[]> {
  const outcome = await lint(message, rules, {
    defaultIgnores: false,
    ignores: [m => GENERATED_HEADER.test(m.split(/\r?\n/, 1)[0])],
    // commitlint's type lacks breakingHeaderPattern and notesPattern; its parser passes them on.
    parserOpts:
      CONVENTIONAL_PARSER_OPTIONS as unknown as LintOptions['parserOpts'],
  });
  return [...outcome.errors, ...outcome.warnings].map(r => ({
    level: r.level === RuleConfigSeverity.Error ? 'error' : 'warning',
    rule: r.name,
    message: r.message,
  }));
}
