import type { Config } from '@backstage/config';

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

/** A configured Prometheus connection and the provider id gates name it by. */
export type PrometheusConnection = PrometheusConfig & { id: string };

const ID_PATTERN = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;

/**
 * Reads `releaseLedger.prometheus`: one connection (provider id
 * `prometheus`, or its own `id`), or a list of connections each with an
 * `id` (e.g. one per region: `prometheus-eu`, `prometheus-us`), which a
 * gate set names as its `provider`. Absent: no Prometheus (gates that need
 * it cannot run). A wrong value stops startup with a message naming the key.
 */
export function readPrometheusConnections(
  config: Config,
): PrometheusConnection[] {
  const raw = config.getOptional(KEY);
  if (raw === undefined) return [];
  const sections = Array.isArray(raw)
    ? config.getConfigArray(KEY).map((section, i) => ({
        section,
        key: `${KEY}[${i}]`,
        id: section.getOptionalString('id'),
        idRequired: true,
      }))
    : [
        {
          section: config.getConfig(KEY),
          key: KEY,
          id: config.getOptionalString(`${KEY}.id`),
          idRequired: false,
        },
      ];
  const seen = new Set<string>();
  return sections.map(({ section, key, id, idRequired }) => {
    if (id === undefined && idRequired) {
      throw new Error(
        `${key}.id: required when ${KEY} lists several connections (the provider id gates name, e.g. prometheus-eu)`,
      );
    }
    const providerId = id ?? 'prometheus';
    if (!ID_PATTERN.test(providerId)) {
      throw new Error(
        `${key}.id: must be lower-case letters and digits, optionally joined by - _ or ., got '${providerId}'`,
      );
    }
    if (seen.has(providerId)) {
      throw new Error(
        `${key}.id: '${providerId}' is used by another connection; each needs its own id`,
      );
    }
    seen.add(providerId);
    return { id: providerId, ...readConnection(section, key) };
  });
}

/** One connection's settings; errors name `key`. */
function readConnection(section: Config, key: string): PrometheusConfig {
  const url = section.getOptionalString('url');
  if (url === undefined) {
    throw new Error(`${key}.url: required when ${key} is configured`);
  }
  if (!isHttpUrl(url)) {
    throw new Error(`${key}.url: must be an http(s) URL, got '${url}'`);
  }
  const token = section.getOptionalString('token');
  const basic = section.getOptionalConfig('basicAuth');
  if (token !== undefined && basic) {
    throw new Error(`${key}: set either token or basicAuth, not both`);
  }
  const timeoutMs = wholeMs(
    section,
    key,
    'timeoutMs',
    DEFAULT_PROMETHEUS_TIMEOUT_MS,
    1,
    MAX_TIMEOUT_MS,
  );
  const ingestionDelayMs = wholeMs(
    section,
    key,
    'ingestionDelayMs',
    DEFAULT_PROMETHEUS_INGESTION_DELAY_MS,
    0,
    MAX_INGESTION_DELAY_MS,
  );
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

/** A whole number of milliseconds in [min, max], or the fallback when unset. */
function wholeMs(
  section: Config,
  key: string,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = section.getOptionalNumber(name) ?? fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `${key}.${name}: must be a whole number of milliseconds from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
