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
  /** The n-th request the client sent through the fetch API. */
  const sent = async (n = 0) => {
    // A URL and a plain init, as Backstage's fetch API middlewares expect:
    // they build Requests of their own, and a used body cannot be re-read.
    const [input, init] = fetch.mock.calls[n];
    expect(typeof input).toBe('string');
    expect(init?.body === undefined || typeof init.body === 'string').toBe(
      true,
    );
    const request = new Request(input as string, init);
    const body = await request.text();
    return {
      url: request.url,
      method: request.method,
      headers: Object.fromEntries(request.headers),
      body: body ? JSON.parse(body) : undefined,
    };
  };
  return { client, getBaseUrl, fetch, sent };
}

const json = (body: unknown) =>
  new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
  });

describe('ReleaseLedgerClient', () => {
  it('lists releases without a query string when there is no filter', async () => {
    const { client, getBaseUrl, fetch, sent } = setup(() =>
      json({ items: [] }),
    );

    await expect(client.listReleases()).resolves.toEqual({ items: [] });

    expect(getBaseUrl).toHaveBeenCalledWith('release-ledger');
    expect(fetch).toHaveBeenCalledTimes(1);
    expect((await sent()).url).toBe(`${BASE}/releases`);
  });

  it('encodes every filter into the query string', async () => {
    const page = { items: [], nextCursor: 'abc' };
    const { client, sent } = setup(() => json(page));

    await expect(
      client.listReleases({
        entityRef: 'component:default/payments-api',
        owner: 'group:default/team-payments',
        status: 'finished',
        outcome: 'rolled_back',
        from: '2026-11-01T00:00:00Z',
        to: '2026-11-30T00:00:00Z',
        limit: 50,
        cursor: 'next+page/1',
      }),
    ).resolves.toEqual(page);

    const url = new URL((await sent()).url);
    expect(`${url.origin}${url.pathname}`).toBe(`${BASE}/releases`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      entityRef: 'component:default/payments-api',
      owner: 'group:default/team-payments',
      status: 'finished',
      outcome: 'rolled_back',
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-30T00:00:00Z',
      limit: '50',
      cursor: 'next+page/1',
    });
  });

  it('leaves out undefined and empty filters', async () => {
    const { client, sent } = setup(() => json({ items: [] }));

    await client.listReleases({ entityRef: '', status: undefined, limit: 5 });

    expect((await sent()).url).toBe(`${BASE}/releases?limit=5`);
  });

  it('gets one release, encoding its id as a single path segment', async () => {
    const release = { releaseId: 'web/app@2026.11.27+1', events: [] };
    const { client, sent } = setup(() => json(release));

    await expect(client.getRelease('web/app@2026.11.27+1')).resolves.toEqual(
      release,
    );
    expect((await sent()).url).toBe(
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

  describe('metrics', () => {
    it('asks for org metrics with only the scope', async () => {
      const { client, sent } = setup(() => json({ scope: 'org' }));

      await expect(client.getMetrics({ scope: 'org' })).resolves.toEqual({
        scope: 'org',
      });
      expect((await sent()).url).toBe(`${BASE}/metrics?scope=org`);
    });

    it('encodes scope, ref, window and band set into the query string', async () => {
      const { client, sent } = setup(() => json({}));

      await client.getMetrics({
        scope: 'group',
        ref: 'group:default/team-payments',
        window: '90d',
        bandSet: 'dora-2021',
      });

      const url = new URL((await sent()).url);
      expect(`${url.origin}${url.pathname}`).toBe(`${BASE}/metrics`);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        scope: 'group',
        ref: 'group:default/team-payments',
        window: '90d',
        bandSet: 'dora-2021',
      });
      expect((await sent()).method).toBe('GET');
    });

    it('leaves out an undefined ref and empty band set', async () => {
      const { client, sent } = setup(() => json({}));

      await client.getMetrics({
        scope: 'entity',
        ref: 'component:default/payments-api',
        window: '7d',
        bandSet: '',
      });

      expect((await sent()).url).toBe(
        `${BASE}/metrics?scope=entity&ref=component%3Adefault%2Fpayments-api&window=7d`,
      );
    });

    it('throws the server’s message for bad parameters', async () => {
      const { client } = setup(() =>
        errorResponse(400, 'InputError', "unknown band set 'nope'"),
      );

      const error = await client
        .getMetrics({ scope: 'org', bandSet: 'nope' })
        .catch(e => e);

      expect(ResponseError.is(error)).toBe(true);
      expect(error.statusCode).toBe(400);
      expect(error.cause.message).toBe("unknown band set 'nope'");
    });
  });

  describe('weekly notes', () => {
    const note = {
      week: '2026-11-23',
      text: 'CFR spiked: the payments migration.',
      author: 'user:default/amara',
      updatedAt: '2026-11-24T09:00:00.000Z',
    };

    it('gets the note of a week', async () => {
      const { client, sent } = setup(() => json(note));

      await expect(client.getWeeklyNote('2026-11-23')).resolves.toEqual(note);
      expect((await sent()).url).toBe(`${BASE}/notes/2026-11-23`);
    });

    it('answers undefined when the week has no note', async () => {
      const { client } = setup(() =>
        errorResponse(404, 'NotFoundError', 'no note for 2026-11-23'),
      );

      await expect(client.getWeeklyNote('2026-11-23')).resolves.toBeUndefined();
    });

    it('throws other errors when getting a note', async () => {
      const { client } = setup(() =>
        errorResponse(500, 'Error', 'database is locked'),
      );

      const error = await client.getWeeklyNote('2026-11-23').catch(e => e);

      expect(ResponseError.is(error)).toBe(true);
      expect(error.statusCode).toBe(500);
    });

    it('saves a note with PUT and a JSON body', async () => {
      const { client, sent } = setup(() => json(note));

      await expect(
        client.saveWeeklyNote('2026-11-23', note.text),
      ).resolves.toEqual(note);

      const request = await sent();
      expect(request.url).toBe(`${BASE}/notes/2026-11-23`);
      expect(request.method).toBe('PUT');
      expect(request.headers).toEqual({
        accept: 'application/json',
        'content-type': 'application/json',
      });
      expect(request.body).toEqual({ text: note.text });
    });

    it('throws a 403 ResponseError when the user may not write notes', async () => {
      const { client } = setup(() =>
        errorResponse(403, 'NotAllowedError', 'not allowed to update notes'),
      );

      const error = await client
        .saveWeeklyNote('2026-11-23', 'hello')
        .catch(e => e);

      expect(ResponseError.is(error)).toBe(true);
      expect(error.statusCode).toBe(403);
      expect(error.cause.message).toBe('not allowed to update notes');
    });
  });
  describe('comms', () => {
    const comms = {
      releaseId: 'payments-api@1.42.0',
      delivery: { mode: 'not_configured', problems: [] },
      messages: [],
    };

    it('gets a release’s thread, encoding its id as a single path segment', async () => {
      const { client, sent } = setup(() => json(comms));

      await expect(
        client.getReleaseComms('web/app@2026.11.27+1'),
      ).resolves.toEqual(comms);
      expect((await sent()).url).toBe(
        `${BASE}/releases/web%2Fapp%402026.11.27%2B1/comms`,
      );
      expect((await sent()).method).toBe('GET');
    });

    it('throws a 404 ResponseError for an unknown release', async () => {
      const { client } = setup(() =>
        errorResponse(404, 'NotFoundError', 'release nope@1 not found'),
      );

      const error = await client.getReleaseComms('nope@1').catch(e => e);

      expect(ResponseError.is(error)).toBe(true);
      expect(error.statusCode).toBe(404);
      expect(error.cause.message).toBe('release nope@1 not found');
    });

    it('requeues a release’s parked messages with POST and a JSON body', async () => {
      const { client, sent } = setup(() => json({ requeued: 3 }));

      await expect(
        client.requeueParked('payments-api@1.42.0'),
      ).resolves.toEqual({ requeued: 3 });

      const request = await sent();
      expect(request.url).toBe(`${BASE}/comms/requeue`);
      expect(request.method).toBe('POST');
      expect(request.headers).toEqual({
        accept: 'application/json',
        'content-type': 'application/json',
      });
      expect(request.body).toEqual({
        releaseId: 'payments-api@1.42.0',
      });
    });

    it('throws a 403 ResponseError when the user may not requeue', async () => {
      const message =
        'requeueing messages needs the permission release-ledger.comms.manage';
      const { client } = setup(() =>
        errorResponse(403, 'NotAllowedError', message),
      );

      const error = await client
        .requeueParked('payments-api@1.42.0')
        .catch(e => e);

      expect(ResponseError.is(error)).toBe(true);
      expect(error.statusCode).toBe(403);
      expect(error.cause.message).toBe(message);
    });
  });

  describe('status', () => {
    it('gets the projection queue’s depth and lag', async () => {
      const status = {
        projections: {
          pendingSubjects: 2,
          pendingEvents: 7,
          retrying: 1,
          oldestPendingAt: '2026-11-27T10:00:00.000Z',
          lagMs: 42_000,
          projectors: [
            { id: 'metrics', mode: 'deferred' },
            { id: 'comms', mode: 'deferred' },
          ],
        },
      };
      const { client, sent } = setup(() => json(status));

      await expect(client.getLedgerStatus()).resolves.toEqual(status);
      expect((await sent()).url).toBe(`${BASE}/ledger/status`);
      expect((await sent()).method).toBe('GET');
    });

    it('gets the Slack delivery mode and outbox counts', async () => {
      const status = {
        delivery: { mode: 'slack', problems: [] },
        counts: { pending: 1, delivered: 40, parked: 2, not_delivered: 0 },
      };
      const { client, sent } = setup(() => json(status));

      await expect(client.getCommsStatus()).resolves.toEqual(status);
      expect((await sent()).url).toBe(`${BASE}/comms/status`);
    });

    it('throws a 401 ResponseError without credentials', async () => {
      const { client } = setup(() =>
        errorResponse(401, 'AuthenticationError', 'Missing credentials'),
      );

      const error = await client.getLedgerStatus().catch(e => e);

      expect(ResponseError.is(error)).toBe(true);
      expect(error.statusCode).toBe(401);
      expect(error.cause.message).toBe('Missing credentials');
    });
  });

  describe('gates', () => {
    const gates = { releaseId: 'web/app@2026.11.27+1', evaluations: [] };

    it('gets a release’s gate evaluations, encoding its id as a single path segment', async () => {
      const { client, sent } = setup(() => json(gates));

      await expect(
        client.getReleaseGates('web/app@2026.11.27+1'),
      ).resolves.toEqual(gates);
      expect((await sent()).url).toBe(
        `${BASE}/releases/web%2Fapp%402026.11.27%2B1/gates`,
      );
      expect((await sent()).method).toBe('GET');
    });

    it('throws a 404 ResponseError for an unknown release', async () => {
      const { client } = setup(() =>
        errorResponse(404, 'NotFoundError', 'release nope@1 not found'),
      );

      const error = await client.getReleaseGates('nope@1').catch(e => e);

      expect(ResponseError.is(error)).toBe(true);
      expect(error.statusCode).toBe(404);
      expect(error.cause.message).toBe('release nope@1 not found');
    });

    it('replays with POST and the gate or definition as the JSON body', async () => {
      const replay = { gate: 'strict', state: 'failed', replay: true };
      const { client, sent } = setup(() => json(replay));
      const definition = {
        checks: [{ name: 'error-rate', query: 'up', condition: '< 0.01' }],
      };

      await expect(
        client.replayGate('web/app@2026.11.27+1', {
          gate: 'strict',
          definition,
        }),
      ).resolves.toEqual(replay);

      const request = await sent();
      expect(request.url).toBe(
        `${BASE}/releases/web%2Fapp%402026.11.27%2B1/gates/replay`,
      );
      expect(request.method).toBe('POST');
      expect(request.headers).toEqual({
        accept: 'application/json',
        'content-type': 'application/json',
      });
      expect(request.body).toEqual({
        gate: 'strict',
        definition,
      });
    });

    it('replays the release’s own gate with an empty body', async () => {
      const { client, sent } = setup(() => json({}));

      await client.replayGate('payments-api@1.42.0');

      expect((await sent()).body).toEqual({});
    });

    it('throws the server’s message for an invalid definition and a 403 without the permission', async () => {
      const invalid =
        'definition.checks[0].noData: required, one of fail|pass|inconclusive';
      const { client } = setup(() => errorResponse(400, 'InputError', invalid));
      const bad = await client
        .replayGate('payments-api@1.42.0', { definition: { checks: [] } })
        .catch(e => e);
      expect(ResponseError.is(bad)).toBe(true);
      expect(bad.statusCode).toBe(400);
      expect(bad.cause.message).toBe(invalid);

      const denied =
        'replaying gates needs the permission release-ledger.gate.replay';
      const { client: other } = setup(() =>
        errorResponse(403, 'NotAllowedError', denied),
      );
      const error = await other.replayGate('payments-api@1.42.0').catch(e => e);
      expect(error.statusCode).toBe(403);
      expect(error.cause.message).toBe(denied);
    });
  });

  describe('release checklists', () => {
    it('gets a release’s checklist, and undefined for a release without one', async () => {
      const checklist = {
        releaseId: 'payments-api@1',
        entityRef: 'component:default/payments-api',
        state: 'pending',
        openRequired: [],
      };
      const { client, sent } = setup(() => json(checklist));
      await expect(
        client.getReleaseChecklist('payments-api@1'),
      ).resolves.toEqual(checklist);
      expect((await sent()).url).toBe(
        `${BASE}/releases/payments-api%401/checklist`,
      );

      const missing = setup(() =>
        errorResponse(404, 'NotFoundError', 'release nope@1 has no checklist'),
      );
      await expect(
        missing.client.getReleaseChecklist('nope@1'),
      ).resolves.toBeUndefined();
    });

    it('ticks and unticks an item with a checklist_item_checked event', async () => {
      const { client, sent } = setup(
        () =>
          new Response(JSON.stringify({ results: [] }), {
            status: 201,
            headers: { 'Content-Type': 'application/json' },
          }),
      );
      const item = { id: 'pre.flags-default-off', text: 'Flags default OFF' };
      await client.checkChecklistItem('payments-api@1', item, true);
      await client.checkChecklistItem('payments-api@1', item, false);
      const [tick, untick] = [await sent(0), await sent(1)];
      expect(tick).toMatchObject({
        method: 'POST',
        url: `${BASE}/events`,
        body: {
          type: 'checklist_item_checked',
          releaseId: 'payments-api@1',
          attributes: {
            item: 'Flags default OFF',
            itemId: 'pre.flags-default-off',
            checked: true,
          },
        },
      });
      expect(untick.body.attributes.checked).toBe(false);
    });

    it('throws a 403 ResponseError when the user may not tick', async () => {
      const { client } = setup(() =>
        errorResponse(403, 'NotAllowedError', 'writing events needs …'),
      );
      const error = await client
        .checkChecklistItem('payments-api@1', { id: 'pre.x', text: 'x' }, true)
        .catch(e => e);
      expect(ResponseError.is(error) && error.statusCode).toBe(403);
    });
  });

  describe('skipped checklist items', () => {
    const skipped = {
      entityRef: 'component:default/payments-api',
      releases: 4,
      items: [
        {
          id: 'post.announce-in-releases',
          text: 'Announce in #releases',
          phase: 'post',
          required: false,
          skipped: 3,
          of: 4,
        },
      ],
    };

    it('asks for an entity’s items, encoding the ref into the query string', async () => {
      const { client, sent } = setup(() => json(skipped));

      await expect(
        client.getSkippedChecklistItems('component:default/payments-api'),
      ).resolves.toEqual(skipped);
      const url = new URL((await sent()).url);
      expect(`${url.origin}${url.pathname}`).toBe(`${BASE}/checklists/skipped`);
      expect(url.search).toBe('?entityRef=component%3Adefault%2Fpayments-api');
    });

    it('sends how many releases to look at when asked', async () => {
      const { client, sent } = setup(() => json(skipped));

      await client.getSkippedChecklistItems(
        'component:default/payments-api',
        50,
      );

      const url = new URL((await sent()).url);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        entityRef: 'component:default/payments-api',
        releases: '50',
      });
    });

    it('throws the server’s message for a bad entity ref', async () => {
      const { client } = setup(() =>
        errorResponse(400, 'InputError', 'entityRef: must be an entity ref'),
      );

      const error = await client
        .getSkippedChecklistItems('nonsense')
        .catch(e => e);
      expect(ResponseError.is(error)).toBe(true);
      expect(error.statusCode).toBe(400);
      expect(error.cause.message).toBe('entityRef: must be an entity ref');
    });
  });

  describe('release notes', () => {
    const notes = {
      releaseId: 'web/app@2026.11.27+1',
      sections: [],
      nonConventional: [],
      counts: { commits: 0, conventional: 0, nonConventional: 0, breaking: 0 },
      nonConventionalShare: 0,
      maxNonConventionalShare: 0.25,
      flagged: false,
    };
    const markdown = (headers: Record<string, string> = {}) =>
      new Response('## web/app@2026.11.27+1\n\n### Features\n', {
        status: 200,
        headers: { 'Content-Type': 'text/markdown; charset=utf-8', ...headers },
      });

    it('gets a release’s notes, encoding its id as a single path segment', async () => {
      const { client, sent } = setup(() => json(notes));

      await expect(
        client.getReleaseNotes('web/app@2026.11.27+1'),
      ).resolves.toEqual(notes);
      const request = await sent();
      expect(request.url).toBe(
        `${BASE}/releases/web%2Fapp%402026.11.27%2B1/notes`,
      );
      expect(request.method).toBe('GET');
    });

    it('gets the markdown as text, named as the backend names the download', async () => {
      const { client, sent } = setup(() =>
        markdown({
          'Content-Disposition':
            'attachment; filename="web-app-2026.11.27-1-notes.md"',
        }),
      );

      await expect(
        client.getReleaseNotesMarkdown('web/app@2026.11.27+1'),
      ).resolves.toEqual({
        fileName: 'web-app-2026.11.27-1-notes.md',
        markdown: '## web/app@2026.11.27+1\n\n### Features\n',
      });
      const request = await sent();
      expect(request.url).toBe(
        `${BASE}/releases/web%2Fapp%402026.11.27%2B1/notes?format=markdown`,
      );
      expect(request.headers.accept).toBe('text/markdown');
    });

    it('names the file by the same rule when the browser hides the header', async () => {
      const { client } = setup(() => markdown());

      const { fileName } = await client.getReleaseNotesMarkdown(
        'web/app@2026.11.27+1',
      );

      expect(fileName).toBe('web-app-2026.11.27-1-notes.md');
    });

    it('throws a 404 ResponseError for an unknown release, as JSON or markdown', async () => {
      const { client } = setup(() =>
        errorResponse(
          404,
          'NotFoundError',
          'release nope@1 is not in the ledger',
        ),
      );

      for (const get of [
        () => client.getReleaseNotes('nope@1'),
        () => client.getReleaseNotesMarkdown('nope@1'),
      ]) {
        const error = await get().catch(e => e);
        expect(ResponseError.is(error)).toBe(true);
        expect(error.statusCode).toBe(404);
        expect(error.cause.message).toBe('release nope@1 is not in the ledger');
      }
    });
  });

  it('sends a body through a fetch API that builds its own Requests, as Backstage’s middlewares do', async () => {
    const middlewareFetch = jest.fn(
      async (input: RequestInfo | URL, init?: RequestInit) => {
        // Two middlewares, each building a Request from what it was given.
        const first = new Request(input, init);
        expect(first.method).toBe('PUT');
        const request = new Request(input, init);
        return new Response(
          JSON.stringify({ week: '2026-11-23', text: await request.text() }),
          { status: 200, headers: { 'Content-Type': 'application/json' } },
        );
      },
    );
    const client = new ReleaseLedgerClient({
      discoveryApi: { getBaseUrl: async () => BASE },
      fetchApi: { fetch: middlewareFetch },
    });
    await expect(
      client.saveWeeklyNote('2026-11-23', 'Quiet week'),
    ).resolves.toEqual({ week: '2026-11-23', text: '{"text":"Quiet week"}' });
  });
});
