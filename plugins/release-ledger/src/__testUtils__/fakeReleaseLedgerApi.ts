import { ResponseError } from '@backstage/errors';
import type {
  ChecklistItem,
  ReleaseChecklist,
  CommsStatus,
  LedgerStatus,
  MetricsResponse,
  Release,
  ReleaseComms,
  ReleaseEvent,
  ReleaseNotes,
  ReleasePage,
  ReleaseWithEvents,
  SkippedChecklistItems,
  WeeklyNote,
} from '@release-ledger/plugin-release-ledger-common';
import { decidePromotion } from '@release-ledger/plugin-release-ledger-common';
import type {
  GateEvaluation,
  GateReplay,
  GetMetricsRequest,
  ListReleasesFilter,
  ReleaseGates,
  ReleaseLedgerApi,
  ReleaseNotesMarkdown,
  ReplayGateRequest,
} from '../api';
import { makeMetricsResponse } from './metricsFixtures';

/** A release with sensible defaults; override what a test cares about. */
export function makeRelease(overrides: Partial<Release> = {}): Release {
  return {
    releaseId: 'payments-api@1.0.0',
    entityRef: 'component:default/payments-api',
    ownerRef: 'group:default/team-payments',
    status: 'finished',
    outcome: 'promoted',
    environment: 'production',
    version: '1.0.0',
    commit: '0123456789abcdef0123456789abcdef01234567',
    startedAt: '2026-11-20T10:00:00.000Z',
    promotedAt: '2026-11-20T10:20:00.000Z',
    finishedAt: '2026-11-20T10:42:00.000Z',
    firstEventAt: '2026-11-20T09:00:00.000Z',
    lastEventAt: '2026-11-20T10:42:00.000Z',
    changes: [],
    incidents: [],
    flagToggles: [],
    anomalies: [],
    eventCount: 0,
    ...overrides,
  };
}

/** Notes with nothing in them; override what a test cares about. */
export function makeReleaseNotes(
  overrides: Partial<ReleaseNotes> = {},
): ReleaseNotes {
  return {
    releaseId: 'payments-api@1.0.0',
    sections: [],
    nonConventional: [],
    counts: { commits: 0, conventional: 0, nonConventional: 0, breaking: 0 },
    nonConventionalShare: 0,
    maxNonConventionalShare: 0.25,
    flagged: false,
    ...overrides,
  };
}

let eventSeq = 0;

/** An event with sensible defaults. */
export function makeEvent(
  type: ReleaseEvent['type'],
  attributes: Record<string, unknown> = {},
  overrides: Partial<ReleaseEvent> = {},
): ReleaseEvent {
  eventSeq += 1;
  return {
    eventId: `evt-${eventSeq}`,
    type,
    releaseId: 'payments-api@1.0.0',
    timestamp: '2026-11-20T10:00:00.000Z',
    environment: 'production',
    attributes,
    ...overrides,
  } as ReleaseEvent;
}

/** A JSON response in the backend's error shape. */
export function errorResponse(
  status: number,
  name: string,
  message: string,
): Response {
  const body = { error: { name, message }, response: { statusCode: status } };
  return new Response(JSON.stringify(body), {
    status,
    statusText: status === 404 ? 'Not Found' : 'Error',
    headers: { 'Content-Type': 'application/json' },
  });
}

/** The `ResponseError` the real client throws for such a response. */
export function responseError(
  status: number,
  name: string,
  message: string,
): Promise<ResponseError> {
  return ResponseError.fromResponse(errorResponse(status, name, message));
}

/** The queue status of a backend that has caught up; override what a test cares about. */
export function makeLedgerStatus(
  overrides: Partial<LedgerStatus['projections']> = {},
): LedgerStatus {
  return {
    projections: {
      pendingSubjects: 0,
      pendingEvents: 0,
      retrying: 0,
      lagMs: 0,
      projectors: [
        { id: 'metrics', mode: 'deferred' },
        { id: 'comms', mode: 'deferred' },
      ],
      ...overrides,
    },
  };
}

