import { ApiError, LedgerClient } from './api';

type Sent = {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
};

/** A client on a fetch that records what it is sent and answers `answer(n)`. */
function clientWith(
  answer: (n: number, init: RequestInit) => Promise<Response> | Response,
  options: { retries?: number; requestTimeoutMs?: number } = {},
) {
  const sent: Sent[] = [];
  const sleeps: number[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    sent.push({
      url,
      method: String(init.method),
      headers: init.headers as Record<string, string>,
      body: init.body === undefined ? undefined : String(init.body),
    });
    return answer(sent.length, init);
  }) as unknown as typeof globalThis.fetch;
  const client = new LedgerClient({
    baseUrl: 'https://backstage.example.com/',
    token: 's3cret',
    fetch,
    sleep: async ms => {
      sleeps.push(ms);
    },
    userAgent: 'release-ledger-cli/1.2.3',
    ...options,
  });
  return { client, sent, sleeps };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

const evaluation = {
  id: 'ev-1',
  releaseId: 'web/app@1+2',
  entityRef: 'component:default/web',
  environment: 'production',
  startedAt: '2026-11-27T10:00:00.000Z',
  gate: 'default',
  provider: 'prometheus',
  state: 'running',
  enforced: 'running',
  dryRun: false,
  reason: 'measuring',
  checks: [],
};

describe('LedgerClient', () => {
  it('posts one event as it is and several as a batch, with the token and JSON headers', async () => {
    const { client, sent } = clientWith(() =>
      json(201, {
        results: [{ index: 0, eventId: 'e1', status: 'created' }],
      }),
    );

    await client.postEvents([{ type: 'promoted', releaseId: 'r@1' }]);
    await client.postEvents([
      { type: 'promoted', releaseId: 'r@1' },
      { type: 'release_finished', releaseId: 'r@1' },
    ]);

    expect(sent.map(s => [s.method, s.url])).toEqual([
      ['POST', 'https://backstage.example.com/api/release-ledger/events'],
      ['POST', 'https://backstage.example.com/api/release-ledger/events'],
    ]);
    expect(sent[0].headers).toEqual({
      Authorization: 'Bearer s3cret',
      Accept: 'application/json',
      'User-Agent': 'release-ledger-cli/1.2.3',
      'Content-Type': 'application/json',
    });
    expect(JSON.parse(sent[0].body!)).toEqual({
      type: 'promoted',
      releaseId: 'r@1',
    });
    expect(JSON.parse(sent[1].body!)).toEqual({
      events: [
        { type: 'promoted', releaseId: 'r@1' },
        { type: 'release_finished', releaseId: 'r@1' },
      ],
    });
  });

  it('reads the gates of a release, its id one path segment, without a body or Content-Type', async () => {
    const { client, sent } = clientWith(() =>
      json(200, { releaseId: 'web/app@1+2', evaluations: [evaluation] }),
    );

    await expect(client.getGates('web/app@1+2')).resolves.toEqual([evaluation]);

    expect(sent).toEqual([
      {
        url: 'https://backstage.example.com/api/release-ledger/releases/web%2Fapp%401%2B2/gates',
        method: 'GET',
        headers: {
          Authorization: 'Bearer s3cret',
          Accept: 'application/json',
          'User-Agent': 'release-ledger-cli/1.2.3',
        },
        body: undefined,
      },
    ]);
  });

  it('starts a gate with its name, and answers no evaluations for a 202 without a body', async () => {
    const { client, sent } = clientWith(n =>
      n === 1
        ? json(202, { created: true, evaluation })
        : new Response(null, { status: 202 }),
    );

    await expect(client.evaluateGates('r@1', 'strict')).resolves.toEqual([
      evaluation,
    ]);
    await expect(client.evaluateGates('r@1')).resolves.toEqual([]);

    expect(sent.map(s => [s.url, s.body])).toEqual([
      [
        'https://backstage.example.com/api/release-ledger/releases/r%401/gates/evaluate',
        '{"gate":"strict"}',
      ],
      [
        'https://backstage.example.com/api/release-ledger/releases/r%401/gates/evaluate',
        '{}',
      ],
    ]);
  });

  it('names the server’s message, status and field issues of an error answer', async () => {
    const { client } = clientWith(() =>
      json(400, {
        error: { name: 'InputError', message: 'events[1].type: unknown' },
        response: { statusCode: 400 },
        issues: [{ field: 'events[1].type', message: 'unknown' }],
      }),
    );

    const error = await client
      .postEvents([{ type: 'promoted' }, { type: 'nope' }])
      .catch(e => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe(
      'POST /api/release-ledger/events answered 400: events[1].type: unknown',
    );
    expect(error.status).toBe(400);
    expect(error.issues).toEqual([
      { field: 'events[1].type', message: 'unknown' },
    ]);
  });

  it('hints at the token on a 401', async () => {
    const { client } = clientWith(() =>
      json(401, { error: { name: 'AuthenticationError', message: 'no' } }),
    );

    const error = await client.getGates('r@1').catch(e => e);

    expect(error.message).toBe(
      'GET /api/release-ledger/releases/r%401/gates answered 401: no (check --token / RELEASE_LEDGER_TOKEN: it must be a static token in backend.auth.externalAccess)',
    );
  });

  it('retries 502, 503, 504 and connection errors with backoff, resending the same body', async () => {
    const { client, sent, sleeps } = clientWith(
      n => {
        if (n === 1) throw new TypeError('fetch failed');
        if (n <= 4) return json([502, 503, 504][n - 2], {});
        return json(201, { results: [] });
      },
      { retries: 4 },
    );

    await expect(
      client.postEvents([{ type: 'promoted', releaseId: 'r@1' }]),
    ).resolves.toEqual({ results: [] });

    expect(sent).toHaveLength(5);
    expect(new Set(sent.map(s => s.body))).toEqual(
      new Set(['{"type":"promoted","releaseId":"r@1"}']),
    );
    expect(sleeps).toEqual([1000, 2000, 4000, 8000]);
  });

  it('gives up on connection errors after the retries, naming the cause', async () => {
    const { client, sent } = clientWith(
      () => {
        throw Object.assign(new TypeError('fetch failed'), {
          cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
        });
      },
      { retries: 1 },
    );

    const error = await client.getGates('r@1').catch(e => e);

    expect(sent).toHaveLength(2);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe(
      'GET https://backstage.example.com/api/release-ledger/releases/r%401/gates failed: ECONNREFUSED connect ECONNREFUSED',
    );
  });

  it('times an attempt out and retries it', async () => {
    const { client, sent } = clientWith(
      (_n, init) =>
        new Promise<Response>((_resolve, reject) => {
          init.signal!.addEventListener('abort', () =>
            reject(init.signal!.reason),
          );
        }),
      { retries: 1, requestTimeoutMs: 20 },
    );

    const error = await client.getGates('r@1').catch(e => e);

    expect(sent).toHaveLength(2);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toMatch(/failed: no answer in time$/);
  });

  it('refuses a success whose body is not JSON', async () => {
    const { client } = clientWith(
      () => new Response('<html>proxy</html>', { status: 200 }),
    );

    const error = await client.getGates('r@1').catch(e => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe(
      'GET /releases/r%401/gates answered 200 with a body that is not JSON: <html>proxy</html>',
    );
  });
});
