import {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { createValidatedOpenApiRouter } from '@backstage/backend-openapi-utils';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  releaseLedgerCommsManagePermission,
  releaseLedgerGateReplayPermission,
  releaseLedgerNoteUpdatePermission,
  releaseLedgerReadPermission,
  decidePromotion,
  findJsonProblem,
  LedgerStatus,
  MAX_BODY_DEPTH,
  NUL_MESSAGE,
  RELEASE_ID_HINT,
  RELEASE_ID_PATTERN,
  RELEASE_OUTCOMES,
  RELEASE_STATUSES,
  type ReleaseGates,
  utcWeekStart,
} from '@release-ledger/plugin-release-ledger-common';
import express, { ErrorRequestHandler, RequestHandler } from 'express';
import type { ChecklistService } from '../checklists/ChecklistService';
import type { NotesService } from '../notes/NotesService';
import type { CommsService } from '../comms/CommsService';
import type { MetricsStore } from '../metrics/DatabaseMetricsStore';
import type { GateService } from '../gates/GateService';
import { ReleaseLedgerStore } from '../ledger/ReleaseLedgerStore';
import { EventIntake, normaliseEntityRef } from '../ledger/EventIntake';
import { normaliseTime } from '../ledger/projectRelease';
import { MetricsService } from '../metrics/MetricsService';
import { spec } from '../schema/openapi.generated';
import { answerOutagesWith503 } from './dependencyOutage';
import { RouteAuthorization } from './routeAuthorization';

export type RouterOptions = {
  store: ReleaseLedgerStore;
  intake: EventIntake;
  metrics: MetricsService;
  metricsStore: MetricsStore;
  comms: CommsService;
  /** Answers `GET /ledger/status`: the projectors and their queue's lag. */
  ledgerStatus: () => Promise<LedgerStatus>;
  gates: GateService;
  /** The checklists pinned to releases, with their ticks. */
  checklists: Pick<ChecklistService, 'get' | 'skippedItems'>;
  /** Release notes from the releases' commits. */
  notes: Pick<NotesService, 'get' | 'markdown'>;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
  /** Largest accepted request body, e.g. `5mb`. */
  maxBodySize: string;
};

const DEFAULT_PAGE_SIZE = 20;
/** How many of an entity's newest finished releases "most often skipped" looks at. */
const DEFAULT_SKIPPED_RELEASES = 20;
const MAX_NOTE_LENGTH = 10_000;
const MAX_PAGE_SIZE = 200;

/** Answers in Backstage's error shape, for statuses the error middleware has no error class for. */
function sendError(
  res: express.Response,
  status: number,
  name: string,
  message: string,
  extra: Record<string, unknown> = {},
) {
  res.status(status).json({
    error: { name, message },
    response: { statusCode: status },
    ...extra,
  });
}

/** The attribute that says who did it, for events a person does. */
const PERSON_ATTRIBUTE: Partial<Record<string, string>> = {
  checklist_item_checked: 'by',
  note_added: 'author',
};

/**
 * A user's ticks and notes are theirs: the "who" of each is the signed-in
 * user, whatever the body says (a pipeline, with a service token, names
 * whom it acts for). Only well-formed events are touched; the rest is left
 * for the intake to refuse.
 */
function stampUser(body: unknown, userEntityRef: string): unknown {
  const stamp = (event: unknown): unknown => {
    if (!event || typeof event !== 'object' || Array.isArray(event)) {
      return event;
    }
    const { type, attributes } = event as {
      type?: unknown;
      attributes?: unknown;
    };
    const field = typeof type === 'string' ? PERSON_ATTRIBUTE[type] : undefined;
    if (
      !field ||
      !attributes ||
      typeof attributes !== 'object' ||
      Array.isArray(attributes)
    ) {
      return event;
    }
    return { ...event, attributes: { ...attributes, [field]: userEntityRef } };
  };
  if (
    body &&
    typeof body === 'object' &&
    Array.isArray((body as { events?: unknown }).events)
  ) {
    return {
      ...body,
      events: (body as { events: unknown[] }).events.map(stamp),
    };
  }
  return stamp(body);
}

/** 415 before the body is read: the ledger only speaks JSON. */
const requireJson: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' && req.method !== 'PUT') return next();
  // An optional body may be left out (clients send Content-Length: 0).
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody) return next();
  const contentType = req.headers['content-type'] ?? 'none';
  if (!req.is('application/json')) {
    return sendError(
      res,
      415,
      'UnsupportedMediaTypeError',
      `Content-Type: must be application/json, got ${contentType}`,
    );
  }
  // JSON is UTF-8 (RFC 8259); the body parser would try utf-16 and answer 400.
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
  if (
    charset !== undefined &&
    !['utf-8', 'utf8'].includes(charset.toLowerCase())
  ) {
    return sendError(
      res,
      415,
      'UnsupportedMediaTypeError',
      `Content-Type: charset must be utf-8, got ${charset}`,
    );
  }
  return next();
};