/**
 * An in-memory `ReleaseLedgerApi`: newest first, cursor = offset, the way the
 * backend pages. Metrics answer with `metrics` (a response or a function of
 * the request); notes live in `notes`, keyed by week; Slack threads in
 * `comms`, keyed by release id (a known release without one has an empty
 * thread, as if Slack were not configured). Gate evaluations live in `gates`,
 * keyed by release id; a replay answers `replay` (a result or a function of
 * the request), else the release's evaluation of the requested gate as if
 * replayed. The status endpoints answer `ledgerStatus` and `commsStatus`
 * (caught up, Slack not configured, until a test sets them).
 */
export class FakeReleaseLedgerApi implements ReleaseLedgerApi {
  readonly listCalls: ListReleasesFilter[] = [];
  readonly getCalls: string[] = [];
  readonly metricsCalls: GetMetricsRequest[] = [];
  readonly noteCalls: string[] = [];
  readonly savedNotes: Array<{ week: string; text: string }> = [];
  readonly notes = new Map<string, WeeklyNote>();
  readonly commsCalls: string[] = [];
  readonly requeueCalls: string[] = [];
  readonly comms = new Map<string, ReleaseComms>();
  readonly gatesCalls: string[] = [];
  readonly replayCalls: Array<{
    releaseId: string;
    request: ReplayGateRequest;
  }> = [];
  readonly gates = new Map<string, GateEvaluation[]>();
  gatesError?: Error;
  replayError?: Error;
  ledgerStatus: LedgerStatus = makeLedgerStatus();
  ledgerStatusError?: Error;
  ledgerStatusCalls = 0;
  commsStatus: CommsStatus = {
    delivery: { mode: 'not_configured', problems: [] },
    counts: { pending: 0, delivered: 0, parked: 0, not_delivered: 0 },
  };
  commsStatusError?: Error;
  commsStatusCalls = 0;
  replay?:
    | GateReplay
    | ((releaseId: string, request: ReplayGateRequest) => GateReplay);
  listError?: Error;
  commsError?: Error;
  requeueError?: Error;
  metricsError?: Error;
  saveNoteError?: Error;
  metrics: MetricsResponse | ((request: GetMetricsRequest) => MetricsResponse) =
    request =>
      makeMetricsResponse({
        scope: request.scope,
        ref: request.ref,
        window: request.window ?? '30d',
      });
  /** Who `saveWeeklyNote` records as the author. */
  noteAuthor = 'user:default/amara';
  private readonly releases: ReleaseWithEvents[];

  constructor(
    releases: Array<Release & { events?: ReleaseEvent[] }> = [],
    private readonly pageSize = 20,
  ) {
    // Copies, so that ticks added to a release leave the test's fixture alone.
    this.releases = releases.map(r => ({
      ...r,
      events: [...(r.events ?? [])],
    }));
  }

  async listReleases(filter: ListReleasesFilter = {}): Promise<ReleasePage> {
    this.listCalls.push(filter);
    if (this.listError) {
      throw this.listError;
    }
    const matching = this.releases
      .filter(r => !filter.entityRef || r.entityRef === filter.entityRef)
      .filter(r => !filter.owner || r.ownerRef === filter.owner)
      .filter(r => !filter.status || r.status === filter.status)
      .filter(r => !filter.outcome || r.outcome === filter.outcome)
      .sort((a, b) =>
        (b.startedAt ?? b.firstEventAt).localeCompare(
          a.startedAt ?? a.firstEventAt,
        ),
      );
    const offset = filter.cursor ? Number(filter.cursor) : 0;
    const limit = filter.limit ?? this.pageSize;
    const items = matching
      .slice(offset, offset + limit)
      .map(({ events: _events, ...release }) => release);
    const next = offset + limit;
    return {
      items,
      ...(next < matching.length ? { nextCursor: String(next) } : {}),
    };
  }

  async getRelease(releaseId: string): Promise<ReleaseWithEvents> {
    this.getCalls.push(releaseId);
    const release = this.releases.find(r => r.releaseId === releaseId);
    if (!release) {
      throw await responseError(
        404,
        'NotFoundError',
        `release ${releaseId} not found`,
      );
    }
    // A fresh answer each time, as over the network.
    return { ...release, events: [...release.events] };
  }

  async getMetrics(request: GetMetricsRequest): Promise<MetricsResponse> {
    this.metricsCalls.push(request);
    if (this.metricsError) {
      throw this.metricsError;
    }
    return typeof this.metrics === 'function'
      ? this.metrics(request)
      : this.metrics;
  }

