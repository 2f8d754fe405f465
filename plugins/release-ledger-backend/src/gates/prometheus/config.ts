import { Config } from '@backstage/config';

/** How to reach one Prometheus (or a Prometheus-compatible API such as Thanos or Mimir). */
export type PrometheusConfig = {
  /** Base URL; the API is under `<url>/api/v1/`. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as `Authorization: Basic …`; exclusive with `token`. */
  basicAuth?: { username: string; password: string };
  /** Time-out of each request, including reading the answer. */
  timeoutMs: number;
};

export const DEFAULT_PROMETHEUS_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 5 * 60_000;
const KEY = 'releaseLedger.prometheus';

/**
 * Reads `releaseLedger.prometheus`. Absent: no Prometheus (gates that need
 * it cannot run). A wrong value stops startup with a message naming the key.
 */
export function readPrometheusConfig(
  config: Config,
): PrometheusConfig | undefined {
  const section = config.getOptionalConfig(KEY);
  if (!section) {
    return undefined;
  }
  const url = section.getOptionalString('url');
  if (url === undefined) {
    throw new Error(`${KEY}.url: required when ${KEY} is configured`);
  }
  if (!isHttpUrl(url)) {
    throw new Error(`${KEY}.url: must be an http(s) URL, got '${url}'`);
  }
  const token = section.getOptionalString('token');
  const basic = section.getOptionalConfig('basicAuth');
  if (token !== undefined && basic) {
    throw new Error(`${KEY}: set either token or basicAuth, not both`);
  }
  const timeoutMs =
    section.getOptionalNumber('timeoutMs') ?? DEFAULT_PROMETHEUS_TIMEOUT_MS;
  if (
    !Number.isInteger(timeoutMs) ||
    timeoutMs < 1 ||
    timeoutMs > MAX_TIMEOUT_MS
  ) {
    throw new Error(
      `${KEY}.timeoutMs: must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got ${timeoutMs}`,
    );
  }
  return {
    url,
    ...(token !== undefined ? { token } : {}),
    ...(basic
      ? {
          basicAuth: {
            username: basic.getString('username'),
            password: basic.getString('password'),
          },
        }
      : {}),
    timeoutMs,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
