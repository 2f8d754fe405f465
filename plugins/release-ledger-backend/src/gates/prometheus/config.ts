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
  /**
   * How long after a moment Prometheus holds all of its samples: a gate
   * measures `t` at `t + ingestionDelayMs` at the earliest. Config reads
   * default to {@link DEFAULT_PROMETHEUS_INGESTION_DELAY_MS}; a client made
   * directly without it measures at once.
   */
  ingestionDelayMs?: number;
};

export const DEFAULT_PROMETHEUS_TIMEOUT_MS = 10_000;
/**
 * Two scrapes at the common 15 s interval: by then the samples of a moment
 * have been scraped and appended, also through remote write to Mimir/Thanos
 * receivers under normal lag.
 */
export const DEFAULT_PROMETHEUS_INGESTION_DELAY_MS = 30_000;
const MAX_TIMEOUT_MS = 5 * 60_000;
const MAX_INGESTION_DELAY_MS = 15 * 60_000;
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
  const ingestionDelayMs =
    section.getOptionalNumber('ingestionDelayMs') ??
    DEFAULT_PROMETHEUS_INGESTION_DELAY_MS;
  if (
    !Number.isInteger(ingestionDelayMs) ||
    ingestionDelayMs < 0 ||
    ingestionDelayMs > MAX_INGESTION_DELAY_MS
  ) {
    throw new Error(
      `${KEY}.ingestionDelayMs: must be a whole number of milliseconds from 0 to ${MAX_INGESTION_DELAY_MS}, got ${ingestionDelayMs}`,
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
    ingestionDelayMs,
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
