/*
 * `release-ledger start --repo` against the real ledger backend and a real
 * git repository made in the test: squash merges, a merge commit, a direct
 * push, two releases, merges posted without a release id before and after.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLedgerBackend } from './__testUtils__/ledgerBackend';
import { run } from './program';

jest.setTimeout(60_000);

const TOKEN = 'cli-start-test-token';
const ENTITY = 'component:default/payments-api';
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** A git repository with a main line of squash merges, a merge commit and a push. */
class TestRepo {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-start-'));
  #clock = Date.UTC(2026, 10, 20, 9);

  constructor() {
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'ada@example.com');
    this.git('config', 'user.name', 'Ada');
  }

  git(...args: string[]): string {
    const date = new Date(this.#clock).toISOString();
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      },
    }).trim();
  }

  /** A commit on the current branch, an hour after the last one. */
  commit(message: string): string {
    this.#clock += 3600_000;
    fs.writeFileSync(path.join(this.dir, `f${this.#clock}.txt`), message);
    this.git('add', '.');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  /** A branch with two commits merged with a merge commit, as GitHub does. */
  mergePr(pr: number, title: string): string {
    this.git('checkout', '-q', '-b', `pr-${pr}`);
    this.commit(`wip ${pr}`);
    this.commit(`more ${pr}`);
    this.git('checkout', '-q', 'main');
    this.#clock += 3600_000;
    this.git(
      'merge',
      '-q',
      '--no-ff',
      `pr-${pr}`,
      '-m',
      `Merge pull request #${pr} from org/pr-${pr}`,
      '-m',
      title,
    );
    return this.git('rev-parse', 'HEAD');
  }

  timeOf(sha: string): string {
    return new Date(this.git('show', '-s', '--format=%cI', sha)).toISOString();
  }
}

