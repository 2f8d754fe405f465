import { ResponseError } from '@backstage/errors';
import { errorResponse } from '../__testUtils__/fakeReleaseLedgerApi';
import { ReleaseLedgerClient } from './ReleaseLedgerClient';

const BASE = 'http://backend.test/api/release-ledger';

function setup(response: () => Response) {
  const getBaseUrl = jest.fn(async (_pluginId: string) => BASE);
  const fetch = jest.fn(
    async (_input: RequestInfo | URL, _init?: RequestInit) => response(),
  );
  const client = new ReleaseLedgerClient({
    discoveryApi: { getBaseUrl },
    fetchApi: { fetch },
  });
  return { client, getBaseUrl, fetch };
}

const json = (body: unknown) =>
  new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
  });

describe('ReleaseLedgerClient', () => {
  it('lists releases without a query string when there is no filter', async () => {
    const { client, getBaseUrl, fetch } = setup(() => json({ items: [] }));

    await expect(client.listReleases()).resolves.toEqual({ items: [] });

    expect(getBaseUrl).toHaveBeenCalledWith('release-ledger');
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0][0]).toBe(`${BASE}/releases`);
  });

  it('encodes every filter into the query string', async () => {
    const page = { items: [], nextCursor: 'abc' };
    const { client, fetch } = setup(() => json(page));

    await expect(
      client.listReleases({
        entityRef: 'component:default/payments-api',
        owner: 'group:default/team-payments',
        status: 'rolled_back',
        from: '2026-11-01T00:00:00Z',
        to: '2026-11-30T00:00:00Z',
        limit: 50,
        cursor: 'next+page/1',
      }),
    ).resolves.toEqual(page);

    const url = new URL(String(fetch.mock.calls[0][0]));
    expect(`${url.origin}${url.pathname}`).toBe(`${BASE}/releases`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      entityRef: 'component:default/payments-api',
      owner: 'group:default/team-payments',
      status: 'rolled_back',
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-30T00:00:00Z',
      limit: '50',
      cursor: 'next+page/1',
    });
  });

  it('leaves out undefined and empty filters', async () => {
    const { client, fetch } = setup(() => json({ items: [] }));

    await client.listReleases({ entityRef: '', status: undefined, limit: 5 });

    expect(fetch.mock.calls[0][0]).toBe(`${BASE}/releases?limit=5`);
  });

  it('gets one release, encoding its id as a single path segment', async () => {
    const release = { releaseId: 'web/app@2026.11.27+1', events: [] };
    const { client, fetch } = setup(() => json(release));

    await expect(client.getRelease('web/app@2026.11.27+1')).resolves.toEqual(
      release,
    );
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/releases/web%2Fapp%402026.11.27%2B1`,
    );
  });

  it('throws a ResponseError with the status and server message on 404', async () => {
    const { client } = setup(() =>
      errorResponse(404, 'NotFoundError', 'release nope@1 not found'),
    );

    const error = await client.getRelease('nope@1').catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.cause.name).toBe('NotFoundError');
    expect(error.cause.message).toBe('release nope@1 not found');
  });

  it('throws a ResponseError when listing fails', async () => {
    const { client } = setup(() =>
      errorResponse(
        400,
        'InputError',
        'limit: must be an integer from 1 to 200',
      ),
    );

    const error = await client.listReleases({ limit: 999 }).catch(e => e);

    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toBe('limit: must be an integer from 1 to 200');
  });
});
