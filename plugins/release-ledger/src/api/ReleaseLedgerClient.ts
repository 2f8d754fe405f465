/* eslint new-cap: ["error", { "capIsNewExceptions": ["GET", "POST", "PUT"] }] -- openapi-fetch names its methods after the HTTP verbs */
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  createReleaseLedgerClient,
  type CommsStatus,
  type GateReplay,
  type LedgerStatus,
  type MetricsResponse,
  type ReleaseChecklist,
  type ReleaseComms,
  type ReleaseGates,
  type ReleaseLedgerHttpClient,
  type ReleaseNotes,
  type ReleasePage,
  type ReleaseWithEvents,
  type SkippedChecklistItems,
  type WeeklyNote,
} from '@release-ledger/plugin-release-ledger-common';
import type {
  GetMetricsRequest,
  ListReleasesFilter,
  ReleaseLedgerApi,
  ReleaseNotesMarkdown,
  ReplayGateRequest,
} from './ReleaseLedgerApi';

/** A copy of `values` without its undefined and empty-string fields. */
function withoutEmpty<T extends object>(values: T): T {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined && v !== ''),
  ) as T;
}

/**
 * The file name in a `Content-Disposition: attachment; filename="…"` header,
 * or undefined when there is none (a browser hides the header of a
 * cross-origin answer that does not expose it).
 */
function attachmentFileName(disposition: string | null): string | undefined {
  const match = disposition && /filename="([^"]+)"/i.exec(disposition);
  return match ? match[1] : undefined;
}

/**
 * Talks to the Release Ledger backend over HTTP, through the typed client
 * generated from the backend's OpenAPI spec.
 *
 * @public
 */
export class ReleaseLedgerClient implements ReleaseLedgerApi {
  private readonly discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
  private readonly fetchApi: Pick<FetchApi, 'fetch'>;

