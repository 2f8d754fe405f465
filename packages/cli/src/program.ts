import {
  INCIDENT_SEVERITIES,
  RELEASE_EVENT_TYPES,
  ReleaseEventInput,
} from '@release-ledger/plugin-release-ledger-common';
import { Command, CommanderError, Option } from 'commander';
import { writeFile } from 'node:fs/promises';
import { ApiError, GateEvaluation, LedgerClient } from './api';
import {
  buildStartEvent,
  buildTypedEvent,
  collectAttribute,
  EventCommandOptions,
  parseCountArgument,
  parseNumberArgument,
  StartCommandOptions,
  StartRange,
  UsageError,
} from './events';
import {
  EXIT_CHECKLIST_OPEN,
  EXIT_ERROR,
  EXIT_OK,
  exitCodeForGate,
} from './exitCodes';
import { formatEventResult, formatEvidence, formatProgress } from './format';
import { checklistHold, parseDurationArgument, runGate } from './gate';
import { addLintPrCommand } from './lintPr';
import { buildTickEvent, formatChecklist } from './checklist';
import { collectRange, isGitCheckout, resolveCommit } from './gitRange';

/** What the CLI touches outside itself; tests pass their own. */
export type CliIo = {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  version?: string;
};

type ConnectionOptions = {
  baseUrl?: string;
  token?: string;
  retries?: number;
  json?: boolean;
};

const IDEMPOTENCY_HELP = `
Retries are safe: an event without --event-id gets an id the ledger derives
from its content, so posting the same event again (a re-run job, a retried
step) is answered "duplicate" and stored once. Give --event-id (e.g.
gh-\${GITHUB_RUN_ID}-\${GITHUB_RUN_ATTEMPT}-started) or --timestamp to record
two identical facts.`;

const EXIT_HELP = `
Exit codes: 0 done, 2 error (the server's message is printed: it names the
field and the problem; also connection errors and a wrong command line).`;

const ENV_HELP = `
Environment:
  RELEASE_LEDGER_URL    the Backstage backend's base URL (--base-url)
  RELEASE_LEDGER_TOKEN  a static service token from backend.auth.externalAccess (--token)`;

function withConnectionOptions(command: Command): Command {
  return command
    .option(
      '--base-url <url>',
      'Backstage backend base URL, e.g. https://backstage.example.com (env RELEASE_LEDGER_URL); the API is under /api/release-ledger',
    )
    .option(
      '--token <token>',
      'Backstage static service token, sent as a Bearer token (env RELEASE_LEDGER_TOKEN)',
    )
    .option(
      '--retries <n>',
      'retries on connection errors and HTTP 502/503/504',
      parseCountArgument,
      3,
    )
    .option('--json', "print the server's answer as JSON");
}

function withEnvelopeOptions(command: Command): Command {
  return command
    .option(
      '--environment <name>',
      'deployment environment (the ledger defaults to production)',
    )
    .option('--version <version>', 'version being released, e.g. 1.42.0')
    .option('--commit <sha>', 'commit being released')
    .option(
      '--timestamp <iso>',
      'when it happened, ISO 8601 with a zone (default: now)',
    )
    .option(
      '--event-id <id>',
      'idempotency key (default: derived by the ledger from the content)',
    )
    .option(
      '--attr <key=value>',
      'extra attribute, repeatable; numbers, true, false and null are sent as JSON (quote as \'k="42"\' for text)',
      collectAttribute,
    );
}

const START_COMMITS_HELP = `
The release's commits: with --repo, start lists the mainline commits
(git log --first-parent) from the previous release's commit to --commit,
so the ledger links merged PRs to the release and measures lead time per
change. The previous commit is --previous-commit, or the commit of the
entity's last promoted release; the first release of an entity lists none.
A shallow clone must reach the previous commit (actions/checkout:
fetch-depth: 0).`;

function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * The release's range from the checkout at --repo: --commit (default HEAD)
 * back to --previous-commit or the entity's last promoted release's commit.
 */
async function collectReleaseRange(
  options: StartCommandOptions,
  client: LedgerClient,
  io: CliIo,
): Promise<StartRange> {
  const dir = options.repo!;
  if (!(await isGitCheckout(dir))) {
    throw new UsageError(`--repo: ${dir} is not a git checkout`);
  }
  const commit = await resolveCommit(dir, options.commit ?? 'HEAD').catch(
    () => {
      throw new UsageError(
        `--commit: ${options.commit} is not a commit of the repository at ${dir}`,
      );
    },
  );
  const previous =
    options.previousCommit ??
    (await client.lastPromotedCommit(options.entity!, options.release));
  if (!previous) {
    io.stderr(
      `no earlier promoted release of ${options.entity} names a commit: this release lists no commits (pass --previous-commit <sha> to list a range)`,
    );
    return { commit };
  }
  const range = await collectRange({ dir, commit, previousCommit: previous });
  io.stderr(
    `listed ${range.commits.length}${
      range.commitCount > range.commits.length ? ` of ${range.commitCount}` : ''
    } commit(s) of ${previous.slice(0, 12)}..${commit.slice(0, 12)}`,
  );
  return range;
}

