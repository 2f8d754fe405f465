import {
  FiringAlert,
  GateAlertsResult,
  GateErrorResult,
  GateErrorType,
  GateNoDataResult,
  GateQueryResult,
  GateRangePoint,
  GateRangeResult,
  GateValueResult,
  quotePromQLString,
} from '@release-ledger/plugin-release-ledger-common';
import { PrometheusConfig } from './config';

type QueryOptions = { signal?: AbortSignal };

type Sample = [number, string];
type Series = {
  metric: Record<string, string>;
  value?: Sample;
  values?: Sample[];
};
type QueryData =
  | { resultType: 'vector'; result: Series[] }
  | { resultType: 'matrix'; result: Series[] }
  | { resultType: 'scalar' | 'string'; result: Sample };

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SERIES_SHOWN = 3;

/**
 * A gate metric provider (see `GateMetricProvider` in the -node package)
 * backed by the Prometheus HTTP API: `/api/v1/query` and
 * `/api/v1/query_range`, sent as form-encoded POSTs so long queries fit.
 *
 * - Every failure resolves as `{ kind: 'error' }` with Prometheus' own
 *   message: 400 `bad_data` → `bad_query`, 422 `execution` → `execution`,
 *   503 `timeout` and our own time-out → `timeout`, no connection →
 *   `unreachable`, anything else → `http`. Calls reject only when the
 *   caller's signal aborts.
 * - An empty result and NaN (`0/0` when a canary has no traffic) are no data.
 * - A vector of several series is an error (`multiple_series`): a gate needs
 *   one number, and picking the first series would judge an arbitrary one.
 * - Firing alerts are read from the `ALERTS` series rather than
 *   `/api/v1/alerts`: that endpoint has no time parameter (no replays) and
 *   only knows this server's own rules, while `ALERTS` also answers through
 *   Thanos, Mimir or federation.
 */
export class PrometheusClient {
  readonly id: string;
  readonly ingestionDelayMs: number;
  readonly #config: PrometheusConfig;
  readonly #base: URL;

  constructor(config: PrometheusConfig, options: { id?: string } = {}) {
    this.id = options.id ?? 'prometheus';
    this.ingestionDelayMs = config.ingestionDelayMs ?? 0;
    this.#config = config;
    this.#base = new URL(
      config.url.endsWith('/') ? config.url : `${config.url}/`,
    );
  }

  async instantQuery(
    query: string,
    at: Date,
    options: QueryOptions = {},
  ): Promise<GateQueryResult> {
    const answer = await this.#call(
      'api/v1/query',
      { query, time: seconds(at) },
      options.signal,
    );
    if (answer.kind === 'error') {
      return answer;
    }
    const data = answer.data;
    if (data.resultType === 'scalar') {
      return sampleResult(data.result[1]);
    }
    if (data.resultType !== 'vector') {
      return invalid(
        data.resultType === 'matrix'
          ? 'query returned a range vector; a gate needs one number: wrap the [range] selector in a function such as rate() or avg_over_time()'
          : `query returned a ${data.resultType}; a gate needs one number`,
      );
    }
    const single = singleSeries(data.result);
    if (single.kind !== 'series') {
      return single;
    }
    return sampleResult(single.series.value![1]);
  }

  async rangeQuery(
    query: string,
    start: Date,
    end: Date,
    stepSeconds: number,
    options: QueryOptions = {},
  ): Promise<GateRangeResult> {
    if (!(stepSeconds > 0) || !(end >= start)) {
      return {
        kind: 'error',
        errorType: 'bad_query',
        message: `a range needs start ≤ end and a positive step, got ${start.toISOString()} to ${end.toISOString()} every ${stepSeconds} s`,
      };
    }
    const answer = await this.#call(
      'api/v1/query_range',
      {
        query,
        start: seconds(start),
        end: seconds(end),
        step: String(stepSeconds),
      },
      options.signal,
    );
    if (answer.kind === 'error') {
      return answer;
    }
    if (answer.data.resultType !== 'matrix') {
      return invalid(`query_range returned a ${answer.data.resultType}`);
    }
    const single = singleSeries(answer.data.result);
    if (single.kind === 'error') {
      return single;
    }
    const byTime = new Map<number, Sample[1]>(
      (single.kind === 'series' ? single.series.values ?? [] : []).map(
        ([t, value]) => [Math.round(t * 1000), value],
      ),
    );
    // Prometheus evaluates at start + k·step; steps it left out had no data.
    const points: GateRangePoint[] = [];
    const stepMs = stepSeconds * 1000;
    const steps = Math.floor((end.getTime() - start.getTime()) / stepMs);
    for (let k = 0; k <= steps; k++) {
      const atMs = Math.round(start.getTime() + k * stepMs);
      const value = byTime.get(atMs);
      points.push({
        at: new Date(atMs),
        result:
          value === undefined
            ? { kind: 'no-data', cause: 'no-series' }
            : sampleResult(value),
      });
    }
    return { kind: 'range', points };
  }

  /**
   * Alerts in state firing at `at` whose labels equal every matcher, read
   * as `ALERTS{alertstate="firing", …matchers}`. Values are escaped, so any
   * text is matched literally.
   */
  async firingAlerts(
    matchers: Record<string, string>,
    at: Date,
    options: QueryOptions = {},
  ): Promise<GateAlertsResult> {
    const bad = Object.keys(matchers).find(name => !LABEL_NAME.test(name));
    if (bad !== undefined) {
      return {
        kind: 'error',
        errorType: 'bad_query',
        message: `'${bad}' is not a Prometheus label name`,
      };
    }
    const answer = await this.#call(
      'api/v1/query',
      { query: alertsSelector(matchers), time: seconds(at) },
      options.signal,
    );
    if (answer.kind === 'error') {
      return answer;
    }
    if (answer.data.resultType !== 'vector') {
      return invalid(`ALERTS query returned a ${answer.data.resultType}`);
    }
    const alerts: FiringAlert[] = answer.data.result.map(series => {
      const { __name__: _name, ...labels } = series.metric;
      return { labels };
    });
    return { kind: 'alerts', alerts };
  }

  async #call(
    path: string,
    params: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<{ kind: 'data'; data: QueryData } | GateErrorResult> {
    const url = new URL(path, this.#base);
    const timeout = AbortSignal.timeout(this.#config.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let status: number;
    let statusText: string;
    let text: string;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: this.#headers(),
        body: new URLSearchParams(params),
        signal: combined,
      });
      status = response.status;
      statusText = response.statusText;
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) {
        throw signal.reason;
      }
      if (timeout.aborted) {
        return {
          kind: 'error',
          errorType: 'timeout',
          message: `no answer from Prometheus at ${shown(url)} within ${
            this.#config.timeoutMs
          } ms`,
        };
      }
      return {
        kind: 'error',
        errorType: 'unreachable',
        message: `cannot reach Prometheus at ${shown(url)}: ${networkCause(
          error,
        )}`,
      };
    }

    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (body?.status === 'error' && typeof body.error === 'string') {
      return {
        kind: 'error',
        errorType: errorTypeOf(body.errorType),
        message: body.error,
        httpStatus: status,
      };
    }
    if (status < 200 || status >= 300) {
      return {
        kind: 'error',
        errorType: 'http',
        message: `HTTP ${status} ${statusText} from ${shown(url)}: ${text
          .slice(0, 200)
          .trim()}`,
        httpStatus: status,
      };
    }
    if (
      body?.status !== 'success' ||
      typeof body.data?.resultType !== 'string'
    ) {
      return invalid(
        `unexpected answer from ${shown(url)}: ${text.slice(0, 200).trim()}`,
      );
    }
    return { kind: 'data', data: body.data };
  }

  #headers(): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const { token, basicAuth } = this.#config;
    if (token) {
      headers.authorization = `Bearer ${token}`;
    } else if (basicAuth) {
      headers.authorization = `Basic ${Buffer.from(
        `${basicAuth.username}:${basicAuth.password}`,
      ).toString('base64')}`;
    }
    return headers;
  }
}

