/*
 * `gate --wait` against a small local HTTP server that answers the gate
 * endpoints in the shape described in ./api.ts, one scripted answer per
 * poll. Time is virtual: `sleep` advances the clock instead of waiting.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GateEvaluation } from './api';
import { run } from './program';
import { selectEvaluations } from './gate';

type Stub = {
  url: string;
  requests: Array<{ method: string; path: string; body: string }>;
  close: () => Promise<void>;
};

/** `evaluate` answers `onEvaluate`; each GET answers the next of `polls` (the last repeats). */
async function startStub(script: {
  onEvaluate: { status: number; body: unknown };
  polls: Array<{ status: number; body: unknown }>;
}): Promise<Stub> {
  const requests: Stub['requests'] = [];
  let poll = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      requests.push({ method: req.method!, path: req.url!, body });
      let answer: { status: number; body: unknown };
      if (req.headers.authorization !== 'Bearer t0ken') {
        answer = { status: 401, body: { error: { message: 'no' } } };
      } else if (req.method === 'POST' && req.url!.endsWith('/evaluate')) {
        answer = script.onEvaluate;
      } else if (req.method === 'GET' && req.url!.endsWith('/gates')) {
        answer = script.polls[Math.min(poll++, script.polls.length - 1)];
      } else {
        answer = { status: 404, body: { error: { message: 'no route' } } };
      }
      if (answer.body === undefined) {
        res.writeHead(answer.status);
        res.end();
        return;
      }
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

const T0 = Date.parse('2026-11-27T12:00:00Z');

const OUTCOME_BY_STATE = {
  running: 'pass',
  passed: 'pass',
  failed: 'fail',
  inconclusive: 'no-data',
} as const;

function evaluation(
  state: GateEvaluation['state'],
  overrides: Partial<GateEvaluation> = {},
): GateEvaluation {
  const values = { passed: 0.002, failed: 0.034 } as Record<string, number>;
  const measurements = [0, 1, 2].map(i => ({
    seq: i + 1,
    at: new Date(T0 + i * 60_000).toISOString(),
    query:
      'sum(rate(http_requests_errors_total{app="payments-api",version="canary"}[1m]))',
    result:
      state === 'inconclusive'
        ? { kind: 'no-data' as const, cause: 'nan' as const }
        : { kind: 'value' as const, value: values[state] ?? 0.002 },
    outcome: OUTCOME_BY_STATE[state],
  }));
  return {
    id: 'ev-1',
    releaseId: 'payments-api@1',
    entityRef: 'component:default/payments-api',
    environment: 'production',
    gate: 'default',
    provider: 'prometheus',
    state,
    enforced: state,
    dryRun: false,
    reason: {
      running: "waiting for 'error-rate' (1 of 3 measurements)",
      passed: 'all 1 key check passed',
      failed:
        "key check 'error-rate' failed: 3 of 3 measurements failed (limit 0): 0.034 > 0.01 at 12:00 UTC",
      inconclusive:
        "key check 'error-rate' inconclusive: no data at 12:02 UTC (noData: inconclusive)",
    }[state],
    startedAt: new Date(T0).toISOString(),
    checks: [
      {
        name: 'error-rate',
        kind: 'query',
        key: true,
        dryRun: false,
        state,
        reason: `${state} reason`,
        taken: state === 'running' ? 1 : 3,
        count: 3,
        passes: state === 'passed' ? 3 : 0,
        failures: state === 'failed' ? 3 : 0,
        errors: 0,
        noData: state === 'inconclusive' ? 3 : 0,
        condition: '< 0.01',
        interval: '1m',
        failureLimit: 0,
        consecutiveSuccesses: 0,
        errorLimit: 2,
        noDataPolicy: 'inconclusive',
        measurements:
          state === 'running' ? measurements.slice(0, 1) : measurements,
      },
    ],
    ...overrides,
  };
}

let stub: Stub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function gate(args: string[]) {
  let now = T0;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await run(['gate', '--release', 'payments-api@1', ...args], {
    env: { RELEASE_LEDGER_URL: stub!.url, RELEASE_LEDGER_TOKEN: 't0ken' },
    stdout: t => stdout.push(t),
    stderr: t => stderr.push(t),
    now: () => now,
    sleep: async ms => {
      now += ms;
    },
  });
  return {
    code,
    stdout: stdout.join('\n'),
    stderr: stderr.join('\n'),
    elapsedMs: now - T0,
  };
}

const ok = (body: unknown) => ({ status: 200, body });

describe('gate --wait', () => {
  it('polls until the verdict settles, prints the evidence and exits 0 on pass', async () => {
    stub = await startStub({
      onEvaluate: { status: 202, body: { evaluation: evaluation('running') } },
      polls: [
        ok({ evaluations: [evaluation('running')] }),
        ok({ evaluations: [evaluation('running')] }),
        ok({ evaluations: [evaluation('passed')] }),
      ],
    });
    const result = await gate(['--wait', '--poll', '10s']);
    expect(result.code).toBe(0);
    expect(stub.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'POST /api/release-ledger/releases/payments-api%401/gates/evaluate',
      'GET /api/release-ledger/releases/payments-api%401/gates',
      'GET /api/release-ledger/releases/payments-api%401/gates',
      'GET /api/release-ledger/releases/payments-api%401/gates',
      // A passed gate still waits for required checklist items (none here: 404).
      'GET /api/release-ledger/releases/payments-api%401/checklist',
    ]);
    expect(result.elapsedMs).toBe(30_000);
    // progress on stderr, once per change
    expect(result.stderr.split('\n')).toEqual([
      "[12:00:00Z] gate 'default' running: waiting for 'error-rate' (1 of 3 measurements)",
      "[12:00:30Z] gate 'default' passed: all 1 key check passed",
    ]);
    expect(result.stdout).toBe(
      [
        "gate 'default' for payments-api@1",
        '  production, provider prometheus, started 2026-11-27 12:00:00Z',
        "  check 'error-rate' (key): passed — passed reason",
        '    3 of 3 measurements, 3 passed, 0 failed, 0 errored, 0 without data, no data counts as inconclusive',
        '    query: sum(rate(http_requests_errors_total{app="payments-api",version="canary"}[1m]))',
        '    2026-11-27 12:00:00Z  0.002           < 0.01              pass',
        '    2026-11-27 12:01:00Z  0.002           < 0.01              pass',
        '    2026-11-27 12:02:00Z  0.002           < 0.01              pass',
        '  verdict: PASSED',
        '  reason: all 1 key check passed',
        'gate passed: promote (exit 0)',
      ].join('\n'),
    );
  });

  it('exits 1 on fail with the failing measurements and the reason', async () => {
    stub = await startStub({
      onEvaluate: { status: 202, body: { evaluation: evaluation('running') } },
      polls: [ok({ evaluations: [evaluation('failed')] })],
    });
    const result = await gate(['--wait']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '    2026-11-27 12:00:00Z  0.034           < 0.01              fail',
    );
    expect(result.stdout).toContain(
      "  reason: key check 'error-rate' failed: 3 of 3 measurements failed (limit 0): 0.034 > 0.01 at 12:00 UTC",
    );
    expect(result.stdout).toContain('gate failed: roll back (exit 1)');
  });

  it('exits 2 when inconclusive (no data)', async () => {
    stub = await startStub({
      onEvaluate: { status: 202, body: { evaluation: evaluation('running') } },
      polls: [ok({ evaluations: [evaluation('inconclusive')] })],
    });
    const result = await gate(['--wait']);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('no data (NaN)');
    expect(result.stdout).toContain('verdict: INCONCLUSIVE');
  });

  it('exits 2 at --timeout while still running', async () => {
    stub = await startStub({
      onEvaluate: { status: 202, body: { evaluation: evaluation('running') } },
      polls: [ok({ evaluations: [evaluation('running')] })],
    });
    const result = await gate(['--wait', '--timeout', '1m', '--poll', '25s']);
    expect(result.code).toBe(2);
    expect(result.elapsedMs).toBe(60_000);
    // polls at 25s, 50s and (cut short) 60s
    expect(stub.requests.filter(r => r.method === 'GET')).toHaveLength(3);
    expect(result.stdout).toContain('gate still running after --timeout 60s');
  });

  it('exits 2 with the server message when polling fails', async () => {
    stub = await startStub({
      onEvaluate: { status: 202, body: { evaluation: evaluation('running') } },
      polls: [
        {
          status: 500,
          body: { error: { name: 'Error', message: 'gate store unavailable' } },
        },
      ],
    });
    const result = await gate(['--wait']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('answered 500: gate store unavailable');
  });

  it('exits 2 with the server message when the evaluation is refused', async () => {
    stub = await startStub({
      onEvaluate: {
        status: 400,
        body: {
          error: {
            name: 'InputError',
            message: "gate: no gate set 'strict' in releaseLedger.gates",
          },
        },
      },
      polls: [],
    });
    const result = await gate(['--gate', 'strict', '--wait']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no gate set 'strict'");
    expect(JSON.parse(stub.requests[0].body)).toEqual({ gate: 'strict' });
  });

  it('a dry-run gate exits 0 and still shows its real verdict', async () => {
    const dry = evaluation('failed', { dryRun: true, enforced: 'passed' });
    stub = await startStub({
      onEvaluate: { status: 202, body: { evaluation: evaluation('running') } },
      polls: [ok({ evaluations: [dry] })],
    });
    const result = await gate(['--wait']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(dry run: recorded, never blocks)');
    expect(result.stdout).toContain('verdict: FAILED (enforced: PASSED)');
  });

  it('without --wait reports the verdict as it stands: running exits 2', async () => {
    stub = await startStub({
      onEvaluate: { status: 202, body: { evaluation: evaluation('running') } },
      polls: [],
    });
    const result = await gate([]);
    expect(result.code).toBe(2);
    expect(stub.requests).toHaveLength(1);
    expect(result.stdout).toContain('run with --wait');
  });

  it('without --wait an already settled evaluation gives its exit code', async () => {
    stub = await startStub({
      onEvaluate: {
        status: 202,
        body: { created: false, evaluation: evaluation('passed') },
      },
      polls: [],
    });
    expect((await gate([])).code).toBe(0);
  });

  it('refuses an answer that is not one of the gate endpoints’ shapes, naming its fields', async () => {
    stub = await startStub({
      onEvaluate: { status: 202, body: evaluation('passed') },
      polls: [],
    });
    const result = await gate([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'the gate endpoint answered neither { evaluations } nor { evaluation } (fields: id, releaseId',
    );
  });

  it('follows a 202 without a body through GET .../gates', async () => {
    stub = await startStub({
      onEvaluate: { status: 202, body: undefined },
      polls: [
        ok({ evaluations: [] }),
        ok({ evaluations: [evaluation('failed')] }),
      ],
    });
    const result = await gate(['--wait']);
    expect(result.code).toBe(1);
  });

  it('--json prints the outcome and the evaluations', async () => {
    stub = await startStub({
      onEvaluate: { status: 202, body: { evaluation: evaluation('running') } },
      polls: [ok({ evaluations: [evaluation('passed')] })],
    });
    const result = await gate(['--wait', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const parsed = JSON.parse(result.stdout);
    expect(parsed.outcome).toBe('passed');
    expect(parsed.evaluations[0].checks[0].measurements).toHaveLength(3);
  });
});

describe('selectEvaluations', () => {
  const at = (state: GateEvaluation['state'], o: Partial<GateEvaluation>) =>
    evaluation(state, o);

  it('follows the evaluation id the evaluate call answered', () => {
    const older = at('failed', { id: 'ev-0' });
    const ours = at('passed', { id: 'ev-1' });
    expect(
      selectEvaluations([older, ours], [at('running', { id: 'ev-1' })]),
    ).toEqual([ours]);
  });

  it('without ids takes the newest evaluation of the same gate', () => {
    const older = at('failed', {
      id: undefined,
      startedAt: '2026-11-27T11:00:00Z',
    });
    const newer = at('passed', {
      id: undefined,
      startedAt: '2026-11-27T12:00:00Z',
    });
    expect(
      selectEvaluations([newer, older], [at('running', { id: undefined })]),
    ).toEqual([newer]);
  });

  it('follows the newest evaluation of the same gate once ours is superseded', () => {
    const newer = at('failed', { id: 'ev-2' });
    expect(selectEvaluations([newer], [at('running', { id: 'ev-1' })])).toEqual(
      [newer],
    );
  });

  it('keeps the started evaluation while the list does not show it yet', () => {
    const started = at('running', { id: 'ev-9' });
    expect(selectEvaluations([], [started])).toEqual([started]);
  });
});