function resolveClient(options: ConnectionOptions, io: CliIo): LedgerClient {
  const baseUrl = options.baseUrl ?? io.env.RELEASE_LEDGER_URL;
  const token = options.token ?? io.env.RELEASE_LEDGER_TOKEN;
  if (!baseUrl) {
    throw new UsageError(
      'no ledger URL: pass --base-url <url> or set RELEASE_LEDGER_URL (the Backstage backend, e.g. http://localhost:7007)',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new UsageError(
      `--base-url / RELEASE_LEDGER_URL: '${baseUrl}' is not a URL (e.g. https://backstage.example.com)`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(
      `--base-url / RELEASE_LEDGER_URL: must be http(s), got '${baseUrl}'`,
    );
  }
  if (!token) {
    throw new UsageError(
      'no token: pass --token <token> or set RELEASE_LEDGER_TOKEN (a static service token from backend.auth.externalAccess)',
    );
  }
  return new LedgerClient({
    baseUrl,
    token,
    fetch: io.fetch,
    sleep: io.sleep,
    retries: options.retries,
    userAgent: `release-ledger-cli/${io.version ?? 'dev'}`,
  });
}

async function postEvent(
  event: ReleaseEventInput,
  options: ConnectionOptions,
  io: CliIo,
): Promise<number> {
  const client = resolveClient(options, io);
  const answer = await client.postEvents([event]);
  if (options.json) {
    io.stdout(JSON.stringify(answer, null, 2));
  } else {
    for (const result of answer.results) {
      io.stdout(formatEventResult(result, event.type));
    }
  }
  return EXIT_OK;
}

/**
 * Runs the CLI on `args` (without `node` and the script) and answers the exit
 * code. Never calls process.exit.
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('release-ledger')
    .description(
      'Post release events to Release Ledger and wait for SLO gates from CI pipelines.',
    )
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: text => io.stdout(text.replace(/\n$/, '')),
      writeErr: text => io.stderr(text.replace(/\n$/, '')),
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `${ENV_HELP}\n${IDEMPOTENCY_HELP}`);
  if (io.version) {
    program.version(io.version, '-V, --version', 'print the CLI version');
  }

  withEnvelopeOptions(
    withConnectionOptions(
      program
        .command('start')
        .description('record release_started: the first event of a release')
        .requiredOption(
          '--release <id>',
          'release id, one from merge to rollout to rollback, e.g. payments-api@2026.11.27.142',
        )
        .requiredOption(
          '--entity <ref>',
          'catalog entity being released, e.g. component:default/payments-api',
        )
        .option('--plan <text>', 'rollout plan, e.g. "canary 10%/5m, 50%/10m"')
        .addOption(
          new Option('--risk <level>', 'risk of the change').choices([
            'low',
            'medium',
            'high',
          ]),
        )
        .option(
          '--change-count <n>',
          'number of changes in the release',
          parseCountArgument,
        )
        .option(
          '--repo <dir>',
          "list the release's mainline commits from the git checkout at <dir> (e.g. .): previous release's commit..--commit (default HEAD)",
        )
        .option(
          '--previous-commit <sha>',
          "start of the range (default: the commit of the entity's last promoted release, asked from the ledger)",
        )
        .option(
          '--component <ref>',
          'another catalog entity this release deploys, repeatable',
          collectList,
        )
        .option(
          '--fixes <id>',
          'an incident (INC-123) or earlier release this release fixes, repeatable',
          collectList,
        ),
    ),
  )
    .addHelpText(
      'after',
      `${START_COMMITS_HELP}\n${IDEMPOTENCY_HELP}\n${EXIT_HELP}\n${ENV_HELP}`,
    )
    .action(async (options: StartCommandOptions & ConnectionOptions) => {
      const client = resolveClient(options, io);
      const range = options.repo
        ? await collectReleaseRange(options, client, io)
        : undefined;
      exitCode = await postEvent(buildStartEvent(options, range), options, io);
    });

  withEnvelopeOptions(
    withConnectionOptions(
      program
        .command('event')
        .description('record any event of the ledger contract')
        .argument('<type>', `event type: ${RELEASE_EVENT_TYPES.join(', ')}`)
        .option(
          '--release <id>',
          'release id (required except for incident_started and incident_resolved)',
        )
        .option(
          '--entity <ref>',
          'catalog entity (required on the first event of a release, and on incident_started without --release)',
        )
        .option('--incident <id>', 'incident id, e.g. INC-123')
        .addOption(
          new Option('--severity <sev>', 'incident severity').choices(
            INCIDENT_SEVERITIES,
          ),
        )
        .option('--reason <text>', 'why, e.g. for rolled_back or gate_failed')
        .option(
          '--weight <percent>',
          'canary traffic weight, e.g. 10 for canary_started',
          parseNumberArgument,
        )
        .option('--gate <name>', 'gate set, for gate_evaluated and gate_failed')
        .addOption(
          new Option('--verdict <verdict>', 'for gate_evaluated').choices([
            'pass',
            'fail',
            'inconclusive',
          ]),
        ),
    ),
  )
    .addHelpText('after', `${IDEMPOTENCY_HELP}\n${EXIT_HELP}\n${ENV_HELP}`)
    .action(
      async (
        type: string,
        options: EventCommandOptions & ConnectionOptions,
      ) => {
        exitCode = await postEvent(buildTypedEvent(type, options), options, io);
      },
    );

  withConnectionOptions(
    program
      .command('gate')
      .description(
        "evaluate the release's SLO gate and print the evidence; exits 0 on pass, 1 on fail, 2 on inconclusive or error",
      )
      .requiredOption('--release <id>', 'release id')
      .option(
        '--gate <name>',
        "gate set to evaluate (default: the entity's release-ledger/gates annotation, else the default set)",
      )
      .option('--wait', 'poll until the verdict settles')
      .option(
        '--timeout <duration>',
        'with --wait: give up after this long (exit 2), e.g. 30m',
        parseDurationArgument,
        parseDurationArgument('30m'),
      )
      .option(
        '--poll <duration>',
        'with --wait: time between polls, e.g. 10s',
        parseDurationArgument,
        parseDurationArgument('10s'),
      ),
  )
    .addHelpText(
      'after',
      `
Exit codes: 0 the gate passed (a dry-run gate always passes, its real verdict
is printed), 1 it failed (roll back), 2 inconclusive, still running (without
--wait, or at --timeout), or an error (HTTP, connection, wrong command line),
3 the gate passed but required pre-release items of the release's checklist
are not ticked (hold: tick them, then run the gate again).
Starting an evaluation again is safe.
${ENV_HELP}`,
    )
    .action(
      async (
        options: ConnectionOptions & {
          release: string;
          gate?: string;
          wait?: boolean;
          timeout: number;
          poll: number;
        },
      ) => {
        const client = resolveClient(options, io);
        let lastProgress = '';
        const result = await runGate({
          client,
          releaseId: options.release,
          gate: options.gate,
          wait: Boolean(options.wait),
          timeoutMs: options.timeout,
          pollMs: options.poll,
          now: io.now,
          sleep: io.sleep,
          onUpdate: (evaluations: GateEvaluation[]) => {
            if (options.json) return;
            const progress = evaluations.map(formatProgress).join('\n');
            if (progress && progress !== lastProgress) {
              const at = new Date((io.now ?? Date.now)())
                .toISOString()
                .slice(11, 19);
              io.stderr(
                progress
                  .split('\n')
                  .map(line => `[${at}Z] ${line}`)
                  .join('\n'),
              );
              lastProgress = progress;
            }
          },
        });
        // A gate that passed still waits for the required checklist items.
        const hold =
          result.outcome === 'passed'
            ? checklistHold(await client.getChecklist(options.release))
            : { open: [] };
        const held = hold.open.length > 0;
        if (options.json) {
          io.stdout(
            JSON.stringify(
              {
                outcome: result.outcome,
                evaluations: result.evaluations,
                ...(result.outcome === 'passed'
                  ? { openChecklistItems: hold.open.map(i => i.id) }
                  : {}),
              },
              null,
              2,
            ),
          );
        } else {
          for (const evaluation of result.evaluations) {
            io.stdout(formatEvidence(evaluation));
          }
          if (result.evaluations.length === 0) {
            io.stdout('no gate evaluation was reported for this release');
          }
          if (hold.note) io.stdout(hold.note);
          if (held) {
            io.stdout(
              `checklist: ${hold.open.length} required pre-release item(s) not ticked:`,
            );
            for (const item of hold.open) {
              io.stdout(`  - ${item.text} (${item.id})`);
            }
            io.stdout(
              'gate passed, but the release is held by its checklist: tick the items, then run the gate again (exit 3)',
            );
          } else {
            io.stdout(describeOutcome(result.outcome, options));
          }
        }
        exitCode = held ? EXIT_CHECKLIST_OPEN : exitCodeForGate(result.outcome);
      },
    );

  try {
    withConnectionOptions(
      program
        .command('checklist')
        .description(
          "print a release's checklist: its sections, which items are ticked and by whom, and their ids",
        )
        .argument(
          '<releaseId>',
          'release id, e.g. payments-api@2026.11.27.142',
        ),
    )
      .addHelpText('after', `${EXIT_HELP}\n${ENV_HELP}`)
      .action(async (releaseId: string, options: ConnectionOptions) => {
        const checklist = await resolveClient(options, io).getChecklist(
          releaseId,
        );
        if (!checklist) {
          throw new UsageError(
            `release ${releaseId} has no checklist: it is unknown or has not started`,
          );
        }
        io.stdout(
          options.json
            ? JSON.stringify(checklist, null, 2)
            : formatChecklist(checklist),
        );
        exitCode = EXIT_OK;
      });

    withConnectionOptions(
      program
        .command('check')
        .description(
          "tick an item of a release's checklist (checklist_item_checked); --uncheck unticks it",
        )
        .argument('<releaseId>', 'release id, e.g. payments-api@2026.11.27.142')
        .argument(
          '<itemId>',
          'the item, e.g. pre.confirm-feature-flags-default-off-for-risky-paths (release-ledger checklist <releaseId> lists them)',
        )
        .option('--uncheck', 'untick the item')
        .option(
          '--by <name>',
          'who ticked it (a pipeline acting for someone); a signed-in user is always recorded as themselves',
        ),
    )
      .addHelpText('after', `${EXIT_HELP}\n${ENV_HELP}`)
      .action(
        async (
          releaseId: string,
          itemId: string,
          options: ConnectionOptions & { uncheck?: boolean; by?: string },
        ) => {
          const client = resolveClient(options, io);
          const checklist = await client.getChecklist(releaseId);
          if (!checklist) {
            throw new UsageError(
              `release ${releaseId} has no checklist: it is unknown or has not started`,
            );
          }
          exitCode = await postEvent(
            buildTickEvent(checklist, itemId, options),
            options,
            io,
          );
        },
      );

    withConnectionOptions(
      program
        .command('notes')
        .description(
          "print a release's notes (Conventional Commits, grouped, with PR links) as a CHANGELOG section",
        )
        .argument('<releaseId>', 'release id, e.g. payments-api@2026.11.27.142')
        .option(
          '--output <file>',
          'write the markdown to <file> (e.g. to attach to a GitHub release) instead of printing it',
        ),
    )
      .addHelpText(
        'after',
        `
With --json, prints the notes as the ledger answers them: the sections and
their entries, each commit's commitlint findings, the non-conventional
commits and whether their share is over the limit.
${EXIT_HELP}\n${ENV_HELP}`,
      )
      .action(
        async (
          releaseId: string,
          options: ConnectionOptions & { output?: string },
        ) => {
          const client = resolveClient(options, io);
          if (options.json) {
            const notes = await client.getReleaseNotes(releaseId);
            io.stdout(JSON.stringify(notes, null, 2));
          } else {
            const markdown = await client.getReleaseNotesMarkdown(releaseId);
            if (options.output) {
              await writeFile(options.output, markdown, 'utf8');
              io.stderr(`wrote the notes of ${releaseId} to ${options.output}`);
            } else {
              io.stdout(markdown.replace(/\n$/, ''));
            }
          }
          exitCode = EXIT_OK;
        },
      );
    addLintPrCommand(program, io, code => {
      exitCode = code;
    });
    await program.parseAsync(args, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; usage errors were printed.
      return error.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    }
    if (error instanceof UsageError || error instanceof ApiError) {
      io.stderr(`release-ledger: ${error.message}`);
      for (const issue of (error as ApiError).issues ?? []) {
        io.stderr(`  ${issue.field}: ${issue.message}`);
      }
      return EXIT_ERROR;
    }
    io.stderr(
      `release-ledger: unexpected error: ${
        error instanceof Error ? error.stack ?? error.message : String(error)
      }`,
    );
    return EXIT_ERROR;
  }
}

function describeOutcome(
  outcome: string,
  options: { wait?: boolean; timeout: number },
): string {
  switch (outcome) {
    case 'passed':
      return 'gate passed: promote (exit 0)';
    case 'failed':
      return 'gate failed: roll back (exit 1)';
    case 'inconclusive':
      return 'gate inconclusive: the checks could not decide (exit 2)';
    case 'running':
      return options.wait
        ? 'gate still running (exit 2)'
        : 'gate still running: run with --wait to wait for the verdict (exit 2)';
    case 'timeout':
      return `gate still running after --timeout ${Math.round(
        options.timeout / 1000,
      )}s (exit 2)`;
    default:
      return `gate ${outcome} (exit 2)`;
  }
}
