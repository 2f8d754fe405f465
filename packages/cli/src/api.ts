/**
 * Everything the CLI knows about the ledger's HTTP API, in one place: the
 * request and answer shapes and a small client on Node's global fetch.
 *
 * All endpoints are specified in the backend's `src/schema/openapi.yaml`
 * (`components.schemas.GateEvaluation`, `GateCheck`, `GateMeasurement` for
 * the gates); `readGateEvaluations` is the single place that reads the gate
 * endpoints' answers, so following a change there means changing this
 * module only.
 */
import type {
  CheckState,
  CheckVerdict,
  GateMeasurement,
  MeasurementOutcome,
  ReleaseEventInput,
} from '@release-ledger/plugin-release-ledger-common';

/** The path under the backend's base URL where the ledger's API lives. */
export const API_PATH = '/api/release-ledger';

/** A failed call: the server's message (it names the field) or the transport's. */
export class ApiError extends Error {
  readonly status?: number;
  readonly issues?: Array<{ field: string; message: string }>;

  constructor(
    message: string,
    options: {
      status?: number;
      issues?: Array<{ field: string; message: string }>;
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = options.status;
    this.issues = options.issues;
  }
}

/** One result per posted event (`POST /events`). */
export type EventResult = {
  index: number;
  eventId: string;
  releaseId?: string;
  status: 'created' | 'duplicate';
};

/** The answer to `POST /events`. */
export type PostEventsAnswer = { results: EventResult[] };

/** One measurement as evidence: what was asked, what came back and how it counted. */
export type GateMeasurementEvidence = GateMeasurement & {
  /** 1-based slot, one interval apart. */
  seq?: number;
  /** The value as people read it (also `+Inf`, which JSON cannot carry). */
  valueText?: string;
  outcome?: MeasurementOutcome;
};

/** A check's verdict with its definition's condition and its measurements. */
export type GateCheckEvidence = CheckVerdict & {
  kind?: 'query' | 'alert';
  /** The condition in text form, e.g. `< 0.01` (absent for alert checks). */
  condition?: string;
  /** Query checks: the template. */
  query?: string;
  /** Alert checks: the label matchers. */
  labels?: Record<string, string>;
  interval?: string;
  failureLimit?: number;
  consecutiveSuccesses?: number;
  errorLimit?: number;
  /** The check's no-data policy: `fail`, `pass` or `inconclusive`. */
  noDataPolicy?: string;
  measurements?: GateMeasurementEvidence[];
};

/**
 * One evaluation of one gate set for a release: the verdict (the common
 * package's `GateVerdict`) with the evidence of every check.
 */
export type GateEvaluation = {
  id?: string;
  releaseId?: string;
  entityRef?: string;
  version?: string;
  environment?: string;
  gate: string;
  provider?: string;
  /** The verdict over the deciding key checks. */
  state: CheckState;
  /** What a pipeline acts on: `state`, except `passed` for a dry-run gate. */
  enforced?: CheckState;
  dryRun?: boolean;
  reason: string;
  startedAt?: string;
  /** When the next measurement is due (while running). */
  nextDueAt?: string;
  finishedAt?: string;
  checks: GateCheckEvidence[];
};

/**
 * The answers of the gate endpoints: `POST .../gates/evaluate` answers 202
 * `{ created, evaluation }` (the running evaluation when one already runs);
 * `GET .../gates` answers `{ releaseId, evaluations }`, the latest
 * evaluation of each gate. `readGateEvaluations` also reads a bare
 * evaluation or `{ gates: [...] }`.
 */
export type GatesAnswer =
  | { releaseId: string; evaluations: GateEvaluation[] }
  | { created: boolean; evaluation: GateEvaluation };

/** Reads the evaluations out of a gate endpoint's answer. */
export function readGateEvaluations(body: unknown): GateEvaluation[] {
  if (!body || typeof body !== 'object') {
    throw new ApiError(
      'the gate endpoint answered something that is not a JSON object',
    );
  }
  const b = body as Record<string, unknown>;
  let list: unknown[];
  if (Array.isArray(b.evaluations)) {
    list = b.evaluations;
  } else if (Array.isArray(b.gates)) {
    list = b.gates;
  } else if (b.evaluation && typeof b.evaluation === 'object') {
    list = [b.evaluation];
  } else if (typeof b.state === 'string') {
    list = [b];
  } else {
    throw new ApiError(
      `the gate endpoint answered without evaluations (fields: ${
        Object.keys(b).join(', ') || 'none'
      })`,
    );
  }
  return list.map((item, i) => {
    const e = item as Partial<GateEvaluation>;
    if (!e || typeof e !== 'object' || typeof e.state !== 'string') {
      throw new ApiError(`gate evaluation ${i} has no state`);
    }
    return {
      ...e,
      gate: e.gate ?? 'default',
      reason: e.reason ?? '',
      checks: Array.isArray(e.checks) ? e.checks : [],
    } as GateEvaluation;
  });
}

export type ClientOptions = {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** Attempts after the first for connection errors and 502/503/504. */
  retries?: number;
  /** Waits between attempts; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Time-out of one request in milliseconds. */
  requestTimeoutMs?: number;
  userAgent?: string;
};

const RETRIED_STATUSES = new Set([502, 503, 504]);

export const defaultSleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/**
 * A client for the ledger's API. Retrying is safe: events carry an
 * `eventId` (given, or derived by the server from their content), so a
 * repeated post is answered `duplicate`.
 */
export class LedgerClient {
  private readonly apiBase: string;
  private readonly options: ClientOptions;