  constructor(options: {
    discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
    fetchApi: Pick<FetchApi, 'fetch'>;
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listReleases(filter: ListReleasesFilter = {}): Promise<ReleasePage> {
    return this.call(client =>
      client.GET('/releases', {
        params: {
          query: withoutEmpty({
            entityRef: filter.entityRef,
            owner: filter.owner,
            status: filter.status,
            outcome: filter.outcome,
            from: filter.from,
            to: filter.to,
            limit:
              filter.limit === undefined ? undefined : String(filter.limit),
            cursor: filter.cursor,
          }),
        },
      }),
    );
  }

  async getRelease(releaseId: string): Promise<ReleaseWithEvents> {
    const release = await this.call(client =>
      client.GET('/releases/{releaseId}', {
        params: { path: { releaseId } },
      }),
    );
    // The spec leaves event attributes an object; the ledger's event
    // contract (which validated every stored event) types them per type.
    return release as ReleaseWithEvents;
  }

  async getMetrics(request: GetMetricsRequest): Promise<MetricsResponse> {
    return this.call(client =>
      client.GET('/metrics', {
        params: {
          query: withoutEmpty({
            scope: request.scope,
            ref: request.ref,
            window: request.window,
            bandSet: request.bandSet,
          }),
        },
      }),
    );
  }

  async getWeeklyNote(week: string): Promise<WeeklyNote | undefined> {
    try {
      return await this.call(client =>
        client.GET('/notes/{week}', { params: { path: { week } } }),
      );
    } catch (error) {
      if (ResponseError.is(error) && error.statusCode === 404) {
        return undefined;
      }
      throw error;
    }
  }

  async saveWeeklyNote(week: string, text: string): Promise<WeeklyNote> {
    return this.call(client =>
      client.PUT('/notes/{week}', {
        params: { path: { week } },
        body: { text },
      }),
    );
  }

  async getReleaseComms(releaseId: string): Promise<ReleaseComms> {
    return this.call(client =>
      client.GET('/releases/{releaseId}/comms', {
        params: { path: { releaseId } },
      }),
    );
  }

  async requeueParked(releaseId: string): Promise<{ requeued: number }> {
    return this.call(client =>
      client.POST('/comms/requeue', { body: { releaseId } }),
    );
  }

  async getCommsStatus(): Promise<CommsStatus> {
    return this.call(client => client.GET('/comms/status'));
  }

  async getLedgerStatus(): Promise<LedgerStatus> {
    return this.call(client => client.GET('/ledger/status'));
  }

  async getReleaseGates(releaseId: string): Promise<ReleaseGates> {
    return this.call(client =>
      client.GET('/releases/{releaseId}/gates', {
        params: { path: { releaseId } },
      }),
    );
  }

  async replayGate(
    releaseId: string,
    request: ReplayGateRequest = {},
  ): Promise<GateReplay> {
    return this.call(client =>
      client.POST('/releases/{releaseId}/gates/replay', {
        params: { path: { releaseId } },
        body: request,
      }),
    );
  }

  async getReleaseChecklist(
    releaseId: string,
  ): Promise<ReleaseChecklist | undefined> {
    try {
      return await this.call(client =>
        client.GET('/releases/{releaseId}/checklist', {
          params: { path: { releaseId } },
        }),
      );
    } catch (error) {
      if (ResponseError.is(error) && error.statusCode === 404) {
        return undefined;
      }
      throw error;
    }
  }

  async checkChecklistItem(
    releaseId: string,
    item: { id: string; text: string },
    checked: boolean,
  ): Promise<void> {
    // The backend records the signed-in user as the one who ticked.
    await this.call(client =>
      client.POST('/events', {
        body: {
          type: 'checklist_item_checked',
          releaseId,
          attributes: { item: item.text, itemId: item.id, checked },
        },
      }),
    );
  }

  async getReleaseNotes(releaseId: string): Promise<ReleaseNotes> {
    const notes = await this.call(client =>
      client.GET('/releases/{releaseId}/notes', {
        params: { path: { releaseId } },
      }),
    );
    // The spec's answer is JSON or markdown text; without `format` it is JSON.
    return notes as ReleaseNotes;
  }

  async getReleaseNotesMarkdown(
    releaseId: string,
  ): Promise<ReleaseNotesMarkdown> {
    const { data, response } = await this.send(client =>
      client.GET('/releases/{releaseId}/notes', {
        params: { path: { releaseId }, query: { format: 'markdown' } },
        headers: { accept: 'text/markdown' },
        parseAs: 'text',
      }),
    );
    return {
      // The backend's own name when the browser lets us read it; the same
      // rule otherwise.
      fileName:
        attachmentFileName(response.headers.get('content-disposition')) ??
        `${releaseId.replace(/[^A-Za-z0-9._-]+/g, '-')}-notes.md`,
      markdown: data,
    };
  }

  async getSkippedChecklistItems(
    entityRef: string,
    releases?: number,
  ): Promise<SkippedChecklistItems> {
    return this.call(client =>
      client.GET('/checklists/skipped', {
        params: { query: withoutEmpty({ entityRef, releases }) },
      }),
    );
  }

  /**
   * Runs one request through the typed client and answers its data, or
   * throws a `ResponseError` for an error answer.
   */
  private async call<T>(
    request: (
      client: ReleaseLedgerHttpClient,
    ) => Promise<{ data?: T; response: Response }>,
  ): Promise<T> {
    return (await this.send(request)).data;
  }

  /**
   * Like `call`, with the answer's response for its headers. The client
   * reads an error answer's body; ResponseError reads it again, from an
   * unread copy.
   */
  private async send<T>(
    request: (
      client: ReleaseLedgerHttpClient,
    ) => Promise<{ data?: T; response: Response }>,
  ): Promise<{ data: T; response: Response }> {
    const baseUrl = await this.discoveryApi.getBaseUrl('release-ledger');
    let unread: Response | undefined;
    const client = createReleaseLedgerClient({
      baseUrl,
      fetch: async outgoing => {
        // Backstage's fetch API (its auth middleware) builds a Request of its
        // own from what it is given; a Request whose body is a stream can be
        // read only once, so it gets the URL and a plain init instead.
        const response = await this.fetchApi.fetch(outgoing.url, {
          method: outgoing.method,
          headers: outgoing.headers,
          ...(outgoing.body ? { body: await outgoing.text() } : {}),
          signal: outgoing.signal,
        });
        unread = response.ok ? undefined : response.clone();
        return response;
      },
    });
    const { data, response } = await request(client);
    if (!response.ok) {
      throw await ResponseError.fromResponse(unread ?? response);
    }
    return { data: data as T, response };
  }
}
