/*
 * Runs one job of a GitHub Actions workflow on this machine the way a runner
 * runs its `run:` steps, so an example workflow is tested as written
 * (e2e/github-actions-example.js):
 *
 * - `${{ … }}` in `env:`, `run:` and `if:` is evaluated over a context map
 *   (github, secrets, vars, env, steps), with the part of GitHub's
 *   expression language the examples use: property paths, 'strings',
 *   numbers, true/false/null, == != < <= > >= ! && || ( ), always(),
 *   success(), failure(), cancelled(), toJSON(), contains(), startsWith(),
 *   endsWith(). The value is pasted into the text as GitHub pastes it, so a
 *   workflow that puts untrusted text into `run:` is as injectable here as
 *   there.
 * - An `if:` without a status function means `success() && (…)`, as on
 *   GitHub; a failed step fails the job and skips the steps after it that
 *   do not ask for always() or failure().
 * - Each `run:` is a bash script (`bash -e {0}`; with `shell: bash`,
 *   `bash --noprofile --norc -eo pipefail {0}`) in the workspace, with
 *   GitHub's default variables, the workflow's, job's and step's `env:`, and
 *   fresh $GITHUB_ENV, $GITHUB_OUTPUT, $GITHUB_PATH and $GITHUB_STEP_SUMMARY
 *   files, read back after the step (`NAME=value` and `NAME<<DELIMITER`).
 * - `uses:` steps are not run: the caller provides what they would (the
 *   checkout as the workspace, node on PATH).
 */
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const STATUS_FUNCTIONS = /\b(?:always|success|failure|cancelled)\s*\(/;

/** The tokens of an expression: [kind, text]. */
function tokenize(source) {
  const tokens = [];
  const pattern =
    /\s+|('(?:[^']|'')*')|(-?\d+(?:\.\d+)?)|(==|!=|<=|>=|&&|\|\||[!<>().,[\]])|([A-Za-z_][\w-]*)/gy;
  let m;
  while (pattern.lastIndex < source.length) {
    const at = pattern.lastIndex;
    m = pattern.exec(source);
    if (!m) {
      throw new Error(
        `expression ${JSON.stringify(source)}: unexpected ${JSON.stringify(
          source.slice(at, at + 10),
        )}`,
      );
    }
    if (m[1]) tokens.push(['string', m[1].slice(1, -1).replace(/''/g, "'")]);
    else if (m[2]) tokens.push(['number', Number(m[2])]);
    else if (m[3]) tokens.push(['op', m[3]]);
    else if (m[4]) tokens.push(['name', m[4]]);
  }
  return tokens;
}

/** GitHub's truthiness: false, 0, '', null (and NaN) are falsy. */
function truthy(value) {
  return Boolean(value) && !Number.isNaN(value);
}

function toNumber(value) {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') return value.trim() === '' ? 0 : Number(value);
  if (typeof value === 'number') return value;
  return NaN;
}

/**
 * GitHub's `==`: values of one type compare as they are (strings ignoring
 * case); values of different types are compared as numbers (null is 0).
 */
function looselyEqual(a, b) {
  if (typeof a === 'string' && typeof b === 'string')
    return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b) return a === b;
  return toNumber(a) === toNumber(b);
}

/** How GitHub pastes a value into text. */
function asText(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value, null, 2);
  return String(value);
}

/**
 * Evaluates one expression (the inside of `${{ }}`) over `context`;
 * `status` is the job's so far ({ failed }).
 */
