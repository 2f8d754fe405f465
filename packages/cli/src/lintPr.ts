/**
 * `release-ledger lint-pr`: a pull request may merge when its title is a
 * Conventional Commits header (it becomes the squash commit the release
 * notes read) and its description answers the PR template's required
 * sections: risk, feature flags, rollback criteria.
 */
import fs from 'node:fs/promises';
import lint from '@commitlint/lint';
import configConventional from '@commitlint/config-conventional';
import { LintOptions, RuleConfigSeverity } from '@commitlint/types';
import {
  CommitLintFinding,
  PR_TEMPLATE_FIELDS,
  PrTemplateField,
  PrTemplateProblem,
  prTemplateField,
  readPrTemplateFields,
} from '@release-ledger/plugin-release-ledger-common';
import { Command } from 'commander';
import { UsageError } from './events';
import { EXIT_OK } from './exitCodes';
import type { CliIo } from './program';

/**
 * `lint-pr` only: the title or the description is not ready (each problem
 * is printed). Errors (an unreadable file or event, a wrong command line)
 * exit 2 like every command.
 */
export const EXIT_PR_INVALID = 1;

/** The title and description of a pull request. */
export type PullRequestText = { title: string; body: string };

/** What `lint-pr` found; `--json` prints it as is. */
export type PullRequestLint = {
  ok: boolean;
  /** commitlint's findings for the title, errors and warnings. */
  title: CommitLintFinding[];
  /** The answered required fields by name (empty with `--no-template`). */
  fields: Record<string, string>;
  missing: PrTemplateProblem[];
};

/** `type(scope)!: subject`, as the conventionalcommits preset reads it; the scope holds no parentheses. */
const PARSER_OPTIONS = {
  headerPattern: /^(\w*)(?:\(([^()\r\n]*)\))?!?: (.*)$/,
  breakingHeaderPattern: /^(\w*)(?:\(([^()\r\n]*)\))?!: (.*)$/,
  headerCorrespondence: ['type', 'scope', 'subject'],
  noteKeywords: ['BREAKING CHANGE', 'BREAKING-CHANGE'],
  issuePrefixes: ['#'],
};

/** The title GitHub's Revert button gives a PR: `Revert "feat: x"`. */
const GITHUB_REVERT_TITLE = /^Revert "(.*)"$/;

/**
 * Lints a PR title with `@commitlint/config-conventional`'s rules. A
 * GitHub revert title is linted on the title it quotes. commitlint's
 * default ignores are off: a title like "Merge branch 'x'" is what this
 * check exists to catch.
 */
export async function lintPrTitle(title: string): Promise<CommitLintFinding[]> {
  let header = title;
  for (
    let revert = GITHUB_REVERT_TITLE.exec(header);
    revert;
    revert = GITHUB_REVERT_TITLE.exec(header)
  ) {
    header = revert[1];
  }
  if (header.trim() === '') {
    // commitlint passes an empty message; an empty title is no header at all.
    return [
      {
        level: 'error',
        rule: 'subject-empty',
        message: 'subject may not be empty',
      },
      { level: 'error', rule: 'type-empty', message: 'type may not be empty' },
    ];
  }
  const outcome = await lint(header, configConventional.rules, {
    defaultIgnores: false,
    // commitlint's type lacks breakingHeaderPattern; its parser passes it on.
    parserOpts: PARSER_OPTIONS as unknown as LintOptions['parserOpts'],
  });
  return [...outcome.errors, ...outcome.warnings].map(r => ({
    level: r.level === RuleConfigSeverity.Error ? 'error' : 'warning',
    rule: r.name,
    message: r.message,
  }));
}

/** Lints a PR's title and, unless `requiredFields` is empty, its description. */
export async function lintPullRequest(
  pr: PullRequestText,
  options: {
    requiredFields: ReadonlyArray<PrTemplateField | string>;
    template?: string;
  },
): Promise<PullRequestLint> {
  const title = await lintPrTitle(pr.title);
  const { fields, missing } = readPrTemplateFields(
    pr.body,
    options.requiredFields,
    { template: options.template },
  );
  return {
    ok: !title.some(f => f.level === 'error') && missing.length === 0,
    title,
    fields,
    missing,
  };
}

/** The title and body of the `pull_request` (or `pull_request_target`) event GitHub Actions writes. */
export async function readPullRequestEvent(
  file: string,
  eventName?: string,
): Promise<PullRequestText> {
  const text = await readText(file, 'the event file');
  let event: any;
  try {
    event = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `the event file '${file}' is not JSON: ${(error as Error).message}`,
    );
  }
  const pr = event?.pull_request;
  if (!pr || typeof pr !== 'object') {
    throw new UsageError(
      `the event in '${file}' has no pull_request${
        eventName ? ` (GITHUB_EVENT_NAME is ${eventName})` : ''
      }: run lint-pr on pull_request or pull_request_target events, or pass --title and --body`,
    );
  }
  if (typeof pr.title !== 'string') {
    throw new UsageError(`the event in '${file}' has no pull_request.title`);
  }
  // GitHub sends null for a PR without a description.
  return { title: pr.title, body: typeof pr.body === 'string' ? pr.body : '' };
}

type LintPrOptions = {
  title?: string;
  body?: string;
  bodyFile?: string;
  eventFile?: string;
  require?: string[];
  template: boolean;
  templateFile?: string;
  json?: boolean;
};