/** Maps body-parser failures to answers that name the problem. */
const bodyErrors: ErrorRequestHandler = (err, _req, res, next) => {
  if (err?.type === 'entity.too.large') {
    return sendError(
      res,
      413,
      'PayloadTooLargeError',
      `body: must be at most ${err.limit} bytes, got ${err.length}`,
    );
  }
  if (err?.type === 'entity.parse.failed') {
    return sendError(
      res,
      400,
      'InputError',
      `body: is not valid JSON (${err.message})`,
    );
  }
  if (
    err?.type === 'charset.unsupported' ||
    err?.type === 'encoding.unsupported'
  ) {
    return sendError(
      res,
      415,
      'UnsupportedMediaTypeError',
      `Content-Type: ${err.message}`,
    );
  }
  return next(err);
};

function parseJson(limit: string): RequestHandler {
  const parser = express.json({ limit });
  return (req, res, next) =>
    parser(req, res, err => (err ? bodyErrors(err, req, res, next) : next()));
}

/**
 * Refuses, on every route and before any handler runs, what no route can
 * use and some would choke on: NUL characters (PostgreSQL text cannot hold
 * them) in query values and bodies, non-finite numbers and deep nesting in
 * bodies (recursive code would overflow its stack).
 */
const refuseUnstorableInput: RequestHandler = (req, res, next) => {
  const problem =
    findJsonProblem(req.query, '', MAX_BODY_DEPTH) ??
    (req.body === undefined
      ? undefined
      : findJsonProblem(req.body, '', MAX_BODY_DEPTH));
  if (problem) {
    return sendError(
      res,
      400,
      'InputError',
      `${problem.field}: ${problem.message}`,
    );
  }
  return next();
};

/** Path values: a release id the contract would refuse names no release. */
function checkReleaseIdParam(
  _req: express.Request,
  _res: express.Response,
  next: express.NextFunction,
  value: string,
) {
  if (value.includes('\u0000')) {
    return next(new InputError(`releaseId: ${NUL_MESSAGE}`));
  }
  if (value.length > 200 || !RELEASE_ID_PATTERN.test(value)) {
    return next(new InputError(`releaseId: ${RELEASE_ID_HINT}`));
  }
  return next();
}

/** A week is named by its Monday (UTC), `YYYY-MM-DD`. */
function parseWeek(raw: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(raw)
    ? Date.parse(`${raw}T00:00:00Z`)
    : NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== raw) {
    throw new InputError(
      `week: must be a date like 2026-11-23, got '${raw.slice(0, 50)}'`,
    );
  }
  if (utcWeekStart(ms) !== ms) {
    const monday = new Date(utcWeekStart(ms)).toISOString().slice(0, 10);
    throw new InputError(
      `week: must be a Monday (the week of ${raw} starts ${monday})`,
    );
  }
  return raw;
}

/** A query parameter that must be one of `allowed`, if given. */
function oneOf<T extends string>(
  query: Record<string, unknown>,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = queryString(query[name], name);
  if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
    throw new InputError(`${name}: must be one of ${allowed.join(', ')}`);
  }
  return value as T | undefined;
}