/** The PromQL selector `firingAlerts` sends, for the evidence. */
export function alertsSelector(matchers: Record<string, string>): string {
  const labels: Record<string, string> = {
    ...matchers,
    alertstate: 'firing',
  };
  return `ALERTS{${Object.keys(labels)
    .sort()
    .map(name => `${name}=${quotePromQLString(labels[name])}`)
    .join(',')}}`;
}

function seconds(at: Date): string {
  return String(at.getTime() / 1000);
}

function singleSeries(
  result: Series[],
): { kind: 'series'; series: Series } | GateNoDataResult | GateErrorResult {
  if (result.length === 0) {
    return { kind: 'no-data', cause: 'no-series' };
  }
  if (result.length > 1) {
    const shownSeries = result
      .slice(0, SERIES_SHOWN)
      .map(s => formatMetric(s.metric))
      .join(', ');
    return {
      kind: 'error',
      errorType: 'multiple_series',
      message: `query returned ${
        result.length
      } series; a gate needs one number: aggregate them, e.g. sum(…) or max(…). Series: ${shownSeries}${
        result.length > SERIES_SHOWN ? ', …' : ''
      }`,
    };
  }
  return { kind: 'series', series: result[0] };
}

function formatMetric(metric: Record<string, string>): string {
  const { __name__: name = '', ...labels } = metric;
  return `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;
}

function sampleResult(text: string): GateValueResult | GateNoDataResult {
  const value = parseSampleValue(text);
  return Number.isNaN(value)
    ? { kind: 'no-data', cause: 'nan' }
    : { kind: 'value', value };
}

/** Prometheus writes sample values as Go floats: "0.5", "NaN", "+Inf", "-Inf". */
function parseSampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') {
    return Infinity;
  }
  if (text === '-Inf') {
    return -Infinity;
  }
  return Number(text);
}

function errorTypeOf(prometheusType: unknown): GateErrorType {
  switch (prometheusType) {
    case 'bad_data':
      return 'bad_query';
    case 'execution':
      return 'execution';
    case 'timeout':
    case 'canceled':
      return 'timeout';
    default:
      return 'http';
  }
}

function invalid(message: string): GateErrorResult {
  return { kind: 'error', errorType: 'invalid_response', message };
}

/** The URL without credentials or query, for messages. */
function shown(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

function networkCause(error: unknown): string {
  const cause = (error as { cause?: any })?.cause;
  const inner = cause?.errors?.[0] ?? cause;
  return (
    inner?.message || inner?.code || (error as Error)?.message || String(error)
  );
}
