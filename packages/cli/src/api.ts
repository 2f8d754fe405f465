/**
 * The CLI's client of the ledger's HTTP API: the typed client of the common
 * package (generated from the backend's `src/schema/openapi.yaml`), sent
 * through a fetch that adds the token, retries connection errors and
 * 502/503/504, times each attempt out and turns error answers into
 * `ApiError`s that name the server's field issues.
 */
import {
  createReleaseLedgerClient,
  type components,
  type GateCheckEvidence,
  type GateEvaluation,
  type GateEvaluationStarted,
  type GateMeasurementEvidence,
  type ReleaseEventInput,
  type ReleaseChecklist,
  type ReleaseNotes,
  type ReleaseGates,
  type ReleaseLedgerHttpClient,
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

/** The answer to `POST /events`: one result per event, in input order. */
export type PostEventsAnswer = components['schemas']['IngestResponse'];

export type { GateCheckEvidence, GateEvaluation, GateMeasurementEvidence };

/**
 * Reads the evaluations out of a gate endpoint's answer, `{ evaluations }`
 * or `{ evaluation }`, checking that it is one: the types say what the
 * ledger answers, not what a proxy or another server in its place might.
 */
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

/** Statuses whose response may not carry a body. */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

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
  private readonly client: ReleaseLedgerHttpClient;

  constructor(options: ClientOptions) {
    this.options = options;
    this.apiBase = `${options.baseUrl.replace(/\/+$/, '')}${API_PATH}`;
    this.client = createReleaseLedgerClient({
      baseUrl: this.apiBase,
      fetch: request => this.send(request),
    });
  }

  async postEvents(events: ReleaseEventInput[]): Promise<PostEventsAnswer> {
    const { data } = await this.client.POST('/events', {
      body: events.length === 1 ? events[0] : { events },
    });
    if (!data || !Array.isArray(data.results)) {
      throw new ApiError('POST /events answered without results');
    }
    return data;
  }

  async evaluateGates(
    releaseId: string,
    gate?: string,
  ): Promise<GateEvaluation[]> {
    const { data } = await this.client.POST(
      '/releases/{releaseId}/gates/evaluate',
      { params: { path: { releaseId } }, body: gate ? { gate } : {} },
    );
    // 202 without a body: the evaluation is followed with getGates.
    return data === undefined ? [] : readGateEvaluations(data);
  }

  async getGates(releaseId: string): Promise<GateEvaluation[]> {
    const { data } = await this.client.GET('/releases/{releaseId}/gates', {
      params: { path: { releaseId } },
    });
    return readGateEvaluations(data);
  }

  /**
   * The commit of the entity's most recently promoted release (other than
   * `exceptReleaseId`): where the next release's range starts. Undefined
   * when no promoted release names a commit.
   */
  async lastPromotedCommit(
    entityRef: string,
    exceptReleaseId?: string,
  ): Promise<string | undefined> {
    // Promoted and still rolling out, or finished as promoted.
    const pages = await Promise.all(
      [{ status: 'promoted' as const }, { outcome: 'promoted' as const }].map(
        filter =>
          this.client.GET('/releases', {
            params: { query: { entityRef, limit: '20', ...filter } },
          }),
      ),
    );
    const promoted = pages
      .flatMap(({ data }) => data?.items ?? [])
      .filter(r => r.releaseId !== exceptReleaseId && r.commit && r.promotedAt)
      .sort((a, b) => b.promotedAt!.localeCompare(a.promotedAt!));
    return promoted[0]?.commit;
  }

  /** The release's notes; JSON, or the CHANGELOG section as markdown. */
  async getReleaseNotes(releaseId: string): Promise<ReleaseNotes> {
    const { data } = await this.client.GET('/releases/{releaseId}/notes', {
      params: { path: { releaseId } },
    });
    if (!data || !Array.isArray((data as ReleaseNotes).sections)) {
      throw new ApiError(`GET /releases/${releaseId}/notes answered no notes`);
    }
    return data as ReleaseNotes;
  }

  async getReleaseNotesMarkdown(releaseId: string): Promise<string> {
    const { data } = await this.client.GET('/releases/{releaseId}/notes', {
      params: { path: { releaseId }, query: { format: 'markdown' } },
      parseAs: 'text',
    });
    return data ?? '';
  }

  /**
   * The checklist pinned to the release, with its ticks; undefined when the
   * release has none (unknown, not started, or a ledger without checklists).
   */
  async getChecklist(releaseId: string): Promise<ReleaseChecklist | undefined> {
    try {
      const { data } = await this.client.GET(
        '/releases/{releaseId}/checklist',
        { params: { path: { releaseId } } },
      );
      return data;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /**
   * The typed client's transport: sends `request` with the token, retrying
   * connection errors and 502/503/504, and answers a successful response
   * with its JSON body already read (the time-out covers the body too).
   * Error answers and unreadable ones are thrown as `ApiError`.
   */
  private async send(request: Request): Promise<Response> {
    const doFetch = this.options.fetch ?? fetch;
    const sleep = this.options.sleep ?? defaultSleep;
    const retries = this.options.retries ?? 3;
    const { method, url } = request;
    const path = url.startsWith(this.apiBase)
      ? url.slice(this.apiBase.length)
      : new URL(url).pathname;
    const body = request.body ? await request.text() : undefined;
    let attempt = 0;
    for (;;) {
      let response: {
        status: number;
        ok: boolean;
        text: string;
        contentType?: string;
      };
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
      // A markdown answer (release notes) is passed on as it is.
      if (response.ok && response.contentType?.startsWith('text/markdown')) {
        return new Response(text, {
          status: response.status,
          headers: { 'Content-Type': response.contentType },
        });
      }
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
      return new Response(
        text && !NULL_BODY_STATUSES.has(response.status) ? text : null,
        {
          status: response.status,
          headers: { 'Content-Type': 'application/json' },
        },
      );
    }
  }

  /** One request with its time-out covering the answer's body too. */
  private async exchange(
    doFetch: typeof fetch,
    url: string,
    method: string,
    body: string | undefined,
  ): Promise<{
    status: number;
    ok: boolean;
    text: string;
    contentType?: string;
  }> {
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
        body,
        signal: controller.signal,
      });
      const text = await response.text();
      return {
        status: response.status,
        ok: response.ok,
        text,
        contentType: response.headers?.get?.('content-type') ?? undefined,
      };
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
