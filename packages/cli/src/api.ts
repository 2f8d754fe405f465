/**
 * Everything the CLI knows about the ledger's HTTP API, in one place: the
 * request and answer shapes and a small client on Node's global fetch.
 *
 * All endpoints are specified in the backend's `src/schema/openapi.yaml`;
 * the gate answers are the common package's types (the backend builds them
 * with the same types), read by `readGateEvaluations` only.
 */
import type {
  GateCheckEvidence,
  GateEvaluation,
  GateEvaluationStarted,
  GateMeasurementEvidence,
  ReleaseEventInput,
  ReleaseGates,
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

/**
 * The answers of the gate endpoints, as the common package defines them
 * for the backend that builds them: `POST .../gates/evaluate` answers 202
 * `{ created, evaluation }` (the running evaluation when one already runs);
 * `GET .../gates` answers `{ releaseId, evaluations }`, the latest
 * evaluation of each gate.
 */
export type GatesAnswer = ReleaseGates | GateEvaluationStarted;

export type { GateCheckEvidence, GateEvaluation, GateMeasurementEvidence };

/** Reads the evaluations out of a gate endpoint's answer. */
export function readGateEvaluations(body: unknown): GateEvaluation[] {
  const b = (body ?? {}) as Partial<ReleaseGates & GateEvaluationStarted>;
  let list: GateEvaluation[] | undefined;
  if (Array.isArray(b.evaluations)) list = b.evaluations;
  else if (b.evaluation && typeof b.evaluation === 'object') {
    list = [b.evaluation];
  }
  if (!list) {
    throw new ApiError(
      `the gate endpoint answered neither { evaluations } nor { evaluation } (fields: ${
        (body && typeof body === 'object' && Object.keys(body).join(', ')) ||
        'none'
      })`,
    );
  }
  list.forEach((e, i) => {
    if (
      !e ||
      typeof e.state !== 'string' ||
      typeof e.gate !== 'string' ||
      !Array.isArray(e.checks)
    ) {
      throw new ApiError(
        `gate evaluation ${i} is not an evaluation (it needs gate, state and checks)`,
      );
    }
  });
  return list;
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
