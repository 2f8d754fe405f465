import { execFile } from 'node:child_process';
import {
  MAX_COMMIT_BODY_LENGTH,
  MAX_RELEASE_COMMITS,
} from '@release-ledger/plugin-release-ledger-common';
import { UsageError } from './events';

/** A commit of a release's range, as `release_started` carries it. */
export type RangeCommit = {
  sha: string;
  subject: string;
  body?: string;
  author?: string;
  authoredAt?: string;
  committedAt?: string;
  prNumber?: number;
  isMerge?: boolean;
};

/** What `start` sends of a range: the newest commits, and how many there are. */
export type CollectedRange = {
  commit: string;
  previousCommit: string;
  commits: RangeCommit[];
  commitCount: number;
};

/** Stay well under the ledger's 1,000,000 characters of attributes. */
const MAX_COMMITS_JSON = 900_000;

// One record per commit; fields split by US (0x1f), records end with RS (0x1e).
const FORMAT = ['%H', '%P', '%an', '%aI', '%cI', '%s', '%b'].join('%x1f');

/**
 * The PR a mainline commit merged: GitHub's squash subject `… (#123)`, its
 * merge commit `Merge pull request #123 from …`, GitLab's `See merge request
 * group/project!123` trailer, Bitbucket's `Merged in branch (pull request #123)`.
 */
export function prNumberOf(subject: string, body = ''): number | undefined {
  const patterns = [
    /^Merge pull request #(\d+)\b/,
    /\(#(\d+)\)\s*$/,
    /\(pull request #(\d+)\)/,
  ];
  for (const p of patterns) {
    const m = subject.match(p);
    if (m) return Number(m[1]);
  }
  const gitlab = body.match(/^See merge request [^\s!]+!(\d+)\s*$/m);
  return gitlab ? Number(gitlab[1]) : undefined;
}

/** Parses `git log --format=FORMAT` output (see above). */
export function parseGitLog(output: string): RangeCommit[] {
  return output
    .split('\x1e')
    .map(record => record.replace(/^\n/, ''))
    .filter(record => record.trim() !== '')
    .map(record => {
      const [sha, parents, author, authoredAt, committedAt, subject, body] =
        record.split('\x1f');
      const trimmedBody = (body ?? '').trim();
      const commit: RangeCommit = {
        sha,
        subject: subject.slice(0, 1000),
        author: author || undefined,
        authoredAt: authoredAt || undefined,
        committedAt: committedAt || undefined,
      };
      if (trimmedBody) {
        commit.body = trimmedBody.slice(0, MAX_COMMIT_BODY_LENGTH);
      }
      const prNumber = prNumberOf(subject, trimmedBody);
      if (prNumber !== undefined) commit.prNumber = prNumber;
      if (parents.trim().split(/\s+/).length > 1) commit.isMerge = true;
      return commit;
    });
}

/** Runs git in `cwd`; answers stdout, or throws with git's message. */
export type GitRunner = (args: string[], cwd: string) => Promise<string>;

export const runGit: GitRunner = (args, cwd) =>
  new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              (stderr || error.message).trim().split('\n')[0] ?? 'git failed',
            ),
          );
        } else resolve(stdout);
      },
    );
  });

async function hasCommit(git: GitRunner, dir: string, sha: string) {
  try {
    await git(['cat-file', '-e', `${sha}^{commit}`], dir);
    return true;
  } catch {
    return false;
  }
}

/**
 * The mainline commits of `previousCommit..commit` in the checkout at `dir`
 * (`git log --first-parent`: a squash merge, a merge commit or a direct push
 * each count once; a merged branch's own commits do not), newest first.
 * Pipelines clone shallowly by default, so a range that is not in the
 * clone gets a message that says how to fetch it.
 */
export async function collectRange(options: {
  dir: string;
  commit: string;
  previousCommit: string;
  git?: GitRunner;
}): Promise<CollectedRange> {
  const git = options.git ?? runGit;
  const { dir } = options;
  for (const [name, sha] of [
    ['--commit', options.commit],
    ['previous release commit', options.previousCommit],
  ] as const) {
    if (await hasCommit(git, dir, sha)) continue;
    const shallow =
      (
        await git(['rev-parse', '--is-shallow-repository'], dir).catch(() => '')
      ).trim() === 'true';
    throw new UsageError(
      shallow
        ? `${name} ${sha} is not in this shallow clone, so the release's commits cannot be listed. Fetch the history: with actions/checkout set fetch-depth: 0 (or a --fetch-depth large enough to reach the previous release), or run git fetch --deepen=500; or start without --repo to record the release without its commits.`
        : `${name} ${sha} is not in the repository at ${dir}. Fetch it (git fetch origin ${sha}), pass --previous-commit, or start without --repo to record the release without its commits.`,
    );
  }
  const range = `${options.previousCommit}..${options.commit}`;
  const count = Number(
    (await git(['rev-list', '--first-parent', '--count', range], dir)).trim(),
  );
  const output = await git(
    [
      'log',
      '--first-parent',
      `--max-count=${MAX_RELEASE_COMMITS}`,
      `--format=${FORMAT}%x1e`,
      range,
    ],
    dir,
  );
  const commits: RangeCommit[] = [];
  let size = 0;
  for (const commit of parseGitLog(output)) {
    size += JSON.stringify(commit).length + 1;
    if (size > MAX_COMMITS_JSON) break;
    commits.push(commit);
  }
  return {
    commit: options.commit,
    previousCommit: options.previousCommit,
    commits,
    commitCount: count,
  };
}

/** The full id of `rev` in the checkout at `dir` (e.g. HEAD). */
export async function resolveCommit(
  dir: string,
  rev: string,
  git: GitRunner = runGit,
): Promise<string> {
  return (await git(['rev-parse', '--verify', `${rev}^{commit}`], dir)).trim();
}

/** Whether `dir` is inside a git work tree. */
export async function isGitCheckout(
  dir: string,
  git: GitRunner = runGit,
): Promise<boolean> {
  try {
    return (
      (await git(['rev-parse', '--is-inside-work-tree'], dir)).trim() === 'true'
    );
  } catch {
    return false;
  }
}