function evaluate(source, context, status = { failed: false }) {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const isOp = text => peek()?.[0] === 'op' && peek()[1] === text;
  const expect = text => {
    if (!isOp(text))
      throw new Error(
        `expression ${JSON.stringify(source)}: expected '${text}'`,
      );
    i++;
  };
  const functions = {
    always: () => true,
    success: () => !status.failed,
    failure: () => status.failed,
    cancelled: () => false,
    tojson: value => JSON.stringify(value ?? null, null, 2),
    contains: (haystack, needle) =>
      Array.isArray(haystack)
        ? haystack.some(item => looselyEqual(item, needle))
        : asText(haystack).toLowerCase().includes(asText(needle).toLowerCase()),
    startswith: (text, prefix) =>
      asText(text).toLowerCase().startsWith(asText(prefix).toLowerCase()),
    endswith: (text, suffix) =>
      asText(text).toLowerCase().endsWith(asText(suffix).toLowerCase()),
  };

  function primary() {
    const token = tokens[i++];
    if (!token)
      throw new Error(`expression ${JSON.stringify(source)}: ends too early`);
    const [kind, text] = token;
    if (kind === 'string' || kind === 'number') return text;
    if (kind === 'op' && text === '(') {
      const value = or();
      expect(')');
      return value;
    }
    if (kind === 'op' && text === '!') return !truthy(primary());
    if (kind !== 'name')
      throw new Error(
        `expression ${JSON.stringify(source)}: unexpected '${text}'`,
      );
    if (text === 'true') return true;
    if (text === 'false') return false;
    if (text === 'null') return null;
    if (isOp('(')) {
      const fn = functions[text.toLowerCase()];
      if (!fn)
        throw new Error(
          `expression ${JSON.stringify(
            source,
          )}: function ${text}() is not emulated`,
        );
      i++;
      const args = [];
      while (!isOp(')')) {
        args.push(or());
        if (isOp(',')) i++;
      }
      i++;
      return fn(...args);
    }
    let value = context[text] ?? null;
    for (;;) {
      if (isOp('.')) {
        i++;
        const [, key] = tokens[i++];
        value = value?.[key] ?? null;
      } else if (isOp('[')) {
        i++;
        const key = or();
        expect(']');
        value = value?.[key] ?? null;
      } else return value;
    }
  }
  function comparison() {
    let left = primary();
    for (;;) {
      const op = peek()?.[0] === 'op' ? peek()[1] : undefined;
      if (op === '==' || op === '!=') {
        i++;
        const right = primary();
        left = looselyEqual(left, right) === (op === '==');
      } else if (op === '<' || op === '<=' || op === '>' || op === '>=') {
        i++;
        const a = toNumber(left);
        const b = toNumber(primary());
        left = { '<': a < b, '<=': a <= b, '>': a > b, '>=': a >= b }[op];
      } else return left;
    }
  }
  function and() {
    let left = comparison();
    while (isOp('&&')) {
      i++;
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  }
  function or() {
    let left = and();
    while (isOp('||')) {
      i++;
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  }

  const value = or();
  if (i < tokens.length)
    throw new Error(
      `expression ${JSON.stringify(source)}: unexpected '${tokens[i][1]}'`,
    );
  return value;
}

/** Replaces every `${{ … }}` in `text` with its value, once (no re-scan). */
function substitute(text, context, status) {
  return String(text).replace(/\$\{\{([\s\S]*?)\}\}/g, (_, source) =>
    asText(evaluate(source, context, status)),
  );
}

/** An `if:` condition: implied success() unless it names a status function. */
function conditionHolds(condition, context, status) {
  if (condition === undefined || condition === null) return !status.failed;
  let source = String(condition).trim();
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(source);
  if (wrapped) source = wrapped[1];
  if (!STATUS_FUNCTIONS.test(source)) source = `success() && (${source})`;
  return truthy(evaluate(source, context, status));
}

/** The variables of a $GITHUB_ENV or $GITHUB_OUTPUT file. */
function readCommandFile(file) {
  const values = {};
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].replace(/\r$/, '');
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals > 0 && (heredoc < 0 || equals < heredoc)) {
      values[line.slice(0, equals)] = line.slice(equals + 1);
      continue;
    }
    if (heredoc <= 0)
      throw new Error(`${path.basename(file)}: malformed line '${line}'`);
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    const body = [];
    for (n++; n < lines.length && lines[n] !== delimiter; n++)
      body.push(lines[n]);
    if (n >= lines.length)
      throw new Error(
        `${path.basename(file)}: ${name}: no closing delimiter ${delimiter}`,
      );
    values[name] = body.join('\n');
  }
  return values;
}

function evaluateEnv(env, context, status) {
  return Object.fromEntries(
    Object.entries(env ?? {}).map(([name, value]) => [
      name,
      substitute(value, context, status),
    ]),
  );
}

