#!/usr/bin/env node
/*
 * The GitHub Actions example, run as written: the `run:` steps of
 * examples/github-actions/release.yml and merged.yml (e2e/github-actions-
 * runner.js runs them as a runner would: `${{ }}`, `if:`, $GITHUB_ENV,
 * $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY) against a real git repository made
 * here and the real dev backend, started on a spare port with a fresh
 * SQLite database (bench/lib/devBackend.js, as the benchmarks start it).
 *
 * The repository, `checkout-api`, holds its catalog-info.yaml (registered
 * with the backend) and no-op ./deploy/*.sh scripts that log their calls.
 * Its history: PR #1 squash-merged, released (run 1); then PR #2 squash-
 * merged, PR #3 merged with a merge commit (two branch commits), PR #4
 * squash-merged without a merged.yml run, and a direct push; released again
 * (run 2). merged.yml runs for #1 and #2 before their release starts, for
 * #3 after its release finished, and for a PR closed without merging.
 * Each release run works in a fresh full clone (actions/checkout with
 * fetch-depth: 0); `LEDGER` is the in-repo CLI instead of npx.
 *
 * The SLO gate is real: Prometheus (Debian's, as in e2e/gates-fixture.js)
 * is backfilled with a healthy canary of both releases' versions, and the
 * entity's gate set measures its error rate twice, 2 s apart.
 *
 * It then asserts through the API that release 2 lists its four changes
 * (#2 and #3 from merged.yml's events, #4 and the push from its commits;
 * not #1, not the merged branch's own commits), that its previousCommit is
 * release 1's commit, and that every change has a positive lead time
 * (promoted − merged). Exits 1 with every problem found.
 *
 * Run: yarn test:gha-example. GHA_EXAMPLE_VERBOSE=1 prints every step's
 * output.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const YAML = require('yaml');
const { runJob } = require('./github-actions-runner');
const {
  canarySeries,
  openMetricsDocument,
  startPrometheus,
} = require('./gates-fixture');
const { startDevBackend, yamlString } = require('../bench/lib/devBackend');
const { createCleanup, freePort } = require('../bench/lib/processes');

const root = path.resolve(__dirname, '..');
const CLI = path.join(root, 'packages', 'cli', 'bin', 'release-ledger');
/** The dev backend's pipeline token (app-config.yaml). */
const TOKEN = 'dev-release-ledger-token';
const OWNER = 'acme';
const SERVICE = 'checkout-api';
const ENTITY_REF = `component:default/${SERVICE}`;
const GATE_SET = 'gha-example';
const VERBOSE = process.env.GHA_EXAMPLE_VERBOSE === '1';
const HOUR = 3_600_000;

/**
 * The title and description of PR #2, written to break a workflow that
 * pastes them into its script: quotes, `$(…)` and backticks must arrive as
 * text and run nothing.
 */
const TRICKY_TITLE =
  'fix(cart): round "totals" per line; $(touch pwned) `touch pwned`';
const TRICKY_BODY = [
  '## Risk',
  'low: rounding only; `$HOME`, \'single\' and "double" quotes stay text',
  '',
  '## Feature flags',
  'none',
  '',
  '## Rollback criteria',
  'cart error rate above 1 %',
].join('\n');

const log = message => console.log(`gha-example: ${message}`);

/** GitHub's time format: ISO 8601 in UTC, whole seconds. */
const githubTime = ms => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

// ---------------------------------------------------------------- the repo

function git(dir, args, { at, author = 'Ana Lima' } = {}) {
  const email = `${author.toLowerCase().replace(/\s+/g, '.')}@example.com`;
  const date = at === undefined ? undefined : `@${Math.floor(at / 1000)} +0000`;
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      // The machine's git config (signing, hooks, default branch) stays out.
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: author,
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: author,
      GIT_COMMITTER_EMAIL: email,
      ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
    },
  }).trim();
}

const DEPLOY_SCRIPT = name => `#!/usr/bin/env bash
# Stand-in for the deployer (e2e/github-actions-example.js): logs the call.
echo "${name} $*" >> "$GITHUB_WORKSPACE/deploy.log"
`;

/**
 * Makes the service's repository at `dir` and answers its commits and PRs.
 * Times are in the past, relative to `now`, so every lead time is hours.
 */
