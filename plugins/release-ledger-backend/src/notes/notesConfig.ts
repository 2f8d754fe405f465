import type { Config } from '@backstage/config';
import type { QualifiedRules } from '@commitlint/types';
import lint from '@commitlint/lint';
import { DEFAULT_COMMITLINT_RULES } from './lintCommits';

/** `releaseLedger.notes`, checked. */
export type NotesConfig = {
  /** 0..1: notes whose share of non-conventional commits is larger are flagged. */
  maxNonConventionalShare: number;
  /** commitlint's rules: @commitlint/config-conventional's, with configured ones over them. */
  lintRules: QualifiedRules;
};

/** A quarter of the commits: a team mid-way through adopting the convention is flagged, not a stray "Update README.md". */
export const DEFAULT_MAX_NON_CONVENTIONAL_SHARE = 0.25;

/**
 * Reads `releaseLedger.notes`; a wrong value stops startup with a message
 * naming the key (a rule commitlint refuses would otherwise fail every
 * release's notes). Rules are commitlint's own format, e.g.
 * `rules: { subject-case: [0] , type-enum: [2, always, [feat, fix, ops]] }`.
 */
export async function readNotesConfig(config: Config): Promise<NotesConfig> {
  const share =
    config.getOptionalNumber('releaseLedger.notes.maxNonConventionalShare') ??
    DEFAULT_MAX_NON_CONVENTIONAL_SHARE;
  if (!(share >= 0 && share <= 1)) {
    throw new Error(
      `releaseLedger.notes.maxNonConventionalShare: must be a share from 0 to 1, e.g. 0.25; got ${share}`,
    );
  }
  const configured =
    (config.getOptional('releaseLedger.notes.commitlintRules') as
      | Record<string, unknown>
      | undefined) ?? {};
  if (typeof configured !== 'object' || Array.isArray(configured)) {
    throw new Error(
      'releaseLedger.notes.commitlintRules: must be a map of commitlint rules, e.g. { subject-case: [0] }',
    );
  }
  const lintRules = {
    ...DEFAULT_COMMITLINT_RULES,
    ...configured,
  } as QualifiedRules;
  try {
    await lint('feat: check the configured rules', lintRules);
  } catch (error) {
    throw new Error(
      `releaseLedger.notes.commitlintRules: commitlint refuses them: ${
        (error as Error).message
      }`,
    );
  }
  return { maxNonConventionalShare: share, lintRules };
}
