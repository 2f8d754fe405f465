import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  CommsStatus,
  GateReplay,
  LedgerStatus,
  MetricsResponse,
  ReleaseComms,
  ReleaseGates,
  ReleasePage,
  ReleaseWithEvents,
  WeeklyNote,
} from '@release-ledger/plugin-release-ledger-common';
import type {
  GetMetricsRequest,
  ListReleasesFilter,
  ReleaseLedgerApi,
  ReplayGateRequest,
} from './ReleaseLedgerApi';

const FILTER_KEYS = [
  'entityRef',
  'owner',
  'status',
  'outcome',
  'from',
  'to',
  'limit',
  'cursor',
] as const satisfies ReadonlyArray<keyof ListReleasesFilter>;

const METRICS_KEYS = [
  'scope',
  'ref',
  'window',
  'bandSet',
] as const satisfies ReadonlyArray<keyof GetMetricsRequest>;

/** `?a=1&b=2` from the defined, non-empty values; `''` when there are none. */
function queryString<T extends object>(
  values: T,
  keys: ReadonlyArray<keyof T & string>,
): string {
  const query = new URLSearchParams();
  for (const key of keys) {
    const value = values[key];
    if (value !== undefined && value !== '') {
      query.set(key, String(value));
    }
  }
  const qs = query.toString();
  return qs ? `?${qs}` : '';
}

/**
 * Talks to the Release Ledger backend over HTTP.
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
    return this.request<ReleasePage>(
      `/releases${queryString(filter, FILTER_KEYS)}`,
    );
  }

  async getRelease(releaseId: string): Promise<ReleaseWithEvents> {
    return this.request<ReleaseWithEvents>(
      `/releases/${encodeURIComponent(releaseId)}`,
    );
  }

  async getMetrics(request: GetMetricsRequest): Promise<MetricsResponse> {
    return this.request<MetricsResponse>(
      `/metrics${queryString(request, METRICS_KEYS)}`,
    );
  }

  async getWeeklyNote(week: string): Promise<WeeklyNote | undefined> {
    try {
      return await this.request<WeeklyNote>(
        `/notes/${encodeURIComponent(week)}`,
      );
    } catch (error) {
      if (ResponseError.is(error) && error.statusCode === 404) {
        return undefined;
      }
      throw error;
    }
  }

  async saveWeeklyNote(week: string, text: string): Promise<WeeklyNote> {
    return this.request<WeeklyNote>(`/notes/${encodeURIComponent(week)}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text }),
    });
  }

  async getReleaseComms(releaseId: string): Promise<ReleaseComms> {
    return this.request<ReleaseComms>(
      `/releases/${encodeURIComponent(releaseId)}/comms`,
    );
  }

  async requeueParked(releaseId: string): Promise<{ requeued: number }> {
    return this.request<{ requeued: number }>('/comms/requeue', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ releaseId }),
    });
  }

  async getCommsStatus(): Promise<CommsStatus> {
    return this.request<CommsStatus>('/comms/status');
  }

  async getLedgerStatus(): Promise<LedgerStatus> {
    return this.request<LedgerStatus>('/ledger/status');
  }

  async getReleaseGates(releaseId: string): Promise<ReleaseGates> {
    return this.request<ReleaseGates>(
      `/releases/${encodeURIComponent(releaseId)}/gates`,
    );
  }

  async replayGate(
    releaseId: string,
    request: ReplayGateRequest = {},
  ): Promise<GateReplay> {
    return this.request<GateReplay>(
      `/releases/${encodeURIComponent(releaseId)}/gates/replay`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
      },
    );
  }

  private async request<T>(
    path: string,
    init: {
      method?: string;
      headers?: Record<string, string>;
      body?: string;
    } = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('release-ledger');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      ...init,
      headers: { Accept: 'application/json', ...init.headers },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