  async getWeeklyNote(week: string): Promise<WeeklyNote | undefined> {
    this.noteCalls.push(week);
    return this.notes.get(week);
  }

  async saveWeeklyNote(week: string, text: string): Promise<WeeklyNote> {
    this.savedNotes.push({ week, text });
    if (this.saveNoteError) {
      throw this.saveNoteError;
    }
    const note: WeeklyNote = {
      week,
      text,
      author: this.noteAuthor,
      updatedAt: new Date().toISOString(),
    };
    this.notes.set(week, note);
    return note;
  }

  async getReleaseComms(releaseId: string): Promise<ReleaseComms> {
    this.commsCalls.push(releaseId);
    if (this.commsError) {
      throw this.commsError;
    }
    const comms = this.comms.get(releaseId);
    if (comms) {
      return comms;
    }
    if (!this.releases.some(r => r.releaseId === releaseId)) {
      throw await responseError(
        404,
        'NotFoundError',
        `release ${releaseId} not found`,
      );
    }
    return {
      releaseId,
      delivery: { mode: 'not_configured', problems: [] },
      messages: [],
    };
  }

  /** Like the backend: parked messages go back to pending, their error cleared. */
  async requeueParked(releaseId: string): Promise<{ requeued: number }> {
    this.requeueCalls.push(releaseId);
    if (this.requeueError) {
      throw this.requeueError;
    }
    const comms = this.comms.get(releaseId);
    if (!comms) {
      return { requeued: 0 };
    }
    let requeued = 0;
    const messages = comms.messages.map(message => {
      if (message.state !== 'parked') {
        return message;
      }
      requeued += 1;
      return { ...message, state: 'pending' as const, lastError: undefined };
    });
    this.comms.set(releaseId, { ...comms, messages });
    return { requeued };
  }

  async getCommsStatus(): Promise<CommsStatus> {
    this.commsStatusCalls += 1;
    if (this.commsStatusError) {
      throw this.commsStatusError;
    }
    return this.commsStatus;
  }

  async getLedgerStatus(): Promise<LedgerStatus> {
    this.ledgerStatusCalls += 1;
    if (this.ledgerStatusError) {
      throw this.ledgerStatusError;
    }
    return this.ledgerStatus;
  }

  async getReleaseGates(releaseId: string): Promise<ReleaseGates> {
    this.gatesCalls.push(releaseId);
    if (this.gatesError) {
      throw this.gatesError;
    }
    if (!this.releases.some(r => r.releaseId === releaseId)) {
      throw await responseError(
        404,
        'NotFoundError',
        `release ${releaseId} not found`,
      );
    }
    const evaluations = this.gates.get(releaseId) ?? [];
    return {
      releaseId,
      evaluations,
      promotion: decidePromotion(evaluations, this.checklists.get(releaseId)),
    };
  }

  /** By release id; a release without one answers undefined. */
  checklists = new Map<string, ReleaseChecklist>();
  checks: Array<{ releaseId: string; itemId: string; checked: boolean }> = [];
  checkError?: Error;

  async getReleaseChecklist(
    releaseId: string,
  ): Promise<ReleaseChecklist | undefined> {
    return this.checklists.get(releaseId);
  }

  async checkChecklistItem(
    releaseId: string,
    item: { id: string; text: string },
    checked: boolean,
  ): Promise<void> {
    if (this.checkError) throw this.checkError;
    this.checks.push({ releaseId, itemId: item.id, checked });
    // As the backend does: the tick is an event of the release, as the user's.
    const release = this.releases.find(r => r.releaseId === releaseId);
    release?.events.push(
      makeEvent(
        'checklist_item_checked',
        {
          item: item.text,
          itemId: item.id,
          checked,
          by: 'user:default/guest',
        },
        { releaseId, timestamp: '2026-12-03T12:00:00.000Z' },
      ),
    );
    // And the checklist shows it in its next answer.
    const current = this.checklists.get(releaseId);
    if (!current?.checklist) return;
    const sections = current.checklist.sections.map(section => ({
      ...section,
      items: section.items.map((i): ChecklistItem => {
        if (i.id !== item.id) return i;
        const { checked: _old, ...rest } = i;
        return checked
          ? {
              ...rest,
              checked: {
                by: 'user:default/guest',
                at: '2026-12-03T12:00:00.000Z',
                eventId: `evt-check-${this.checks.length}`,
              },
            }
          : rest;
      }),
    }));
    const openRequired = sections
      .filter(s => s.phase === 'pre')
      .flatMap(s => s.items)
      .filter(i => i.required && !i.checked)
      .map(i => i.id);
    this.checklists.set(releaseId, {
      ...current,
      checklist: { ...current.checklist, sections },
      openRequired,
    });
  }