function queryString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new InputError(`${name}: must be given once`);
  return value;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { store, intake, metrics, metricsStore, httpAuth, permissions } =
    options;

  const router = createValidatedOpenApiRouter(spec as any, {
    middleware: [
      requireJson,
      parseJson(options.maxBodySize),
      refuseUnstorableInput,
    ],
  }) as unknown as express.Router;
  router.param('releaseId', checkReleaseIdParam);

  const auth = new RouteAuthorization({ httpAuth, permissions });
  const authorizeRead = (req: express.Request) =>
    auth.require(req, releaseLedgerReadPermission, 'reading releases');

  /** Called by the intake once the events are valid, before it stores any. */
  const authorizeUserEvents =
    (credentials: BackstageCredentials) =>
    async (entityRefs: Array<string | undefined>) => {
      if (entityRefs.includes(undefined)) {
        throw new NotAllowedError(
          'writing an incident without releaseId or entityRef needs a service token; a user must name the entity, so that release-ledger.event.create can be checked on it',
        );
      }
      const denied = await auth.deniedEventWrites(
        credentials,
        entityRefs as string[],
      );
      if (denied.length > 0) {
        const shown = denied.slice(0, 5).join(', ');
        const more =
          denied.length > 5 ? ` (and ${denied.length - 5} more)` : '';
        throw new NotAllowedError(
          `writing events needs a service token or the permission release-ledger.event.create on ${shown}${more}; nothing was stored`,
        );
      }
    };

  router.post('/events', async (req, res) => {
    const credentials = await auth.caller(req);
    // Pipelines (service principals) may always write; a user needs the
    // permission on the entity of every event, or nothing is stored.
    const outcome = await intake.ingest(
      credentials.principal.type === 'user'
        ? stampUser(req.body, credentials.principal.userEntityRef)
        : req.body,
      credentials.principal.type === 'user'
        ? { authorize: authorizeUserEvents(credentials) }
        : {},
    );
    if (!outcome.ok) {
      const shown = outcome.issues
        .slice(0, 20)
        .map(i => `${i.field}: ${i.message}`);
      const more =
        outcome.issues.length > 20
          ? ` (and ${outcome.issues.length - 20} more)`
          : '';
      return sendError(
        res,
        outcome.status,
        outcome.status === 409 ? 'ConflictError' : 'InputError',
        `${shown.join('; ')}${more}`,
        { issues: outcome.issues },
      );
    }
    return res.status(201).json({ results: outcome.results });
  });

  router.get('/releases', async (req, res) => {
    await authorizeRead(req);
    const q = req.query;
    const limitRaw = queryString(q.limit, 'limit');
    const limit = limitRaw === undefined ? DEFAULT_PAGE_SIZE : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new InputError(
        `limit: must be an integer from 1 to ${MAX_PAGE_SIZE}`,
      );
    }
    const status = oneOf(q, 'status', RELEASE_STATUSES);
    const outcome = oneOf(q, 'outcome', RELEASE_OUTCOMES);
    const ref = (name: string, defaultKind: string) => {
      const raw = queryString(q[name], name);
      if (raw === undefined) return undefined;
      const normalised = normaliseEntityRef(
        raw.includes(':') ? raw : `${defaultKind}:${raw}`,
      );
      if (!normalised)
        throw new InputError(`${name}: '${raw}' is not an entity ref`);
      return normalised;
    };
    const time = (name: string) => {
      const raw = queryString(q[name], name);
      if (raw === undefined) return undefined;
      const t = normaliseTime(raw);
      if (!t) throw new InputError(`${name}: must be an ISO 8601 date-time`);
      return t;
    };
    const page = await store.listReleases({
      entityRef: ref('entityRef', 'component'),
      ownerRef: ref('owner', 'group'),
      status,
      outcome,
      from: time('from'),
      to: time('to'),
      limit,
      cursor: queryString(q.cursor, 'cursor'),
    });
    res.json(page);
  });

  router.get('/releases/:releaseId', async (req, res) => {
    await authorizeRead(req);
    const [release, footprint] = await Promise.all([
      store.getRelease(req.params.releaseId),
      metrics.getReleaseFootprint(req.params.releaseId),
    ]);
    if (!release) {
      throw new NotFoundError(`release ${req.params.releaseId} not found`);
    }
    res.json(footprint ? { ...release, footprint } : release);
  });

  router.get('/releases/:releaseId/comms', async (req, res) => {
    await authorizeRead(req);
    const comms = await options.comms.releaseComms(req.params.releaseId);
    if (!comms) {
      throw new NotFoundError(`release ${req.params.releaseId} not found`);
    }
    res.json(comms);
  });

  router.post('/releases/:releaseId/gates/evaluate', async (req, res) => {
    // Its verdict becomes ledger events, so it is authorized like writing
    // them: pipelines may; a user needs the permission on the release's entity.
    const credentials = await auth.caller(req);
    if (credentials.principal.type === 'user') {
      const { releaseId } = req.params;
      const entityRef = (await store.getReleaseEntities([releaseId])).get(
        releaseId,
      );
      if (!entityRef) throw new NotFoundError(`release ${releaseId} not found`);
      if ((await auth.deniedEventWrites(credentials, [entityRef])).length) {
        throw new NotAllowedError(
          'evaluating gates needs a service token or the permission release-ledger.event.create',
        );
      }
    }
    const started = await options.gates.startEvaluation(
      req.params.releaseId,
      req.body,
    );
    res.status(202).json(started);
  });

  router.get('/releases/:releaseId/checklist', async (req, res) => {
    await authorizeRead(req);
    const checklist = await options.checklists.get(req.params.releaseId);
    if (!checklist) {
      throw new NotFoundError(
        `release ${req.params.releaseId} has no checklist: it is unknown or has not started`,
      );
    }
    res.json(checklist);
  });

  router.get('/checklists/skipped', async (req, res) => {
    const entityRef = normaliseEntityRef(String(req.query.entityRef));
    if (!entityRef) {
      throw new InputError(
        `entityRef: '${String(req.query.entityRef).slice(
          0,
          100,
        )}' is not an entity ref like component:default/payments-api`,
      );
    }
    await authorizeRead(req);
    const releases = req.query.releases
      ? Number(req.query.releases)
      : DEFAULT_SKIPPED_RELEASES;
    res.json(await options.checklists.skippedItems(entityRef, releases));
  });

  router.get('/releases/:releaseId/notes', async (req, res) => {
    await authorizeRead(req);
    const { releaseId } = req.params;
    const unknown = () =>
      new NotFoundError(`release ${releaseId} is not in the ledger`);
    if (req.query.format === 'markdown') {
      const markdown = await options.notes.markdown(releaseId);
      if (markdown === undefined) throw unknown();
      // A download named after the release (only safe characters in the name).
      const file = `${releaseId.replace(/[^A-Za-z0-9._-]+/g, '-')}-notes.md`;
      res.type('text/markdown; charset=utf-8').attachment(file).send(markdown);
      return;
    }
    const notes = await options.notes.get(releaseId);
    if (!notes) throw unknown();
    res.json(notes);
  });

  router.get('/releases/:releaseId/gates', async (req, res) => {
    await authorizeRead(req);
    const { releaseId } = req.params;
    const gates = await options.gates.evaluations(releaseId);
    // Promotable: the gates passed and the checklist holds nothing.
    const answer: ReleaseGates = {
      ...gates,
      promotion: decidePromotion(
        gates.evaluations,
        await options.checklists.get(releaseId),
      ),
    };
    res.json(answer);
  });

  router.post('/releases/:releaseId/gates/replay', async (req, res) => {
    await auth.require(
      req,
      releaseLedgerGateReplayPermission,
      'replaying gates',
    );
    // A replay can take seconds of Prometheus queries: stop it when the
    // caller hangs up instead of finishing work nobody will read.
    const hangUp = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) hangUp.abort();
    });
    res.json(
      await options.gates.replay(req.params.releaseId, req.body, {
        signal: hangUp.signal,
      }),
    );
  });

  router.get('/ledger/status', async (req, res) => {
    await authorizeRead(req);
    res.json(await options.ledgerStatus());
  });

  router.get('/comms/status', async (req, res) => {
    await authorizeRead(req);
    res.json(await options.comms.status());
  });

  router.post('/comms/requeue', async (req, res) => {
    await auth.require(
      req,
      releaseLedgerCommsManagePermission,
      'requeueing messages',
    );
    const releaseId = (req.body as { releaseId?: string }).releaseId;
    res.json({ requeued: await options.comms.requeueParked(releaseId) });
  });

  router.get('/metrics', async (req, res) => {
    await authorizeRead(req);
    const q = req.query;
    res.json(
      await metrics.getMetrics({
        scope: queryString(q.scope, 'scope'),
        ref: queryString(q.ref, 'ref'),
        window: queryString(q.window, 'window'),
        bandSet: queryString(q.bandSet, 'bandSet'),
      }),
    );
  });

  router.get('/notes/:week', async (req, res) => {
    await authorizeRead(req);
    const week = parseWeek(req.params.week);
    const note = await metricsStore.getWeeklyNote(week);
    if (!note) throw new NotFoundError(`no note for the week of ${week}`);
    res.json(note);
  });

  router.put('/notes/:week', async (req, res) => {
    const credentials = await auth.requireUser(
      req,
      releaseLedgerNoteUpdatePermission,
      'writing the weekly note',
    );
    const week = parseWeek(req.params.week);
    const text = (req.body as { text?: unknown })?.text;
    if (typeof text !== 'string' || text.trim().length === 0) {
      throw new InputError('text: must be a non-empty string');
    }
    if (text.length > MAX_NOTE_LENGTH) {
      throw new InputError(
        `text: must be at most ${MAX_NOTE_LENGTH} characters, got ${text.length}`,
      );
    }
    res.json(
      await metricsStore.putWeeklyNote({
        week,
        text,
        author: credentials.principal.userEntityRef,
        updatedAt: new Date().toISOString(),
      }),
    );
  });

  router.use(answerOutagesWith503(options.logger));
  return router;
}