/** Runs one script; answers its exit code (or the time-out) and output. */
function runScript({ file, shell, cwd, env, timeoutMs, children }) {
  const args =
    shell === 'bash'
      ? ['--noprofile', '--norc', '-eo', 'pipefail', file]
      : ['-e', file];
  return new Promise(resolve => {
    const child = spawn('bash', args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own group, so a time-out stops the CLI it started too.
      detached: true,
    });
    child.__group = true;
    children?.add(child);
    let output = '';
    child.stdout.on('data', chunk => (output += chunk));
    child.stderr.on('data', chunk => (output += chunk));
    const timer = setTimeout(() => {
      output += `\n(stopped after ${timeoutMs / 1000}s)`;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children?.delete(child);
      resolve({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}

/**
 * Runs the job `jobId` of `workflow` (parsed YAML) in `workspace`:
 * `github` is the github context, `secrets` the secrets; `envOverrides`
 * replace workflow-level env values after evaluation (what a test points
 * elsewhere, e.g. the CLI); `runnerTemp` holds the command files; a running
 * step's process is in `children` (a Set, e.g. bench/lib/processes.js's
 * createCleanup's), so an interrupted test stops it too.
 * Answers `{ skipped, conclusion, steps: [{ name, id, outcome, outputs,
 * output, ms }], env, summary }` (env: the job's env at the end, including
 * what steps wrote to $GITHUB_ENV).
 */
async function runJob({
  workflow,
  jobId,
  workspace,
  runnerTemp,
  github,
  secrets = {},
  vars = {},
  envOverrides = {},
  stepTimeoutMs = 90_000,
  children,
}) {
  const job = workflow.jobs?.[jobId];
  if (!job) throw new Error(`the workflow has no job '${jobId}'`);
  fs.mkdirSync(runnerTemp, { recursive: true });
  const status = { failed: false };
  const steps = {};
  const context = { github, secrets, vars, steps, env: {}, job: {} };
  const eventPath = path.join(runnerTemp, 'event.json');
  fs.writeFileSync(eventPath, JSON.stringify(github.event ?? {}, null, 2));

  const workflowEnv = {
    ...evaluateEnv(workflow.env, context, status),
    ...envOverrides,
  };
  context.env = { ...workflowEnv };
  const jobEnv = evaluateEnv(job.env, context, status);
  let env = { ...workflowEnv, ...jobEnv };
  context.env = env;

  const result = { skipped: false, steps: [], env, summary: '' };
  if (!conditionHolds(job.if, context, status)) {
    return { ...result, skipped: true, conclusion: 'skipped' };
  }

  const defaults = {
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${
      process.env.PATH
    }`,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKFLOW: workflow.name ?? '',
    GITHUB_JOB: jobId,
    GITHUB_RUN_ID: String(github.run_id ?? ''),
    GITHUB_RUN_NUMBER: String(github.run_number ?? ''),
    GITHUB_RUN_ATTEMPT: String(github.run_attempt ?? '1'),
    GITHUB_SHA: github.sha ?? '',
    GITHUB_REF: github.ref ?? '',
    GITHUB_REPOSITORY: github.repository ?? '',
    GITHUB_REPOSITORY_OWNER: github.repository_owner ?? '',
    GITHUB_SERVER_URL: github.server_url ?? 'https://github.com',
    GITHUB_EVENT_NAME: github.event_name ?? '',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: workspace,
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: runnerTemp,
  };
  const summaryParts = [];
  const extraPath = [];

  for (const [index, step] of (job.steps ?? []).entries()) {
    const name = step.name ?? step.uses ?? `step ${index + 1}`;
    const record = { name, id: step.id, outputs: {}, output: '', ms: 0 };
    result.steps.push(record);
    if (step.uses) {
      record.outcome = 'not run';
      record.output = `uses: ${step.uses} (provided by the test, not run)`;
      continue;
    }
    if (!conditionHolds(step.if, context, status)) {
      record.outcome = 'skipped';
    } else {
      const files = Object.fromEntries(
        ['env', 'output', 'path', 'summary'].map(kind => {
          const file = path.join(runnerTemp, `${kind}-${index}`);
          fs.writeFileSync(file, '');
          return [kind, file];
        }),
      );
      const stepEnv = evaluateEnv(step.env, context, status);
      const script = path.join(runnerTemp, `step-${index}.sh`);
      fs.writeFileSync(script, substitute(step.run ?? '', context, status));
      const began = Date.now();
      const { code, output } = await runScript({
        file: script,
        shell: step.shell,
        cwd: step['working-directory']
          ? path.join(workspace, step['working-directory'])
          : workspace,
        env: {
          ...defaults,
          ...env,
          ...stepEnv,
          PATH: [...extraPath, defaults.PATH].join(path.delimiter),
          GITHUB_ENV: files.env,
          GITHUB_OUTPUT: files.output,
          GITHUB_PATH: files.path,
          GITHUB_STEP_SUMMARY: files.summary,
        },
        timeoutMs: stepTimeoutMs,
        children,
      });
      record.ms = Date.now() - began;
      record.output = output;
      record.exitCode = code;
      record.outcome = code === 0 ? 'success' : 'failure';
      record.outputs = readCommandFile(files.output);
      env = { ...env, ...readCommandFile(files.env) };
      context.env = env;
      extraPath.unshift(
        ...fs
          .readFileSync(files.path, 'utf8')
          .split('\n')
          .filter(Boolean)
          .reverse(),
      );
      summaryParts.push(fs.readFileSync(files.summary, 'utf8'));
      if (code !== 0 && !step['continue-on-error']) status.failed = true;
    }
    if (step.id) {
      steps[step.id] = {
        outcome: record.outcome,
        conclusion:
          record.outcome === 'failure' && step['continue-on-error']
            ? 'success'
            : record.outcome,
        outputs: record.outputs,
      };
    }
  }
  return {
    ...result,
    env,
    summary: summaryParts.join(''),
    conclusion: status.failed ? 'failure' : 'success',
  };
}

module.exports = {
  evaluate,
  substitute,
  conditionHolds,
  readCommandFile,
  runJob,
};
