/* eslint new-cap: ["error", { "capIsNewExceptions": ["GET", "POST", "PUT"] }] -- openapi-fetch names its methods after the HTTP verbs */
import { createReleaseLedgerClient } from './createReleaseLedgerClient';

const BASE = 'http://backend.test/api/release-ledger';

function recording(answer: () => Response) {
  const requests: Request[] = [];
  const client = createReleaseLedgerClient({
    baseUrl: BASE,
    fetch: async request => {
      requests.push(request);
      return answer();
    },
  });
  return { client, requests };
}

describe('createReleaseLedgerClient', () => {
  it('sends path parameters as one encoded segment and skips undefined query values', async () => {
    const { client, requests } = recording(() => Response.json({ items: [] }));

    await client.GET('/releases', {
      params: {
        query: {
          entityRef: 'component:default/payments-api',
          status: 'finished',
          cursor: undefined,
        },
      },
    });
    await client.GET('/releases/{releaseId}/gates', {
      params: { path: { releaseId: 'web/app@2026.11.27+1' } },
    });

    expect(requests.map(r => [r.method, r.url])).toEqual([
      [
        'GET',
        `${BASE}/releases?entityRef=component%3Adefault%2Fpayments-api&status=finished`,
      ],
      ['GET', `${BASE}/releases/web%2Fapp%402026.11.27%2B1/gates`],
    ]);
    expect(Object.fromEntries(requests[0].headers)).toEqual({
      accept: 'application/json',
    });
  });

  it('sends a body as JSON and answers the parsed data', async () => {
    const results = [{ index: 0, eventId: 'e1', status: 'created' }];
    const { client, requests } = recording(() =>
      Response.json({ results }, { status: 201 }),
    );

    const { data, error, response } = await client.POST('/events', {
      body: { type: 'promoted', releaseId: 'payments-api@1' },
    });

    expect(response.status).toBe(201);
    expect(error).toBeUndefined();
    expect(data).toEqual({ results });
    expect(Object.fromEntries(requests[0].headers)).toEqual({
      accept: 'application/json',
      'content-type': 'application/json',
    });
    expect(await requests[0].json()).toEqual({
      type: 'promoted',
      releaseId: 'payments-api@1',
    });
  });

  it('answers an error answer’s parsed body as `error`, not as data', async () => {
    const body = {
      error: { name: 'NotFoundError', message: 'release nope@1 not found' },
      response: { statusCode: 404 },
    };
    const { client } = recording(() => Response.json(body, { status: 404 }));

    const { data, error, response } = await client.GET(
      '/releases/{releaseId}',
      { params: { path: { releaseId: 'nope@1' } } },
    );

    expect(response.status).toBe(404);
    expect(data).toBeUndefined();
    expect(error).toEqual(body);
  });

  it('uses the global fetch of the moment when given none', async () => {
    const original = globalThis.fetch;
    const client = createReleaseLedgerClient({ baseUrl: BASE });
    const replaced = jest.fn(async (_request: Request) =>
      Response.json({ requeued: 2 }),
    );
    globalThis.fetch = replaced as unknown as typeof fetch;
    try {
      const { data } = await client.POST('/comms/requeue', { body: {} });
      expect(data).toEqual({ requeued: 2 });
      expect(replaced).toHaveBeenCalledTimes(1);
    } finally {
      globalThis.fetch = original;
    }
  });
});
