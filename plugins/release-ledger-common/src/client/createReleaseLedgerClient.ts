import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../schema/openapi';

/**
 * The typed client of the Release Ledger HTTP API: `GET`, `POST` and `PUT`
 * take a path of the OpenAPI spec (`'/releases/{releaseId}'`) with its
 * typed parameters and body, and answer `{ data, error, response }` typed by
 * the spec. The portal, the CLI and the dev scripts all call the API
 * through it.
 *
 * @public
 */
export type ReleaseLedgerHttpClient = Client<paths>;

/** @public */
export type ReleaseLedgerHttpClientOptions = {
  /**
   * Where the API lives, e.g. the discovery API's
   * `getBaseUrl('release-ledger')` or `http://localhost:7007/api/release-ledger`.
   */
  baseUrl: string;
  /**
   * Sends one request: Backstage's `fetchApi.fetch` in the portal (it adds
   * the user's token), or one that adds a service token and retries. The
   * request's body may be read once; it is not read again. Defaults to the
   * global `fetch`.
   */
  fetch?: (request: Request) => Promise<Response>;
};

/**
 * Creates the typed client of the Release Ledger HTTP API (openapi-fetch
 * over the types generated from the backend's `openapi.yaml`).
 *
 * @public
 */
export function createReleaseLedgerClient(
  options: ReleaseLedgerHttpClientOptions,
): ReleaseLedgerHttpClient {
  const send = options.fetch;
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { Accept: 'application/json' },
    // Looked up on each call, so a global fetch replaced later is used.
    fetch: request => (send ?? globalThis.fetch)(request),
  });
}
