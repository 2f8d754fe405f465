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
  type ReleasePage,
  type ReleaseWithEvents,
  type WeeklyNote,
} from '@release-ledger/plugin-release-ledger-common';
import type {
  GetMetricsRequest,
  ListReleasesFilter,
  ReleaseLedgerApi,
  ReplayGateRequest,
} from './ReleaseLedgerApi';

/** A copy of `values` without its undefined and empty-string fields. */
function withoutEmpty<T extends object>(values: T): T {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined && v !== ''),
  ) as T;
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

  /**
   * Runs one request through the typed client and answers its data, or
   * throws a `ResponseError` for an error answer. The client reads an error
   * answer's body; ResponseError reads it again, from an unread copy.
   */
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

  private async call<T>(
    request: (
      client: ReleaseLedgerHttpClient,
    ) => Promise<{ data?: T; response: Response }>,
  ): Promise<T> {
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
    return data as T;
  }
}