const LINT_PR_HELP = `
The title must be a Conventional Commits header, type(scope)!: subject, by
@commitlint/config-conventional's rules (a GitHub revert title, Revert "…",
is linted on the title it quotes).

The description must answer each required section (default: Risk, Feature
flags, Rollback criteria) under a heading of any level (## Risk), a bold label
(**Risk:** low) or a label line (Risk: low). Missing: no such section, only
the template's <!-- comments -->, unticked checkboxes, a placeholder (TBD,
TODO, ...) or, with --template-file, the template's own text. Risk is one of
low, medium, high; Feature flags may be "none" or "n/a", Rollback criteria
may not. --require replaces the default list: risk, flags, rollback, a heading
label ("How it was tested") or name=Label (testing="How it was tested").

Exit codes: 0 the title and description pass, 1 something is missing or
wrong (each problem is printed on its own line), 2 an error (an unreadable
file or event, a wrong command line).

Environment:
  GITHUB_EVENT_PATH  the pull_request event GitHub Actions writes; read when
                     none of --title, --body, --body-file is given`;

/**
 * Registers `lint-pr` on the `release-ledger` program. Its exit code is
 * handed to `setExitCode` (0, or EXIT_PR_INVALID); errors are thrown as
 * UsageError, which the program prints and exits 2 for.
 */
export function addLintPrCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): Command {
  return program
    .command('lint-pr')
    .description(
      "check a pull request's title (Conventional Commits) and its description (the PR template's required sections); exits 1 when it is not ready",
    )
    .option('--title <title>', 'the PR title')
    .option('--body <markdown>', 'the PR description')
    .option('--body-file <path>', 'read the PR description from a file')
    .option(
      '--event-file <path>',
      'a GitHub pull_request event (JSON) to read the title and description from (default: $GITHUB_EVENT_PATH when none of --title, --body, --body-file is given)',
    )
    .option(
      '--require <field...>',
      'required sections, instead of risk flags rollback: a name, a heading label or name=Label',
    )
    .option(
      '--template-file <path>',
      'the PR template: a section still holding its text counts as missing',
    )
    .option('--no-template', 'check the title only')
    .option('--json', 'print { ok, title, fields, missing } as JSON')
    .addHelpText('after', LINT_PR_HELP)
    .action(async (options: LintPrOptions) => {
      const pr = await resolvePullRequest(options, io);
      const requiredFields = options.template
        ? requiredFieldsOf(options.require)
        : [];
      const template =
        options.template && options.templateFile
          ? await readText(options.templateFile, '--template-file')
          : undefined;
      const result = await lintPullRequest(pr, { requiredFields, template });
      if (options.json) {
        io.stdout(JSON.stringify(result, null, 2));
      } else {
        for (const line of describeLint(result, pr, requiredFields)) {
          io.stdout(line);
        }
      }
      setExitCode(result.ok ? EXIT_OK : EXIT_PR_INVALID);
    });
}

/** One line per problem naming its field, then a verdict line. */
export function describeLint(
  result: PullRequestLint,
  pr: PullRequestText,
  requiredFields: ReadonlyArray<PrTemplateField | string>,
): string[] {
  const lines = [
    ...result.title.map(
      f =>
        `title: ${f.message} [${f.rule}]${
          f.level === 'warning' ? ' (warning)' : ''
        }`,
    ),
    ...result.missing.map(m => `body: "${m.label}" ${m.problem}`),
  ];
  const errors =
    result.title.filter(f => f.level === 'error').length +
    result.missing.length;
  if (!result.ok) {
    lines.push(
      `PR not ready: ${errors} problem${
        errors === 1 ? '' : 's'
      }; edit the title or description and the check runs again (exit ${EXIT_PR_INVALID})`,
    );
    return lines;
  }
  const answered = requiredFields
    .map(f => (typeof f === 'string' ? prTemplateField(f) : f))
    .map(f =>
      f.allowedValues ? `${f.label} (${result.fields[f.name]})` : f.label,
    );
  lines.push(
    `PR OK: "${pr.title}" is a Conventional Commits title; ${
      answered.length > 0
        ? `${answered.join(', ')} answered`
        : 'description not checked'
    }`,
  );
  return lines;
}

function requiredFieldsOf(specs: string[] | undefined): PrTemplateField[] {
  if (!specs) return [...PR_TEMPLATE_FIELDS];
  return specs.map(spec => {
    try {
      return prTemplateField(spec);
    } catch (error) {
      throw new UsageError(`--require: ${(error as Error).message}`);
    }
  });
}

/**
 * Flags first; the event file fills what they leave out. Without any of
 * --title, --body, --body-file the event is GITHUB_EVENT_PATH's. A part
 * given nowhere is empty, and fails like an empty title or description.
 */
async function resolvePullRequest(
  options: LintPrOptions,
  io: CliIo,
): Promise<PullRequestText> {
  if (options.body !== undefined && options.bodyFile !== undefined) {
    throw new UsageError('give the description once: --body or --body-file');
  }
  const flagged =
    options.title !== undefined ||
    options.body !== undefined ||
    options.bodyFile !== undefined;
  const eventFile =
    options.eventFile ?? (flagged ? undefined : io.env.GITHUB_EVENT_PATH);
  if (!flagged && !eventFile) {
    throw new UsageError(
      'nothing to lint: pass --title and --body (or --body-file), or --event-file, or run in a GitHub Actions pull_request workflow (GITHUB_EVENT_PATH)',
    );
  }
  const event = eventFile
    ? await readPullRequestEvent(eventFile, io.env.GITHUB_EVENT_NAME)
    : undefined;
  const body =
    options.body ??
    (options.bodyFile !== undefined
      ? await readText(options.bodyFile, '--body-file')
      : undefined);
  return {
    title: options.title ?? event?.title ?? '',
    body: body ?? event?.body ?? '',
  };
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `${what}: cannot read '${file}': ${(error as Error).message}`,
    );
  }
}