  constructor(options: ClientOptions) {
    this.options = options;
    this.apiBase = `${options.baseUrl.replace(/\/+$/, '')}${API_PATH}`;
  }

  async postEvents(events: ReleaseEventInput[]): Promise<PostEventsAnswer> {
    const body = events.length === 1 ? events[0] : { events };
    const answer = (await this.request('POST', '/events', body)) as
      | PostEventsAnswer
      | undefined;
    if (!answer || !Array.isArray(answer.results)) {
      throw new ApiError('POST /events answered without results');
    }
    return answer;
  }

  async getRelease(releaseId: string): Promise<unknown> {
    return this.request('GET', `/releases/${encodeURIComponent(releaseId)}`);
  }

  async evaluateGates(
    releaseId: string,
    gate?: string,
  ): Promise<GateEvaluation[]> {
    const body = await this.request(
      'POST',
      `/releases/${encodeURIComponent(releaseId)}/gates/evaluate`,
      gate ? { gate } : {},
    );
    // 202 without a body: the evaluation is followed with getGates.
    return body === undefined ? [] : readGateEvaluations(body);
  }

  async getGates(releaseId: string): Promise<GateEvaluation[]> {
    const body = await this.request(
      'GET',
      `/releases/${encodeURIComponent(releaseId)}/gates`,
    );
    return readGateEvaluations(body);
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    const doFetch = this.options.fetch ?? fetch;
    const sleep = this.options.sleep ?? defaultSleep;
    const retries = this.options.retries ?? 3;
    const url = `${this.apiBase}${path}`;
    let attempt = 0;
    for (;;) {
      let response: { status: number; ok: boolean; text: string };
      try {
        response = await this.exchange(doFetch, url, method, body);
      } catch (error) {
        if (attempt < retries) {
          await sleep(backoff(attempt++));
          continue;
        }
        throw new ApiError(
          `${method} ${url} failed: ${describeFetchError(error)}`,
        );
      }
      if (RETRIED_STATUSES.has(response.status) && attempt < retries) {
        await sleep(backoff(attempt++));
        continue;
      }
      const text = response.text;
      let parsed: unknown = undefined;
      if (text) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
      }
      if (!response.ok) {
        throw errorFromResponse(method, path, response.status, parsed, text);
      }
      if (text && parsed === undefined) {
        throw new ApiError(
          `${method} ${path} answered ${
            response.status
          } with a body that is not JSON: ${text.slice(0, 200)}`,
          { status: response.status },
        );
      }
      return parsed;
    }
  }

  /** One request with its time-out covering the answer's body too. */
  private async exchange(
    doFetch: typeof fetch,
    url: string,
    method: string,
    body: unknown,
  ): Promise<{ status: number; ok: boolean; text: string }> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(timeoutError()),
      this.options.requestTimeoutMs ?? 30_000,
    );
    try {
      const response = await doFetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${this.options.token}`,
          Accept: 'application/json',
          'User-Agent': this.options.userAgent ?? 'release-ledger-cli',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
      const text = await response.text();
      return { status: response.status, ok: response.ok, text };
    } finally {
      clearTimeout(timer);
    }
  }
}

function timeoutError(): Error {
  const error = new Error('no answer in time');
  error.name = 'TimeoutError';
  return error;
}

function backoff(attempt: number): number {
  return Math.min(1000 * 2 ** attempt, 8000);
}

function describeFetchError(error: unknown): string {
  // Duck-typed: fetch's errors may come from another realm (e.g. under jest).
  const e = error as
    | {
        name?: string;
        message?: string;
        cause?: { code?: string; message?: string };
      }
    | undefined;
  if (e?.name === 'TimeoutError') {
    return 'no answer in time';
  }
  if (e?.cause?.message) {
    return e.cause.code
      ? `${e.cause.code} ${e.cause.message}`
      : e.cause.message;
  }
  return e?.message ?? String(error);
}

/** Backstage's error shape: `{ error: { name, message }, response: { statusCode } }`, plus `issues` from the ledger. */
function errorFromResponse(
  method: string,
  path: string,
  status: number,
  parsed: unknown,
  text: string,
): ApiError {
  const body = (parsed ?? {}) as {
    error?: { name?: string; message?: string };
    issues?: Array<{ field: string; message: string }>;
    message?: string;
  };
  const serverMessage =
    body.error?.message ??
    body.message ??
    (text ? text.slice(0, 500) : undefined);
  const hint =
    status === 401
      ? ' (check --token / RELEASE_LEDGER_TOKEN: it must be a static token in backend.auth.externalAccess)'
      : '';
  return new ApiError(
    `${method} ${API_PATH}${path} answered ${status}${
      serverMessage ? `: ${serverMessage}` : ''
    }${hint}`,
    {
      status,
      issues: Array.isArray(body.issues) ? body.issues : undefined,
    },
  );
}