function makeRepository(dir, now) {
  fs.mkdirSync(path.join(dir, 'deploy'), { recursive: true });
  git(dir, ['init', '--quiet', '--initial-branch=main']);
  const write = (file, text, mode) => {
    fs.writeFileSync(path.join(dir, file), text, { mode });
    git(dir, ['add', file]);
  };
  const commit = (message, options) => {
    git(dir, ['commit', '--quiet', '--no-verify', '-m', message], options);
    return git(dir, ['rev-parse', 'HEAD']);
  };

  write(
    'catalog-info.yaml',
    YAML.stringify({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: SERVICE,
        annotations: {
          'github.com/project-slug': `${OWNER}/${SERVICE}`,
          'release-ledger/gates': GATE_SET,
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: 'team-payments',
      },
    }),
  );
  for (const name of ['set-canary', 'promote', 'rollback'])
    write(`deploy/${name}.sh`, DEPLOY_SCRIPT(name), 0o755);
  write('cart.js', 'module.exports = {};\n');
  const scaffold = commit('chore: scaffold checkout-api', {
    at: now - 72 * HOUR,
  });

  const prs = [];
  const squash = (number, title, file, at, extra = {}) => {
    write(file, `// #${number}\n`);
    const sha = commit(`${title} (#${number})`, { at, author: extra.author });
    prs.push({ number, title, sha, mergedAt: at, merged: true, ...extra });
    return sha;
  };

  const release1 = squash(
    1,
    'feat: checkout page',
    'checkout.js',
    now - 48 * HOUR,
    {
      author: 'Ana Lima',
      login: 'ana',
    },
  );
  squash(2, TRICKY_TITLE, 'cart.js', now - 8 * HOUR, {
    author: 'Bo Chen',
    login: 'bo',
    body: TRICKY_BODY,
  });

  // PR #3 merged with a merge commit: its two branch commits are not changes.
  git(dir, ['checkout', '--quiet', '-b', 'saved-carts']);
  write('saved.js', '// model\n');
  commit('feat(cart): saved carts model', {
    at: now - 7.5 * HOUR,
    author: 'Cy Diaz',
  });
  write('saved.test.js', '// tests\n');
  commit('test(cart): saved carts', { at: now - 7 * HOUR, author: 'Cy Diaz' });
  git(dir, ['checkout', '--quiet', 'main']);
  const pr3Title = 'feat(cart): saved carts';
  git(
    dir,
    [
      'merge',
      '--quiet',
      '--no-ff',
      '--no-verify',
      '-m',
      `Merge pull request #3 from ${OWNER}/saved-carts\n\n${pr3Title}`,
      'saved-carts',
    ],
    { at: now - 6 * HOUR, author: 'Cy Diaz' },
  );
  prs.push({
    number: 3,
    title: pr3Title,
    sha: git(dir, ['rev-parse', 'HEAD']),
    mergedAt: now - 6 * HOUR,
    merged: true,
    login: 'cy',
    body: '',
  });

  // PR #4: its merged.yml run never happened (the ledger was away).
  squash(
    4,
    'docs: how to run the service locally',
    'README.md',
    now - 5 * HOUR,
    {
      login: 'ana',
      unrecorded: true,
    },
  );
  write('package-lock.json', '{}\n');
  const push = commit('chore: bump the lockfile', { at: now - 4 * HOUR });
  return {
    scaffold,
    release1,
    release2: push,
    push,
    prs,
    // PR #5 was closed without merging: merged.yml must skip it.
    closed: {
      number: 5,
      title: 'feat: one-click checkout',
      merged: false,
      login: 'bo',
    },
    branchSubjects: [
      'feat(cart): saved carts model',
      'test(cart): saved carts',
    ],
  };
}

/** `git describe --tags --always` at `sha`: the workflow's VERSION. */
const versionAt = (dir, sha) =>
  git(dir, ['describe', '--tags', '--always', sha]);

// ------------------------------------------------------------ the workflows

function readWorkflow(name) {
  const file = path.join(root, 'examples', 'github-actions', name);
  return YAML.parse(fs.readFileSync(file, 'utf8'));
}

/** Problems with a workflow's triggers, as the scenario relies on them. */
function triggerProblems(release, merged) {
  const problems = [];
  if (!release.on?.push?.branches?.includes('main'))
    problems.push('release.yml: does not run on pushes to main');
  if (!merged.on?.pull_request?.types?.includes('closed'))
    problems.push('merged.yml: does not run when a pull request is closed');
  return problems;
}

const repository = { name: SERVICE, full_name: `${OWNER}/${SERVICE}` };

