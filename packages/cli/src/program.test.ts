import { RELEASE_EVENT_TYPES } from '@release-ledger/plugin-release-ledger-common';
import { run } from './program';
import { collectAttribute, parseAttributeValue } from './events';
import { exitCodeForGate } from './exitCodes';
import { parseDurationArgument } from './gate';

type Call = { url: string; method: string; headers: any; body: any };

/** A fetch that records requests and answers 201 with one created result. */
function recordingFetch(answer?: (call: Call) => Response) {
  const calls: Call[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    const call = {
      url,
      method: init.method ?? 'GET',
      headers: init.headers,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    if (answer) return answer(call);
    return new Response(
      JSON.stringify({
        results: [
          {
            index: 0,
            eventId: call.body.eventId ?? 'derived-abc',
            releaseId: call.body.releaseId,
            status: 'created',
          },
        ],
      }),
      { status: 201, headers: { 'Content-Type': 'application/json' } },
    );
  }) as unknown as typeof fetch;
  return { fn, calls };
}

async function cli(args: string[], fetchImpl?: typeof fetch) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await run(args, {
    env: {
      RELEASE_LEDGER_URL: 'https://backstage.example.com/',
      RELEASE_LEDGER_TOKEN: 'secret',
    },
    stdout: t => stdout.push(t),
    stderr: t => stderr.push(t),
    fetch: fetchImpl,
    sleep: async () => {},
  });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