describe('release-ledger start --repo', () => {
  let baseUrl: string;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ baseUrl, stop } = await startLedgerBackend({
      databases,
      token: TOKEN,
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'payments-api', namespace: 'default' },
          spec: { type: 'service', lifecycle: 'production', owner: 'x' },
        },
      ],
    }));
  });

  afterAll(async () => {
    await stop?.();
  });

  async function cli(args: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await run(args, {
      env: { RELEASE_LEDGER_URL: baseUrl, RELEASE_LEDGER_TOKEN: TOKEN },
      stdout: t => stdout.push(t),
      stderr: t => stderr.push(t),
      sleep: async () => {},
    });
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  }

  async function getRelease(releaseId: string) {
    const res = await fetch(
      `${baseUrl}/api/release-ledger/releases/${encodeURIComponent(releaseId)}`,
      { headers: { Authorization: `Bearer ${TOKEN}` } },
    );
    expect(res.status).toBe(200);
    return res.json();
  }

  it('lists the range since the last promoted release, and links merges sent without a release', async () => {
    const repo = new TestRepo();
    const base = repo.commit('chore: initial commit');

    // Release 1 of the entity: no promoted release before it, so no range.
    const first = await cli([
      'start',
      '--release',
      'payments-api@1',
      '--entity',
      ENTITY,
      '--repo',
      repo.dir,
      '--timestamp',
      '2026-11-20T10:30:00Z',
    ]);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(
      'no earlier promoted release of component:default/payments-api names a commit',
    );
    expect((await getRelease('payments-api@1')).commit).toBe(base);
    expect(
      (
        await cli([
          'event',
          'promoted',
          '--release',
          'payments-api@1',
          '--timestamp',
          '2026-11-20T11:00:00Z',
        ])
      ).code,
    ).toBe(0);

    // Three changes land: a squash merge, a merge commit, a direct push.
    const squash = repo.commit('feat(tax): round per line (#12)');
    // The merge workflow posts it without a release id, before any release.
    const merged = await cli([
      'event',
      'pr_merged',
      '--entity',
      ENTITY,
      '--attr',
      'prNumber=12',
      '--attr',
      'title=Tax: round per line',
      '--attr',
      `commit=${squash}`,
      '--attr',
      `mergedAt=${repo.timeOf(squash)}`,
    ]);
    expect(merged.code).toBe(0);
    const mergeCommit = repo.mergePr(13, 'fix(cart): keep the basket');
    const push = repo.commit('docs: runbook link');

    const second = await cli([
      'start',
      '--release',
      'payments-api@2',
      '--entity',
      ENTITY,
      '--repo',
      repo.dir,
      '--timestamp',
      new Date(Date.parse(repo.timeOf(push)) + 3600_000).toISOString(),
    ]);
    expect(second.code).toBe(0);
    // First parent only: the PR branch's own two commits are not changes.
    expect(second.stderr).toBe(
      `listed 3 commit(s) of ${base.slice(0, 12)}..${push.slice(0, 12)}`,
    );

    const release = await getRelease('payments-api@2');
    expect(release).toMatchObject({
      commit: push,
      previousCommit: base,
      commitCount: 3,
    });
    expect(release.changes).toEqual([
      {
        prNumber: 12,
        title: 'Tax: round per line',
        mergedAt: repo.timeOf(squash),
        commit: squash,
        source: 'pr_merged',
      },
      {
        prNumber: 13,
        title: 'fix(cart): keep the basket',
        author: 'Ada',
        mergedAt: repo.timeOf(mergeCommit),
        commit: mergeCommit,
        source: 'commit',
      },
      {
        title: 'docs: runbook link',
        author: 'Ada',
        mergedAt: repo.timeOf(push),
        commit: push,
        source: 'commit',
      },
    ]);
    // Its notes, printed as a CHANGELOG section, as JSON, and to a file.
    const notes = await cli(['notes', 'payments-api@2']);
    expect(notes.code).toBe(0);
    expect(notes.stdout).toContain('## payments-api@2');
    expect(notes.stdout).toContain(
      '### Features\n\n* **tax:** round per line (#12)',
    );
    expect(notes.stdout).toContain(
      '### Fixes\n\n* **cart:** keep the basket (#13)',
    );
    expect(notes.stdout).toContain('### Other changes\n\n* runbook link');
    const json = await cli(['notes', 'payments-api@2', '--json']);
    expect(JSON.parse(json.stdout).counts).toEqual({
      commits: 3,
      conventional: 3,
      nonConventional: 0,
      breaking: 0,
    });
    const file = path.join(repo.dir, 'NOTES.md');
    const written = await cli(['notes', 'payments-api@2', '--output', file]);
    expect(written.code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${notes.stdout}\n`);
    const unknown = await cli(['notes', 'payments-api@404']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'release payments-api@404 is not in the ledger',
    );

    const started = release.events.find(
      (e: any) => e.type === 'release_started',
    );
    expect(started.attributes.commits[1]).toMatchObject({
      sha: mergeCommit,
      subject: 'Merge pull request #13 from org/pr-13',
      body: 'fix(cart): keep the basket',
      prNumber: 13,
      isMerge: true,
    });
  });

  it('says how to fetch the history when the previous commit is not in a shallow clone', async () => {
    const origin = new TestRepo();
    const old = origin.commit('feat: one');
    origin.commit('feat: two');
    origin.commit('feat: three');
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'rl-shallow-'));
    execFileSync('git', [
      'clone',
      '-q',
      '--depth',
      '1',
      `file://${origin.dir}`,
      clone,
    ]);
    const result = await cli([
      'start',
      '--release',
      'payments-api@shallow',
      '--entity',
      ENTITY,
      '--repo',
      clone,
      '--previous-commit',
      old,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `previous release commit ${old} is not in this shallow clone`,
    );
    expect(result.stderr).toContain('fetch-depth: 0');
    // Nothing was recorded.
    const res = await fetch(
      `${baseUrl}/api/release-ledger/releases/payments-api%40shallow`,
      { headers: { Authorization: `Bearer ${TOKEN}` } },
    );
    expect(res.status).toBe(404);
  });
});