function releaseContext({ runNumber, sha, workspace }) {
  return {
    event_name: 'push',
    sha,
    ref: 'refs/heads/main',
    repository: `${OWNER}/${SERVICE}`,
    repository_owner: OWNER,
    run_id: String(9000 + runNumber),
    run_number: String(runNumber),
    run_attempt: '1',
    server_url: 'https://github.com',
    workspace,
    event: { ref: 'refs/heads/main', after: sha, repository },
  };
}

function mergedContext(pr, workspace) {
  return {
    event_name: 'pull_request',
    sha: pr.sha ?? '0'.repeat(40),
    ref: `refs/pull/${pr.number}/merge`,
    repository: `${OWNER}/${SERVICE}`,
    repository_owner: OWNER,
    run_id: String(8000 + pr.number),
    run_number: String(100 + pr.number),
    run_attempt: '1',
    server_url: 'https://github.com',
    workspace,
    event: {
      action: 'closed',
      number: pr.number,
      repository,
      pull_request: {
        number: pr.number,
        title: pr.title,
        // GitHub sends null for an empty description.
        body: pr.body || null,
        user: { login: pr.login },
        html_url: `https://github.com/${OWNER}/${SERVICE}/pull/${pr.number}`,
        merged: pr.merged,
        merged_at: pr.merged ? githubTime(pr.mergedAt) : null,
        merge_commit_sha: pr.sha ?? null,
        base: { ref: 'main' },
      },
    },
  };
}

