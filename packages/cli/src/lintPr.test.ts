import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { UsageError } from './events';
import { EXIT_ERROR, EXIT_OK } from './exitCodes';
import { addLintPrCommand, EXIT_PR_INVALID, lintPrTitle } from './lintPr';
import type { CliIo } from './program';

const TEMPLATE_PATH = path.resolve(
  __dirname,
  '../../../examples/PULL_REQUEST_TEMPLATE.md',
);

const GOOD_BODY = [
  '## Summary',
  'Rounds refunds half-even.',
  '## Risk',
  'medium',
  '## Feature flags',
  'none',
  '## Rollback criteria',
  'refund error rate above 0.5% for 10 minutes',
].join('\n');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-pr-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeFile(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

function writeEvent(pullRequest: unknown, name = 'event.json'): string {
  return writeFile(
    name,
    JSON.stringify({ action: 'edited', number: 7, pull_request: pullRequest }),
  );
}

/** `release-ledger lint-pr …` on a program of its own, handled as program.ts's run handles errors. */
async function lintPr(args: string[], env: CliIo['env'] = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = {
    env,
    stdout: t => stdout.push(t),
    stderr: t => stderr.push(t),
  };
  let code = EXIT_OK;
  const program = new Command('release-ledger').exitOverride().configureOutput({
    writeOut: t => io.stdout(t.replace(/\n$/, '')),
    writeErr: t => io.stderr(t.replace(/\n$/, '')),
  });
  addLintPrCommand(program, io, c => {
    code = c;
  });
  try {
    await program.parseAsync(['lint-pr', ...args], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      code = error.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    } else if (error instanceof UsageError) {
      io.stderr(`release-ledger: ${error.message}`);
      code = EXIT_ERROR;
    } else {
      throw error;
    }
  }
  return { code, stdout, stderr: stderr.join('\n') };
}

describe('lint-pr', () => {
  it('passes a conventional title and a filled-in description with one OK line', async () => {
    const result = await lintPr([
      '--title',
      'fix(payments): round refunds half-even',
      '--body',
      GOOD_BODY,
    ]);
    expect(result).toEqual({
      code: EXIT_OK,
      stdout: [
        'PR OK: "fix(payments): round refunds half-even" is a Conventional Commits title; Risk (medium), Feature flags, Rollback criteria answered',
      ],
      stderr: '',
    });
  });

  it('names each problem with its field and exits 1', async () => {
    const result = await lintPr([
      '--title',
      'Round refunds',
      '--body',
      '## Risk\nlow\n## Feature flags\nnone\n## Rollback criteria\nn/a',
    ]);
    expect(result.code).toBe(EXIT_PR_INVALID);
    expect(result.stdout).toEqual([
      'title: subject may not be empty [subject-empty]',
      'title: type may not be empty [type-empty]',
      'body: "Rollback criteria" is missing: "n/a" is not an answer here; write what would make you roll back, e.g. "error rate above 1% for 10 minutes"',
      'PR not ready: 3 problems; edit the title or description and the check runs again (exit 1)',
    ]);
  });

  it('reports the three required sections of the untouched template from --body-file', async () => {
    const result = await lintPr([
      '--title',
      'feat: add refunds',
      '--body-file',
      TEMPLATE_PATH,
    ]);
    expect(result.code).toBe(EXIT_PR_INVALID);
    expect(result.stdout).toEqual([
      expect.stringMatching(
        /^body: "Risk" is missing: nothing is written under it/,
      ),
      expect.stringMatching(
        /^body: "Feature flags" is missing: nothing is written/,
      ),
      expect.stringMatching(
        /^body: "Rollback criteria" is missing: nothing is written/,
      ),
      expect.stringMatching(/^PR not ready: 3 problems/),
    ]);
  });

  it.each([
    ['feat(api)!: drop the v1 endpoints', []],
    ['Revert "feat(api): drop the v1 endpoints"', []],
    ['chore(deps): bump zod from 3.22.0 to 3.25.76', []],
    ['Revert "drop the v1 endpoints"', ['subject-empty', 'type-empty']],
    ["Merge branch 'main' into refunds", ['subject-empty', 'type-empty']],
    [
      'Feat: Add refunds.',
      ['subject-case', 'subject-full-stop', 'type-case', 'type-enum'],
    ],
    ['feature(api): add refunds', ['type-enum']],
    ['feat(api): ', ['header-trim', 'subject-empty']],
    [`feat: ${'x'.repeat(100)}`, ['header-max-length']],
    ['', ['subject-empty', 'type-empty']],
  ])('title "%s" → %j', async (title, rules) => {
    const findings = await lintPrTitle(title);
    expect(findings.map(f => f.rule).sort()).toEqual([...rules].sort());
    expect(findings.every(f => f.level === 'error')).toBe(true);
  });

  it('reads the pull_request event at GITHUB_EVENT_PATH when given no title or body', async () => {
    const event = writeEvent({
      title: 'docs: explain refunds',
      body: GOOD_BODY,
    });
    const result = await lintPr([], { GITHUB_EVENT_PATH: event });
    expect(result.code).toBe(EXIT_OK);
    expect(result.stdout).toEqual([
      expect.stringMatching(
        /^PR OK: "docs: explain refunds" is a Conventional Commits title/,
      ),
    ]);
  });

  it('an event without a description (body null) misses every section', async () => {
    const event = writeEvent({ title: 'docs: explain refunds', body: null });
    const result = await lintPr([], { GITHUB_EVENT_PATH: event });
    expect(result.code).toBe(EXIT_PR_INVALID);
    expect(result.stdout.filter(l => l.startsWith('body: '))).toEqual([
      expect.stringMatching(
        /^body: "Risk" is missing: add a "## Risk" section/,
      ),
      expect.stringMatching(
        /^body: "Feature flags" is missing: add a "## Feature flags" section/,
      ),
      expect.stringMatching(
        /^body: "Rollback criteria" is missing: add a "## Rollback criteria" section/,
      ),
    ]);
  });

  it('with CRLF from the GitHub web editor', async () => {
    const event = writeEvent({
      title: 'fix: refunds',
      body: GOOD_BODY.replace(/\n/g, '\r\n'),
    });
    expect((await lintPr(['--event-file', event])).code).toBe(EXIT_OK);
  });

  it('flags win over the event: --title with --event-file keeps the event body', async () => {
    const event = writeEvent({ title: 'Bad title', body: GOOD_BODY });
    const result = await lintPr(
      ['--event-file', event, '--title', 'fix: good title'],
      {
        GITHUB_EVENT_PATH: writeEvent(
          { title: 'also bad', body: '' },
          'other.json',
        ),
      },
    );
    expect(result.code).toBe(EXIT_OK);
    expect(result.stdout[0]).toMatch(/^PR OK: "fix: good title"/);
  });

  it('flags alone do not read GITHUB_EVENT_PATH: a body not given is empty', async () => {
    const event = writeEvent({ title: 'fix: x', body: GOOD_BODY });
    const result = await lintPr(['--title', 'fix: refunds'], {
      GITHUB_EVENT_PATH: event,
    });
    expect(result.code).toBe(EXIT_PR_INVALID);
    expect(result.stdout.filter(l => l.startsWith('body: '))).toHaveLength(3);
  });

  it('--no-template checks the title only', async () => {
    const result = await lintPr(['--title', 'fix: refunds', '--no-template']);
    expect(result).toEqual({
      code: EXIT_OK,
      stdout: [
        'PR OK: "fix: refunds" is a Conventional Commits title; description not checked',
      ],
      stderr: '',
    });
  });

  it('--require replaces the required sections, repeatable or as a list', async () => {
    const body =
      '## How it was tested\n- [ ] unit\n## Risk\nlow\n## Migration\nnone needed, no schema change';
    const asList = await lintPr([
      '--title',
      'fix: x',
      '--body',
      body,
      '--require',
      'risk',
      'testing=How it was tested',
    ]);
    const repeated = await lintPr([
      '--title',
      'fix: x',
      '--body',
      body,
      '--require',
      'risk',
      '--require',
      'testing=How it was tested',
    ]);
    for (const result of [asList, repeated]) {
      expect(result.code).toBe(EXIT_PR_INVALID);
      expect(result.stdout).toEqual([
        'body: "How it was tested" is missing: none of its checkboxes is ticked',
        expect.stringMatching(/^PR not ready: 1 problem;/),
      ]);
    }
    const answered = await lintPr([
      '--title',
      'fix: x',
      '--body',
      body,
      '--require',
      'Migration',
    ]);
    expect(answered.code).toBe(EXIT_OK);
    expect(answered.stdout).toEqual([
      'PR OK: "fix: x" is a Conventional Commits title; Migration answered',
    ]);
  });

  it('--template-file: a section still holding the template text is missing', async () => {
    const template = writeFile(
      'template.md',
      '## Risk\nlow / medium / high\n## Feature flags\nList the flags, or none.\n## Rollback criteria\nDescribe when you would roll back.\n',
    );
    const result = await lintPr([
      '--title',
      'fix: x',
      '--body-file',
      template,
      '--template-file',
      template,
    ]);
    expect(result.code).toBe(EXIT_PR_INVALID);
    expect(result.stdout).toEqual([
      'body: "Risk" is missing: it still has the template\'s text; write one of low, medium, high',
      expect.stringMatching(
        /^body: "Feature flags" is missing: it still has the template's text/,
      ),
      expect.stringMatching(
        /^body: "Rollback criteria" is missing: it still has the template's text/,
      ),
      expect.stringMatching(/^PR not ready: 3 problems/),
    ]);
  });

  it('--json prints ok, the title findings, the answers and what is missing', async () => {
    const result = await lintPr([
      '--title',
      'feat: Refunds',
      '--body',
      '**Risk:** HIGH\n**Feature flags:** `refunds.v2`',
      '--json',
    ]);
    expect(result.code).toBe(EXIT_PR_INVALID);
    expect(result.stdout).toHaveLength(1);
    expect(JSON.parse(result.stdout[0])).toEqual({
      ok: false,
      title: [
        {
          level: 'error',
          rule: 'subject-case',
          message:
            'subject must not be sentence-case, start-case, pascal-case, upper-case',
        },
      ],
      fields: { risk: 'high', flags: '`refunds.v2`' },
      missing: [
        {
          field: 'rollback',
          label: 'Rollback criteria',
          problem: expect.stringMatching(
            /^is missing: add a "## Rollback criteria" section/,
          ),
        },
      ],
    });
    const ok = await lintPr([
      '--title',
      'feat: refunds',
      '--body',
      GOOD_BODY,
      '--json',
    ]);
    expect(ok.code).toBe(EXIT_OK);
    expect(JSON.parse(ok.stdout.join('\n'))).toEqual({
      ok: true,
      title: [],
      fields: {
        risk: 'medium',
        flags: 'none',
        rollback: 'refund error rate above 0.5% for 10 minutes',
      },
      missing: [],
    });
  });

  describe('exits 2 on errors, naming the problem', () => {
    it.each([
      [[], {}, /nothing to lint: pass --title and --body/],
      [['--body', 'x', '--body-file', 'y.md'], {}, /give the description once/],
      [
        ['--title', 'fix: x', '--body-file', '/nonexistent/body.md'],
        {},
        /--body-file: cannot read '\/nonexistent\/body.md'/,
      ],
      [
        [],
        { GITHUB_EVENT_PATH: '/nonexistent/event.json' },
        /the event file: cannot read '\/nonexistent\/event.json'/,
      ],
      [
        ['--require', '=Label', '--title', 'fix: x'],
        {},
        /--require: required field '=Label'/,
      ],
      [['--title'], {}, /option '--title <title>' argument missing/],
    ])('%j %j', async (args, env, message) => {
      const result = await lintPr(args as string[], env);
      expect(result.code).toBe(EXIT_ERROR);
      expect(result.stdout).toEqual([]);
      expect(result.stderr).toMatch(message);
    });

    it('an event that is not JSON', async () => {
      const event = writeFile('event.json', '{ not json');
      const result = await lintPr(['--event-file', event]);
      expect(result.code).toBe(EXIT_ERROR);
      expect(result.stderr).toMatch(
        /the event file '.*event.json' is not JSON/,
      );
    });

    it('an event that is not a pull_request event', async () => {
      const event = writeFile(
        'push.json',
        JSON.stringify({ ref: 'refs/heads/main' }),
      );
      const result = await lintPr([], {
        GITHUB_EVENT_PATH: event,
        GITHUB_EVENT_NAME: 'push',
      });
      expect(result.code).toBe(EXIT_ERROR);
      expect(result.stderr).toMatch(
        /has no pull_request \(GITHUB_EVENT_NAME is push\): run lint-pr on pull_request or pull_request_target events/,
      );
    });
  });

  it('--help documents the exit codes and GITHUB_EVENT_PATH', async () => {
    const result = await lintPr(['--help']);
    expect(result.code).toBe(EXIT_OK);
    const help = result.stdout.join('\n');
    expect(help).toMatch(
      /Exit codes: 0 the title and description pass, 1 something is missing/,
    );
    expect(help).toMatch(/GITHUB_EVENT_PATH/);
    expect(help).toMatch(/--no-template/);
  });
});
