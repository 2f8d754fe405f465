import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ReleasePage,
  ReleaseWithEvents,
} from '@release-ledger/plugin-release-ledger-common';
import type { ListReleasesFilter, ReleaseLedgerApi } from './ReleaseLedgerApi';

const FILTER_KEYS = [
  'entityRef',
  'owner',
  'status',
  'from',
  'to',
  'limit',
  'cursor',
] as const satisfies ReadonlyArray<keyof ListReleasesFilter>;

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
    const query = new URLSearchParams();
    for (const key of FILTER_KEYS) {
      const value = filter[key];
      if (value !== undefined && value !== '') {
        query.set(key, String(value));
      }
    }
    const qs = query.toString();
    return this.get<ReleasePage>(`/releases${qs ? `?${qs}` : ''}`);
  }

  async getRelease(releaseId: string): Promise<ReleaseWithEvents> {
    return this.get<ReleaseWithEvents>(
      `/releases/${encodeURIComponent(releaseId)}`,
    );
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('release-ledger');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