function describeJob(label, job) {
  const lines = [`${label}: ${job.conclusion}`];
  for (const step of job.steps) {
    lines.push(`  ${step.outcome.padEnd(8)} ${step.name}`);
    const show = VERBOSE || step.outcome === 'failure';
    if (show && step.output.trim())
      lines.push(step.output.trimEnd().replace(/^/gm, '      | '));
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------ checks

/** Problems with a release job that should have promoted. */
function releaseJobProblems(label, job, releaseId, deployLog, version) {
  const problems = [];
  const step = name => job.steps.find(s => s.name === name) ?? {};
  if (job.conclusion !== 'success')
    problems.push(`${label}: the job concluded ${job.conclusion}`);
  for (const s of job.steps.filter(x => x.outcome === 'failure'))
    problems.push(`${label}: step "${s.name}" failed (exit ${s.exitCode})`);
  if (step('SLO gate').outputs?.exit_code !== '0')
    problems.push(
      `${label}: the gate step's exit_code output is ${JSON.stringify(
        step('SLO gate').outputs?.exit_code,
      )}, not "0"`,
    );
  for (const [name, outcome] of [
    ['Promote (100%)', 'success'],
    ['Publish promoted event', 'success'],
    ['Roll back', 'skipped'],
    ['Publish finish event', 'success'],
    ['Fail the run when not promoted', 'skipped'],
  ])
    if (step(name).outcome !== outcome)
      problems.push(
        `${label}: step "${name}" ${step(name).outcome}, expected ${outcome}`,
      );
  if (!job.summary.includes(`### SLO gate for ${releaseId} (exit 0)`))
    problems.push(
      `${label}: the job summary has no gate section for ${releaseId}`,
    );
  const expectedDeploys = [`set-canary ${version} 10`, `promote ${version}`];
  if (deployLog.join('\n') !== expectedDeploys.join('\n'))
    problems.push(
      `${label}: the deploy scripts were called ${JSON.stringify(
        deployLog,
      )}, expected ${JSON.stringify(expectedDeploys)}`,
    );
  return problems;
}

/** Problems with a promoted release's changes and lead times, as read from the API. */
function releaseProblems(label, release, expected) {
  const problems = [];
  const say = message =>
    problems.push(`${label} (${release.releaseId}): ${message}`);
  if (release.status !== 'finished' || release.outcome !== 'promoted')
    say(`is ${release.status}/${release.outcome}, expected finished/promoted`);
  if (release.commit !== expected.commit)
    say(`commit is ${release.commit}, expected ${expected.commit}`);
  if (release.previousCommit !== expected.previousCommit)
    say(
      `previousCommit is ${release.previousCommit}, expected ${
        expected.previousCommit ?? 'none (first release)'
      }`,
    );
  if (
    expected.commitCount !== undefined &&
    release.commitCount !== expected.commitCount
  )
    say(
      `commitCount is ${release.commitCount}, expected ${expected.commitCount}`,
    );
  if ((release.anomalies ?? []).length > 0)
    say(`has anomalies: ${JSON.stringify(release.anomalies)}`);

  const changes = release.changes ?? [];
  const shown = changes.map(
    c => `#${c.prNumber ?? '-'} ${c.source} "${c.title}"`,
  );
  if (changes.length !== expected.changes.length)
    say(
      `lists ${changes.length} change(s), expected ${
        expected.changes.length
      }: ${shown.join('; ')}`,
    );
  expected.changes.forEach((want, i) => {
    const got = changes[i];
    if (!got) return;
    for (const key of Object.keys(want))
      if (
        key === 'mergedAt'
          ? Date.parse(got[key]) !== Date.parse(want[key])
          : got[key] !== want[key]
      )
        say(
          `change ${i + 1} has ${key} ${JSON.stringify(
            got[key],
          )}, expected ${JSON.stringify(want[key])}`,
        );
  });
  for (const subject of expected.absentTitles ?? [])
    if (changes.some(c => c.title === subject))
      say(`lists "${subject}" as a change`);

  const gate = (release.events ?? []).find(e => e.type === 'gate_evaluated');
  if (gate?.attributes?.verdict !== 'pass')
    say(
      `its gate verdict is ${
        gate?.attributes?.verdict ?? 'missing'
      }, expected pass`,
    );

  const lead = release.footprint?.leadTimesMs ?? [];
  const promotedMs = Date.parse(release.promotedAt);
  const wantLead = changes
    .map(c => promotedMs - Date.parse(c.mergedAt))
    .sort((a, b) => a - b);
  if (lead.length === 0)
    say('has no lead times (footprint.leadTimesMs is empty)');
  else if (lead.length !== changes.length)
    say(`has ${lead.length} lead time(s) for ${changes.length} change(s)`);
  if (lead.some(ms => !(ms > 0)))
    say(`has a lead time that is not positive: ${lead}`);
  if (
    JSON.stringify([...lead].sort((a, b) => a - b)) !== JSON.stringify(wantLead)
  )
    say(
      `lead times ${lead} are not promoted − merged per change (${wantLead})`,
    );
  return problems;
}

// -------------------------------------------------------------------- main

async function api(base, urlPath, token) {
  const res = await fetch(`${base}${urlPath}`, {
    headers: {
      'x-requested-with': 'XMLHttpRequest',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** Polls `check` (answers a value or undefined) until it answers or `ms` pass. */
async function until(what, ms, backend, check) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    const outcome = await backend.race(check());
    if (outcome.v !== undefined) return outcome.v;
    last = outcome.e?.message ?? last;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${
          last ? ` (${last})` : ''
        }; backend log:\n${backend.tail()}`,
      );
    await new Promise(r => setTimeout(r, 500));
  }
}

function backendConfigLines({ prometheusUrl, catalogFile }) {
  return [
    // Top-level sections after the generated `backend:` one. Arrays replace
    // app-config.yaml's: the catalog reads the org and this service only.
    'catalog:',
    '  locations:',
    '    - type: file',
    `      target: ${yamlString(path.join(root, 'examples', 'org.yaml'))}`,
    '      rules:',
    '        - allow: [User, Group]',
    '    - type: file',
    `      target: ${yamlString(catalogFile)}`,
    'releaseLedger:',
    '  prometheus:',
    `    url: ${yamlString(prometheusUrl)}`,
    // Backfilled ahead of time: every moment is complete.
    '    ingestionDelayMs: 0',
    '  gates:',
    `    ${GATE_SET}:`,
    '      checks:',
    '        - name: error-rate',
    `          query: 'sum(rate(http_requests_total{service="{{entity}}",version="{{version}}",code=~"5.."}[1m])) / sum(rate(http_requests_total{service="{{entity}}",version="{{version}}"}[1m]))'`,
    "          condition: '< 0.01'",
    '          interval: 2s',
    '          count: 2',
    '          noData: inconclusive',
  ];
}

async function main() {
  const began = Date.now();
  const run = createCleanup({
    log,
    keepTmp: process.env.GHA_EXAMPLE_KEEP_TMP === '1',
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gha-example-'));
  run.tmpDirs.add(tmp);
  try {
    const releaseWorkflow = readWorkflow('release.yml');
    const mergedWorkflow = readWorkflow('merged.yml');
    const problems = triggerProblems(releaseWorkflow, mergedWorkflow);

    const now = Date.now();
    const origin = path.join(tmp, 'origin');
    const repo = makeRepository(origin, now);
    const versions = [repo.release1, repo.release2].map(sha =>
      versionAt(origin, sha),
    );

    const prometheusUrl = await startPrometheus(
      openMetricsDocument(
        versions.map(version =>
          canarySeries({
            service: SERVICE,
            version,
            fromMs: now - 30 * 60_000,
            toMs: now + 20 * 60_000,
          }),
        ),
      ),
      path.join(tmp, 'prometheus'),
      child => {
        child.__group = true;
        run.children.add(child);
      },
    );

    const port = await freePort();
    const backend = startDevBackend({
      name: 'backend',
      dir: tmp,
      port,
      configLines: backendConfigLines({
        prometheusUrl,
        catalogFile: path.join(origin, 'catalog-info.yaml'),
      }),
      env: {
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        RELEASE_LEDGER_TOKEN: TOKEN,
        RELEASE_LEDGER_DATA_DIR: path.join(tmp, 'sqlite'),
      },
      children: run.children,
    });
    const base = `http://127.0.0.1:${port}`;
    await until('the ledger', 120_000, backend, async () => {
      const r = await api(base, '/api/release-ledger/releases?limit=1', TOKEN);
      if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
      return true;
    });
    // The ledger refuses events for entities the catalog has not read yet.
    await until(
      `the catalog to read ${ENTITY_REF}`,
      60_000,
      backend,
      async () => {
        const guest = (await api(base, '/api/auth/guest/refresh')).json
          ?.backstageIdentity?.token;
        const r = await api(
          base,
          `/api/catalog/entities/by-name/component/default/${SERVICE}`,
          guest,
        );
        if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
        return true;
      },
    );
    const ready = Date.now();

    const secrets = { RELEASE_LEDGER_URL: base, RELEASE_LEDGER_TOKEN: TOKEN };
    const envOverrides = { LEDGER: CLI };
    const workspaces = [];
    const merged = async pr => {
      const workspace = path.join(tmp, `merged-${pr.number}`);
      fs.mkdirSync(workspace);
      workspaces.push(workspace);
      const job = await runJob({
        workflow: mergedWorkflow,
        jobId: 'record-merge',
        workspace,
        runnerTemp: path.join(tmp, `runner-merged-${pr.number}`),
        github: mergedContext(pr, workspace),
        secrets,
        envOverrides,
        children: run.children,
      });
      const label = `merged.yml for #${pr.number}`;
      if (VERBOSE || job.conclusion === 'failure')
        console.log(describeJob(label, job));
      if (pr.merged && job.conclusion !== 'success')
        problems.push(`${label}: the job concluded ${job.conclusion}`);
      if (!pr.merged && !job.skipped)
        problems.push(`${label}: ran for a PR closed without merging`);
      return job;
    };
    const release = async (runNumber, sha, version) => {
      const workspace = path.join(tmp, `release-${runNumber}`);
      // actions/checkout with fetch-depth: 0: the whole history, at the push.
      git(tmp, ['clone', '--quiet', '--no-hardlinks', origin, workspace]);
      git(workspace, ['checkout', '--quiet', '--detach', sha]);
      workspaces.push(workspace);
      const job = await runJob({
        workflow: releaseWorkflow,
        jobId: 'release',
        workspace,
        runnerTemp: path.join(tmp, `runner-release-${runNumber}`),
        github: releaseContext({ runNumber, sha, workspace }),
        secrets,
        envOverrides,
        children: run.children,
      });
      const label = `release.yml run ${runNumber}`;
      if (VERBOSE || job.conclusion !== 'success')
        console.log(describeJob(label, job));
      const deployLog = path.join(workspace, 'deploy.log');
      const deploys = fs.existsSync(deployLog)
        ? fs.readFileSync(deployLog, 'utf8').split('\n').filter(Boolean)
        : [];
      const releaseId = job.env.RELEASE_ID;
      if (!releaseId) problems.push(`${label}: RELEASE_ID was never set`);
      problems.push(
        ...releaseJobProblems(label, job, releaseId, deploys, version),
      );
      return releaseId;
    };

    const [pr1, pr2, pr3, pr4] = repo.prs;
    await merged(pr1);
    const release1 = await release(1, repo.release1, versions[0]);
    await merged(pr2);
    await merged(repo.closed);
    const release2 = await release(2, repo.release2, versions[1]);
    // A late webhook: #3's merge arrives after its release finished.
    await merged(pr3);
    const workflowsDone = Date.now();

    for (const workspace of workspaces)
      if (fs.existsSync(path.join(workspace, 'pwned')))
        problems.push(
          `PR text ran as a command in ${workspace} (it made "pwned")`,
        );

    const read = id =>
      api(
        base,
        `/api/release-ledger/releases/${encodeURIComponent(id)}`,
        TOKEN,
      );
    const expected = {
      [release1]: {
        commit: repo.release1,
        previousCommit: undefined,
        changes: [
          {
            prNumber: 1,
            source: 'pr_merged',
            title: pr1.title,
            commit: pr1.sha,
          },
        ],
      },
      [release2]: {
        commit: repo.release2,
        previousCommit: repo.release1,
        commitCount: 4,
        changes: [
          {
            prNumber: 2,
            source: 'pr_merged',
            title: TRICKY_TITLE,
            mergedAt: githubTime(pr2.mergedAt),
            author: 'bo',
          },
          {
            prNumber: 3,
            source: 'pr_merged',
            title: pr3.title,
            commit: pr3.sha,
            author: 'cy',
          },
          {
            prNumber: 4,
            source: 'commit',
            title: `${pr4.title} (#4)`,
            commit: pr4.sha,
          },
          {
            prNumber: undefined,
            source: 'commit',
            title: 'chore: bump the lockfile',
            commit: repo.push,
          },
        ],
        absentTitles: [pr1.title, ...repo.branchSubjects],
      },
    };
    // Linking and projections finish after the 2xx: wait until they show.
    const releases = {};
    for (const id of [release1, release2].filter(Boolean)) {
      const want = expected[id];
      try {
        releases[id] = await until(
          `${id} to show its changes and lead times`,
          30_000,
          backend,
          async () => {
            const r = await read(id);
            const body = r.json;
            const settled =
              r.status === 200 &&
              body.outcome === 'promoted' &&
              body.changes.length === want.changes.length &&
              body.changes.every(
                (c, i) => c.source === want.changes[i].source,
              ) &&
              body.footprint?.leadTimesMs?.length === want.changes.length;
            if (settled) return body;
            releases[id] = body;
            throw new Error(r.status === 200 ? 'not yet' : `HTTP ${r.status}`);
          },
        );
      } catch (error) {
        if (!releases[id]) throw error;
      }
      problems.push(
        ...releaseProblems(
          id === release1 ? 'release 1' : 'release 2',
          releases[id],
          want,
        ),
      );
    }
    const r2 = releases[release2];
    const pr2Event = r2?.events?.find(
      e => e.type === 'pr_merged' && e.attributes.prNumber === 2,
    );
    if (pr2Event && pr2Event.attributes.body !== TRICKY_BODY)
      problems.push(
        `release 2: PR #2's description arrived as ${JSON.stringify(
          pr2Event.attributes.body,
        )}`,
      );
    if (r2 && !pr2Event)
      problems.push('release 2: has no pr_merged event for #2');

    const seconds = ms => `${(ms / 1000).toFixed(1)}s`;
    const hours = list =>
      list.map(ms => `${(ms / HOUR).toFixed(1)}h`).join(', ');
    for (const id of [release1, release2].filter(id => releases[id])) {
      const r = releases[id];
      const bySource = s => r.changes.filter(c => c.source === s).length;
      log(
        `${id}: ${r.outcome}, ${r.changes.length} change(s) (${bySource(
          'pr_merged',
        )} from merged.yml, ${bySource(
          'commit',
        )} from commits), previous commit ${
          r.previousCommit?.slice(0, 12) ?? 'none'
        }, lead times ${hours(
          [...(r.footprint?.leadTimesMs ?? [])].sort((a, b) => a - b),
        )}`,
      );
    }
    log(
      `backend ready in ${seconds(ready - began)}, workflows ran in ${seconds(
        workflowsDone - ready,
      )}, total ${seconds(
        Date.now() - began,
      )} (gate: real Prometheus, backfilled healthy canary)`,
    );
    if (problems.length > 0) {
      console.error(`gha-example: FAILED, ${problems.length} problem(s):`);
      for (const problem of problems) console.error(`  - ${problem}`);
      return 1;
    }
    log(
      'ok: release 2 shows its changes, its previous commit and a lead time per change',
    );
    return 0;
  } finally {
    await run.cleanup();
  }
}

main().then(
  code => process.exit(code),
  error => {
    console.error(`gha-example: FAILED: ${error.stack || error.message}`);
    process.exit(1);
  },
);