describe('argument parsing', () => {
  it('start posts release_started with the envelope and attributes', async () => {
    const { fn, calls } = recordingFetch();
    const result = await cli(
      [
        'start',
        '--release',
        'payments-api@1',
        '--entity',
        'component:default/payments-api',
        '--version',
        '1.42.0',
        '--commit',
        'abc123',
        '--environment',
        'staging',
        '--plan',
        'canary 10%',
        '--risk',
        'high',
        '--change-count',
        '4',
        '--attr',
        'ticket=REL-9',
        '--attr',
        'build="0042"',
        '--event-id',
        'gh-1-1-started',
        '--timestamp',
        '2026-11-27T10:00:00Z',
      ],
      fn,
    );
    expect(result).toEqual({
      code: 0,
      stdout: 'created release_started payments-api@1 (event gh-1-1-started)',
      stderr: '',
    });
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe(
      'https://backstage.example.com/api/release-ledger/events',
    );
    expect(calls[0].method).toBe('POST');
    expect(calls[0].headers.Authorization).toBe('Bearer secret');
    expect(calls[0].headers['Content-Type']).toBe('application/json');
    expect(calls[0].body).toEqual({
      eventId: 'gh-1-1-started',
      type: 'release_started',
      releaseId: 'payments-api@1',
      entityRef: 'component:default/payments-api',
      timestamp: '2026-11-27T10:00:00Z',
      environment: 'staging',
      version: '1.42.0',
      commit: 'abc123',
      attributes: {
        ticket: 'REL-9',
        build: '0042',
        plan: 'canary 10%',
        risk: 'high',
        changeCount: 4,
      },
    });
  });

  it('start needs --release and --entity and names the missing one', async () => {
    const { fn, calls } = recordingFetch();
    const result = await cli(['start', '--release', 'x@1'], fn);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '--entity <ref>'");
    expect(calls).toHaveLength(0);
  });

  it('start refuses a risk outside low|medium|high', async () => {
    const result = await cli([
      'start',
      '--release',
      'x@1',
      '--entity',
      'component:default/x',
      '--risk',
      'yolo',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--risk');
    expect(result.stderr).toContain('low');
  });

  it('event maps named options onto the contract attributes', async () => {
    const { fn, calls } = recordingFetch();
    await cli(
      [
        'event',
        'incident_started',
        '--entity',
        'component:default/payments-api',
        '--incident',
        'INC-123',
        '--severity',
        'SEV-2',
      ],
      fn,
    );
    await cli(
      ['event', 'canary_started', '--release', 'r@1', '--weight', '12.5'],
      fn,
    );
    await cli(
      ['event', 'rolled_back', '--release', 'r@1', '--reason', 'error rate'],
      fn,
    );
    expect(calls.map(c => c.body)).toEqual([
      {
        type: 'incident_started',
        entityRef: 'component:default/payments-api',
        attributes: { incidentId: 'INC-123', severity: 'SEV-2' },
      },
      {
        type: 'canary_started',
        releaseId: 'r@1',
        attributes: { weight: 12.5 },
      },
      {
        type: 'rolled_back',
        releaseId: 'r@1',
        attributes: { reason: 'error rate' },
      },
    ]);
  });

  it('event refuses an unknown type locally and lists every known one', async () => {
    const { fn, calls } = recordingFetch();
    const result = await cli(['event', 'deployed', '--release', 'r@1'], fn);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown event type 'deployed'");
    for (const type of RELEASE_EVENT_TYPES) {
      expect(result.stderr).toContain(type);
    }
    expect(calls).toHaveLength(0);
  });

  it('event needs --release except for incident types', async () => {
    const result = await cli(['event', 'promoted']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--release is required for promoted');
  });

  it('refuses a non-numeric weight and a malformed --attr', async () => {
    const weight = await cli([
      'event',
      'canary_started',
      '--release',
      'r@1',
      '--weight',
      'ten',
    ]);
    expect(weight.code).toBe(2);
    expect(weight.stderr).toContain("expected a number, got 'ten'");
    const attr = await cli([
      'event',
      'promoted',
      '--release',
      'r@1',
      '--attr',
      'novalue',
    ]);
    expect(attr.code).toBe(2);
    expect(attr.stderr).toContain("expected key=value, got 'novalue'");
  });

  it('refuses a severity outside SEV-1..SEV-4', async () => {
    const result = await cli([
      'event',
      'incident_started',
      '--incident',
      'INC-1',
      '--severity',
      'P1',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SEV-1');
  });

  it('names the missing base URL and a malformed one', async () => {
    const stderr: string[] = [];
    const code = await run(['event', 'promoted', '--release', 'r@1'], {
      env: { RELEASE_LEDGER_TOKEN: 't' },
      stdout: () => {},
      stderr: t => stderr.push(t),
    });
    expect(code).toBe(2);
    expect(stderr.join('\n')).toContain('--base-url');
    expect(stderr.join('\n')).toContain('RELEASE_LEDGER_URL');
    const bad = await cli([
      'event',
      'promoted',
      '--release',
      'r@1',
      '--base-url',
      'localhost:7007',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('must be http(s)');
  });

  it('--help exits 0 and says retries are safe', async () => {
    for (const args of [['--help'], ['start', '--help'], ['event', '--help']]) {
      const result = await cli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Retries are safe');
    }
    const gate = await cli(['gate', '--help']);
    expect(gate.code).toBe(0);
    expect(gate.stdout).toContain('Exit codes: 0 the gate passed');
  });

  it('an unknown command or option exits 2', async () => {
    expect((await cli(['deploy'])).code).toBe(2);
    expect((await cli(['start', '--releas', 'x'])).code).toBe(2);
  });

  it('--json prints the answer as JSON', async () => {
    const { fn } = recordingFetch();
    const result = await cli(
      ['event', 'promoted', '--release', 'r@1', '--json'],
      fn,
    );
    expect(JSON.parse(result.stdout)).toEqual({
      results: [
        {
          index: 0,
          eventId: 'derived-abc',
          releaseId: 'r@1',
          status: 'created',
        },
      ],
    });
  });
});

describe('HTTP answers', () => {
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });

  it("prints the server's message and every issue for a 400 and exits 2", async () => {
    const { fn } = recordingFetch(() =>
      json(400, {
        error: {
          name: 'InputError',
          message: 'attributes.weight: must be at most 100',
        },
        response: { statusCode: 400 },
        issues: [
          { field: 'attributes.weight', message: 'must be at most 100' },
        ],
      }),
    );
    const result = await cli(
      ['event', 'canary_started', '--release', 'r@1', '--weight', '500'],
      fn,
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        'release-ledger: POST /api/release-ledger/events answered 400: attributes.weight: must be at most 100',
        '  attributes.weight: must be at most 100',
      ].join('\n'),
    );
  });

  it('retries 503 and connection errors, then succeeds', async () => {
    let n = 0;
    const { fn, calls } = recordingFetch(call => {
      n += 1;
      if (n === 1) throw new TypeError('fetch failed');
      if (n === 2) return json(503, { error: { message: 'busy' } });
      return json(201, {
        results: [
          {
            index: 0,
            eventId: 'derived-1',
            releaseId: call.body.releaseId,
            status: 'duplicate',
          },
        ],
      });
    });
    const result = await cli(['event', 'promoted', '--release', 'r@1'], fn);
    expect(calls).toHaveLength(3);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'duplicate promoted r@1 (event derived-1; already recorded, nothing changed)',
    );
  });

  it('does not retry a 500 and exits 2 with its message', async () => {
    const { fn, calls } = recordingFetch(() =>
      json(500, { error: { name: 'Error', message: 'database is locked' } }),
    );
    const result = await cli(['event', 'promoted', '--release', 'r@1'], fn);
    expect(calls).toHaveLength(1);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('answered 500: database is locked');
  });

  it('gives up after --retries and exits 2', async () => {
    const { fn, calls } = recordingFetch(() => json(502, {}));
    const result = await cli(
      ['event', 'promoted', '--release', 'r@1', '--retries', '2'],
      fn,
    );
    expect(calls).toHaveLength(3);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('answered 502');
  });
});

describe('exit codes', () => {
  it.each([
    ['passed', 0],
    ['failed', 1],
    ['inconclusive', 2],
    ['running', 2],
    ['timeout', 2],
  ] as const)('%s → %i', (outcome, code) => {
    expect(exitCodeForGate(outcome)).toBe(code);
  });
});

describe('value parsers', () => {
  it.each([
    ['3', 3],
    ['-1.5', -1.5],
    ['1e3', 1000],
    ['true', true],
    ['false', false],
    ['null', null],
    ['"42"', '42'],
    ['eu-west-1', 'eu-west-1'],
    ['3 pods', '3 pods'],
    ['a=b', 'a=b'],
    ['', ''],
  ])('--attr value %p → %p', (raw, expected) => {
    expect(parseAttributeValue(raw)).toEqual(expected);
  });

  it('--attr splits at the first =', () => {
    expect(collectAttribute('url=https://x?a=b', [])).toEqual([
      ['url', 'https://x?a=b'],
    ]);
  });

  it.each([
    ['30m', 1_800_000],
    ['10s', 10_000],
    ['1h30m', 5_400_000],
  ])('duration %s → %i ms', (raw, ms) => {
    expect(parseDurationArgument(raw)).toBe(ms);
  });

  it.each(['', '10', '1.5m', '0s', 'soon'])('duration %p is refused', raw => {
    expect(() => parseDurationArgument(raw)).toThrow(/expected a duration/);
  });
});