  /** By release id; a known release without any has empty notes. */
  readonly releaseNotes = new Map<string, ReleaseNotes>();
  readonly notesCalls: string[] = [];
  readonly markdownCalls: string[] = [];
  notesError?: Error;

  async getReleaseNotes(releaseId: string): Promise<ReleaseNotes> {
    this.notesCalls.push(releaseId);
    return this.notesOf(releaseId);
  }

  private async notesOf(releaseId: string): Promise<ReleaseNotes> {
    if (this.notesError) throw this.notesError;
    const notes = this.releaseNotes.get(releaseId);
    if (notes) return notes;
    if (!this.releases.some(r => r.releaseId === releaseId)) {
      throw await responseError(
        404,
        'NotFoundError',
        `release ${releaseId} is not in the ledger`,
      );
    }
    return makeReleaseNotes({ releaseId });
  }

  /** A plain rendering of the notes: a heading per section, a line per entry. */
  async getReleaseNotesMarkdown(
    releaseId: string,
  ): Promise<ReleaseNotesMarkdown> {
    this.markdownCalls.push(releaseId);
    const notes = await this.notesOf(releaseId);
    const sections = notes.sections.map(
      section =>
        `### ${section.title}\n\n${section.entries
          .map(e => `* ${e.scope ? `**${e.scope}:** ` : ''}${e.subject}\n`)
          .join('')}`,
    );
    return {
      fileName: `${releaseId.replace(/[^A-Za-z0-9._-]+/g, '-')}-notes.md`,
      markdown: [`## ${releaseId}\n`, ...sections].join('\n'),
    };
  }

  /**
   * What `getSkippedChecklistItems` answers: an answer, or a function of the
   * request; by default, no finished release with a checklist.
   */
  skippedChecklistItems:
    | SkippedChecklistItems
    | ((entityRef: string, releases?: number) => SkippedChecklistItems) =
    entityRef => ({ entityRef, releases: 0, items: [] });
  readonly skippedCalls: Array<{ entityRef: string; releases?: number }> = [];
  skippedError?: Error;

  async getSkippedChecklistItems(
    entityRef: string,
    releases?: number,
  ): Promise<SkippedChecklistItems> {
    this.skippedCalls.push({ entityRef, releases });
    if (this.skippedError) throw this.skippedError;
    return typeof this.skippedChecklistItems === 'function'
      ? this.skippedChecklistItems(entityRef, releases)
      : this.skippedChecklistItems;
  }

  async replayGate(
    releaseId: string,
    request: ReplayGateRequest = {},
  ): Promise<GateReplay> {
    this.replayCalls.push({ releaseId, request });
    if (this.replayError) {
      throw this.replayError;
    }
    if (this.replay) {
      return typeof this.replay === 'function'
        ? this.replay(releaseId, request)
        : this.replay;
    }
    const evaluations = this.gates.get(releaseId) ?? [];
    const evaluation = request.gate
      ? evaluations.find(e => e.gate === request.gate)
      : evaluations[0];
    if (!evaluation) {
      throw await responseError(
        400,
        'InputError',
        `gate: no gate set '${request.gate ?? 'default'}' is configured`,
      );
    }
    const {
      id: _id,
      entityRef: _entityRef,
      version: _version,
      environment: _environment,
      startedAt,
      finishedAt,
      nextDueAt: _nextDueAt,
      ...verdict
    } = evaluation;
    return {
      ...verdict,
      releaseId,
      replay: true,
      complete: verdict.state !== 'running',
      window: {
        start: startedAt,
        end: finishedAt ?? new Date().toISOString(),
        ongoing: !finishedAt,
      },
    };
  }
}
