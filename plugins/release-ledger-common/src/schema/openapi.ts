/*
 * Generated from plugins/release-ledger-backend/src/schema/openapi.yaml by
 * plugins/release-ledger-backend/scripts/generate-openapi.js (openapi-typescript).
 * Do not edit: change the YAML and run `yarn openapi:generate` in
 * plugins/release-ledger-backend.
 */
/* eslint-disable */

/**
 * Every path of the Release Ledger API and its operations.
 *
 * @public
 */
export interface paths {
  '/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Record one event, or a batch of up to 1000.
     * @description Events are validated against the contract (type, releaseId, timestamp,
     *     entityRef known to the catalog, type-specific attributes). A batch with
     *     any invalid event stores nothing and reports every bad index. The same
     *     eventId twice is stored once; when eventId is absent it is derived from
     *     the content so a blind retry is still a duplicate.
     */
    post: operations['PostEvents'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/releases': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Releases, newest first, with cursor pagination. */
    get: operations['ListReleases'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/releases/{releaseId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One release with its events in time order. */
    get: operations['GetRelease'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/releases/{releaseId}/comms': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The release's Slack thread as the outbox holds it, each message with its delivery state. */
    get: operations['GetReleaseComms'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/releases/{releaseId}/checklist': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The checklist pinned to the release when it started (read from the service's repository).
     * @description When a release starts, its entity's checklist (annotation
     *     `release-ledger/checklist`, default `RELEASE_CHECKLIST.md` beside its
     *     catalog file) is read at the commit `release_started` names, where the
     *     link can be pinned, and kept with the release. `pending` until it is
     *     read; `unavailable` with the reason when there is no usable file.
     *     Items carry their latest tick (`checklist_item_checked` events with
     *     `attributes.itemId`; `checked: false` unticks). 404 for a release
     *     that has not started.
     */
    get: operations['GetReleaseChecklist'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/checklists/skipped': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The checklist items an entity's releases most often finished without ticking.
     * @description Counted over the entity's newest finished releases with a pinned
     *     checklist (`releases`, default 20): per item, how many of them
     *     finished with it unticked. Items never skipped are left out; most
     *     skipped first, required before optional.
     */
    get: operations['GetSkippedChecklistItems'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/releases/{releaseId}/notes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The release's notes, from its commits (Conventional Commits), with commitlint's findings.
     * @description Built from the mainline commits `release_started` lists (or, for a
     *     release that lists none, its merged PRs' titles): grouped into
     *     breaking changes, features, fixes, performance, reverts and other
     *     changes, with PR links; commits that do not follow Conventional
     *     Commits are listed apart and counted, and the notes are flagged when
     *     their share passes `releaseLedger.notes.maxNonConventionalShare`.
     *     `format=markdown` answers a CHANGELOG section as a download.
     */
    get: operations['GetReleaseNotes'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/releases/{releaseId}/gates/evaluate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Start evaluating the release's SLO gate (service token or permission release-ledger.event.create).
     * @description The gate is the one named in the body, else the set named by the
     *     entity's `release-ledger/gates` annotation, else the set named
     *     `default`. Each check is then measured on its interval by the
     *     backend's scheduler; when the gate settles its verdict is written to
     *     the ledger as `gate_evaluated` (plus `gate_failed` when an enforced
     *     gate fails, `canary_passed` when every key check passes). Starting a
     *     gate that is already running for the release answers the running
     *     evaluation (`created: false`). A release already promoted, rolled
     *     back or finished is refused with 409; a running evaluation stops
     *     (inconclusive, recorded as `gate_evaluated`) within one poll of
     *     its release being promoted, rolled back or finished. Each moment is
     *     measured once the provider's ingestion delay has passed.
     */
    post: operations['EvaluateReleaseGate'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/releases/{releaseId}/gates': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The latest evaluation of each of the release's gates, with every measurement and the verdict's reason. */
    get: operations['GetReleaseGates'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/releases/{releaseId}/gates/replay': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Evaluate a gate over the release's past canary window (permission release-ledger.gate.replay).
     * @description Answers the verdict the gate would have reached had it been evaluated
     *     from the release's `canary_started` until it was promoted, rolled back
     *     or finished (or now, for a canary still running), measuring each check
     *     on its interval with range queries. Send a gate name, or a changed
     *     `definition` (the shape of one `releaseLedger.gates.<name>` entry);
     *     with neither, the release's own gate is replayed. Nothing is stored
     *     and no event is emitted.
     */
    post: operations['ReplayReleaseGate'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/ledger/status': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * How far the deferred projections (metrics, Slack messages) are behind the event log.
     * @description Footprints, incident attribution and outbox messages are projected from new events by a queue committed with the events and drained by every instance, usually within a second. A growing lag means the drains are failing (see `retrying` and the backend log) or cannot keep up.
     */
    get: operations['GetLedgerStatus'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/comms/status': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** How messages are delivered and how many are in each state. */
    get: operations['GetCommsStatus'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/comms/requeue': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Puts parked messages (all, or one release's) back in line, after fixing a channel or the token. */
    post: operations['RequeueParkedMessages'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/metrics': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The four DORA figures for an entity, a group (with its child groups) or the org. */
    get: operations['GetMetrics'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/notes/{week}': {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The week's Monday (UTC), YYYY-MM-DD. */
        week: string;
      };
      cookie?: never;
    };
    /** Leadership's human note for one week. */
    get: operations['GetWeeklyNote'];
    /** Write the week's note (permission release-ledger.note.update). */
    put: operations['PutWeeklyNote'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
/**
 * The schemas and shared responses of the Release Ledger API.
 *
 * @public
 */
export interface components {
  schemas: {
    ChecklistItem: {
      /** @description `<phase>.<slug of the text>` */
      id: string;
      text: string;
      required: boolean;
      /** @description 1-based line in the file */
      line: number;
      checked?: components['schemas']['ChecklistTick'];
    };
    /** @description The latest checklist_item_checked event that ticked the item. */
    ChecklistTick: {
      by?: string;
      /** Format: date-time */
      at: string;
      eventId: string;
    };
    ChecklistSection: {
      /** @enum {string} */
      phase: 'pre' | 'during' | 'post';
      title: string;
      ownerRole?: string;
      items: components['schemas']['ChecklistItem'][];
    };
    Checklist: {
      title?: string;
      sections: components['schemas']['ChecklistSection'][];
      warnings: string[];
    };
    ReleaseChecklist: {
      releaseId: string;
      entityRef: string;
      /** @enum {string} */
      state: 'pending' | 'pinned' | 'unavailable';
      /** @description Required pre-release items not ticked (what holds promotion). */
      openRequired: string[];
      commit?: string;
      source?: string;
      contentSha256?: string;
      /** Format: date-time */
      pinnedAt?: string;
      reason?: string;
      checklist?: components['schemas']['Checklist'];
    };
    CommsDelivery: {
      /**
       * @description `slack` when a token is configured and delivery is on.
       * @enum {string}
       */
      mode: 'slack' | 'not_configured';
      /** @description Configuration problems worth a person's attention. */
      problems: string[];
    };
    SlackTextObject: {
      /** @description `mrkdwn` or `plain_text`. */
      type: string;
      text: string;
      emoji?: boolean;
    };
    /** @description A Block Kit block as rendered for Slack (header, section, context or divider). */
    SlackBlock: {
      type: string;
      text?: components['schemas']['SlackTextObject'];
      fields?: components['schemas']['SlackTextObject'][];
      elements?: components['schemas']['SlackTextObject'][];
    };
    SlackMessagePreview: {
      text: string;
      blocks: components['schemas']['SlackBlock'][];
    };
    /** @enum {string} */
    CommsMessageState: 'pending' | 'delivered' | 'parked' | 'not_delivered';
    CommsMessage: {
      id: number;
      /** @description parent (the status card), reply, card (an update of the parent), summary, pm_summary. */
      kind: string;
      state: components['schemas']['CommsMessageState'];
      /** @description Event time that orders it in the thread. */
      orderAt: string;
      attempts: number;
      lastError?: string;
      slackTs?: string;
      deliveredAt?: string;
      /** @description Also shown in the channel (rollbacks, SEV-1/SEV-2 incidents). */
      broadcast: boolean;
      /** @description The message as sent, or as it would be sent; absent if it cannot be rendered. */
      message?: components['schemas']['SlackMessagePreview'];
    };
    ReleaseComms: {
      releaseId: string;
      delivery: components['schemas']['CommsDelivery'];
      /** @description Channel the thread lives in, once routed. */
      channel?: string;
      /** @description The thread's parent ts, once posted. */
      threadTs?: string;
      messages: components['schemas']['CommsMessage'][];
    };
    CommsStatus: {
      delivery: components['schemas']['CommsDelivery'];
      /** @description Outbox messages in each state. */
      counts: {
        pending: number;
        delivered: number;
        parked: number;
        not_delivered: number;
      };
    };
    RequeueResponse: {
      requeued: number;
    };
    LedgerStatus: {
      projections: {
        /** @description Releases and incidents with events not yet projected. */
        pendingSubjects: number;
        pendingEvents: number;
        /** @description Subjects whose last drain failed, retried with backoff. */
        retrying: number;
        /**
         * Format: date-time
         * @description When the oldest pending event was stored; absent when none is pending.
         */
        oldestPendingAt?: string;
        /** @description Age of the oldest pending event in milliseconds (0 when none is pending). */
        lagMs: number;
        /** @description Every projector, in the order it runs: inline ones in the append, then the drains'. */
        projectors: {
          id: string;
          /** @enum {string} */
          mode: 'inline' | 'deferred';
        }[];
      };
    };
    /** @enum {string} */
    GateState: 'running' | 'passed' | 'failed' | 'inconclusive';
    GateValueResult: {
      /** @enum {string} */
      kind: 'value';
      /** @description The number measured; null when it is infinite (JSON has no Infinity), which `valueText` shows as `+Inf` or `-Inf`. */
      value: number | null;
    };
    /** @description The query selected no series (`no-series`), or its only sample was NaN (`nan`). */
    GateNoDataResult: {
      /** @enum {string} */
      kind: 'no-data';
      /** @enum {string} */
      cause?: 'no-series' | 'nan';
    };
    /** @description The provider's own message (Prometheus' parse or execution error, for example). */
    GateErrorResult: {
      /** @enum {string} */
      kind: 'error';
      /** @enum {string} */
      errorType:
        | 'bad_query'
        | 'execution'
        | 'timeout'
        | 'unreachable'
        | 'http'
        | 'invalid_response'
        | 'multiple_series';
      message: string;
      httpStatus?: number;
    };
    GateMeasurement: {
      /** @description 1-based slot, one interval apart */
      seq: number;
      /**
       * Format: date-time
       * @description The time measured.
       */
      at: string;
      /** @description The query (or alert selector) exactly as sent. */
      query: string;
      /** @description What the provider answered. */
      result:
        | components['schemas']['GateValueResult']
        | components['schemas']['GateNoDataResult']
        | components['schemas']['GateErrorResult'];
      /** @description The value as people read it (also `+Inf`, which JSON cannot carry). */
      valueText?: string;
      /** @description Alert checks: the firing alerts. */
      detail?: string;
      /** @enum {string} */
      outcome: 'pass' | 'fail' | 'no-data' | 'error';
    };
    GateCheck: {
      name: string;
      /** @enum {string} */
      kind: 'query' | 'alert';
      key: boolean;
      dryRun: boolean;
      /** @description Query checks: the condition as text, e.g. `< 0.01`. */
      condition?: string;
      /** @description Query checks: the template. */
      query?: string;
      /** @description Alert checks: the label matchers as configured. */
      labels?: {
        [key: string]: string;
      };
      interval: string;
      count: number;
      failureLimit: number;
      consecutiveSuccesses: number;
      errorLimit: number;
      /** @enum {string} */
      noDataPolicy: 'fail' | 'pass' | 'inconclusive';
      state: components['schemas']['GateState'];
      reason: string;
      taken: number;
      passes: number;
      failures: number;
      errors: number;
      noData: number;
      measurements: components['schemas']['GateMeasurement'][];
    };
    GateVerdict: {
      gate: string;
      provider: string;
      state: components['schemas']['GateState'];
      /** @description What a pipeline acts on; a dry-run gate is always passed here. */
      enforced: components['schemas']['GateState'];
      dryRun: boolean;
      reason: string;
      checks: components['schemas']['GateCheck'][];
    };
    GateEvaluation: components['schemas']['GateVerdict'] & {
      id: string;
      releaseId: string;
      entityRef: string;
      version?: string;
      environment: string;
      /** Format: date-time */
      startedAt: string;
      /** Format: date-time */
      nextDueAt?: string;
      /** Format: date-time */
      finishedAt?: string;
    };
    ReleaseGates: {
      releaseId: string;
      evaluations: components['schemas']['GateEvaluation'][];
      promotion: components['schemas']['PromotionDecision'];
    };
    /** @description Whether the release may be promoted now: each gate's newest evaluation passed (what it enforces: a dry-run gate passes) and no required pre-release checklist item is open. */
    PromotionDecision: {
      promotable: boolean;
      /**
       * @description The gates' combined verdict; inconclusive when none was evaluated.
       * @enum {string}
       */
      gate: 'running' | 'passed' | 'failed' | 'inconclusive';
      /** @description Required pre-release items not ticked; each holds the release. */
      openChecklistItems: {
        id: string;
        text: string;
      }[];
      /** @description Why the checklist was not checked (not read yet, or unavailable); it then holds nothing. */
      checklistNote?: string;
    };
    GateEvaluationStarted: {
      created: boolean;
      evaluation: components['schemas']['GateEvaluation'];
    };
    CanaryWindow: {
      /** Format: date-time */
      start: string;
      /** Format: date-time */
      end: string;
      ongoing: boolean;
    };
    GateReplay: components['schemas']['GateVerdict'] & {
      releaseId: string;
      /** @enum {boolean} */
      replay: true;
      /** @description False when the window ended before the gate decided (the verdict is then inconclusive). */
      complete: boolean;
      window: components['schemas']['CanaryWindow'];
    };
    Error: {
      error: {
        name: string;
        message: string;
      };
    };
    /** @enum {string} */
    EventType:
      | 'pr_merged'
      | 'release_started'
      | 'canary_started'
      | 'canary_passed'
      | 'gate_evaluated'
      | 'gate_failed'
      | 'promoted'
      | 'rolled_back'
      | 'release_finished'
      | 'incident_started'
      | 'incident_resolved'
      | 'slo_restored'
      | 'flag_toggled'
      | 'checklist_item_checked'
      | 'note_added';
    /**
     * @description One event. Field-level rules (types, formats, type-specific attributes)
     *     are enforced by the ledger's event contract, which reports every
     *     problem by field name; the schema here documents the shape.
     */
    EventInput: {
      /** @description Idempotency key; derived from content when absent. */
      eventId?: string;
      /** @description One of EventType. */
      type: string;
      /**
       * @description Required, except on incident_started (with an entityRef) and incident_resolved; such incidents are attributed by the ledger.
       * @example payments@2026.11.27.142
       */
      releaseId?: string;
      /**
       * @description Required on the first event of a release.
       * @example component:default/payments
       */
      entityRef?: string;
      /** @description ISO 8601 with time zone; default now. */
      timestamp?: string;
      /** @default production */
      environment?: string;
      version?: string;
      commit?: string;
      attributes?: Record<string, unknown>;
    };
    EventBatch: {
      events: Record<string, unknown>[];
    };
    IngestResult: {
      index: number;
      eventId: string;
      /** @description Absent for incidents sent without a release. */
      releaseId?: string;
      /** @enum {string} */
      status: 'created' | 'duplicate';
    };
    Event: {
      eventId: string;
      type: components['schemas']['EventType'];
      releaseId: string;
      entityRef?: string;
      /** Format: date-time */
      timestamp: string;
      environment: string;
      version?: string;
      commit?: string;
      attributes: Record<string, unknown>;
      /** Format: date-time */
      receivedAt?: string;
    };
    IngestResponse: {
      /** @description Per-event results in input order. */
      results: components['schemas']['IngestResult'][];
    };
    /** @enum {string} */
    IncidentSeverity: 'SEV-1' | 'SEV-2' | 'SEV-3' | 'SEV-4';
    /** @description A change shipped by the release: a merged PR (pr_merged), or a mainline commit the release listed that no pr_merged describes. */
    ReleaseChange: {
      /** @description Absent for a commit that names no PR. */
      prNumber?: number;
      title: string;
      author?: string;
      /**
       * Format: date-time
       * @description When it reached the mainline (the PR's merge, or the commit's time).
       */
      mergedAt: string;
      commit?: string;
      url?: string;
      customerVisible?: boolean;
      /** @enum {string} */
      source?: 'pr_merged' | 'commit';
      /** @description Required PR template fields missing from the body sent with pr_merged. */
      missingFields?: {
        field: string;
        label: string;
        problem: string;
      }[];
    };
    SkippedChecklistItems: {
      entityRef: string;
      /** @description Finished releases with a pinned checklist that were looked at. */
      releases: number;
      items: {
        id: string;
        text: string;
        /** @enum {string} */
        phase: 'pre' | 'during' | 'post';
        required: boolean;
        /** @description Releases that finished with the item unticked. */
        skipped: number;
        /** @description Finished releases whose checklist had the item. */
        of: number;
      }[];
    };
    /** @description What a commitlint rule found wrong with a commit message. */
    CommitLintFinding: {
      /** @enum {string} */
      level: 'error' | 'warning';
      rule: string;
      message: string;
    };
    ReleaseNoteRevert: {
      sha?: string;
      header?: string;
      /** @description The reverted commit is in the same release, so it is left out of the other sections. */
      inRelease: boolean;
    };
    /** @description One commit of a release, as its notes show it. */
    ReleaseNoteEntry: {
      sha: string;
      type?: string;
      scope?: string;
      subject: string;
      breaking: boolean;
      breakingNote?: string;
      prNumber?: number;
      url?: string;
      author?: string;
      reverts?: components['schemas']['ReleaseNoteRevert'];
      findings: components['schemas']['CommitLintFinding'][];
    };
    ReleaseNoteSection: {
      /** @enum {string} */
      kind:
        | 'breaking'
        | 'features'
        | 'fixes'
        | 'performance'
        | 'reverts'
        | 'others';
      title: string;
      entries: components['schemas']['ReleaseNoteEntry'][];
    };
    ReleaseNotes: {
      releaseId: string;
      sections: components['schemas']['ReleaseNoteSection'][];
      nonConventional: components['schemas']['ReleaseNoteEntry'][];
      counts: {
        commits: number;
        conventional: number;
        nonConventional: number;
        breaking: number;
      };
      nonConventionalShare: number;
      maxNonConventionalShare: number;
      flagged: boolean;
      truncated?: {
        sent: number;
        total: number;
      };
    };
    /** @description An incident attached to the release. */
    ReleaseIncident: {
      incidentId: string;
      severity: components['schemas']['IncidentSeverity'];
      title?: string;
      /** Format: date-time */
      startedAt: string;
      /** Format: date-time */
      resolvedAt?: string;
    };
    /** @description A feature flag change made during the release; values are strings, numbers, booleans or null. */
    ReleaseFlagToggle: {
      flag: string;
      from?: unknown;
      to: unknown;
      /** Format: date-time */
      at: string;
    };
    /** @description An impossible sequence found in the release's events; kept, not dropped. */
    ReleaseAnomaly: {
      eventId: string;
      type: string;
      message: string;
    };
    Release: {
      releaseId: string;
      entityRef: string;
      ownerRef?: string;
      /** @description The catalog System of the entity when the release started. */
      systemRef?: string;
      /** @enum {string} */
      status:
        | 'pending'
        | 'started'
        | 'canary'
        | 'promoted'
        | 'rolled_back'
        | 'finished';
      /** @enum {string} */
      outcome?: 'promoted' | 'rolled_back';
      environment: string;
      version?: string;
      commit?: string;
      /** @description The commit of the release before, the start of this release's range. */
      previousCommit?: string;
      /** @description How many mainline commits the range holds. */
      commitCount?: number;
      /** @description Other catalog entities the release deploys. */
      components?: string[];
      /** @description Incidents or earlier releases this release fixes. */
      fixes?: string[];
      plan?: string;
      risk?: string;
      /** Format: date-time */
      startedAt?: string;
      /** Format: date-time */
      canaryStartedAt?: string;
      canaryWeight?: number;
      /** Format: date-time */
      promotedAt?: string;
      /** Format: date-time */
      rolledBackAt?: string;
      rollbackReason?: string;
      /** Format: date-time */
      finishedAt?: string;
      /** Format: date-time */
      firstEventAt: string;
      /** Format: date-time */
      lastEventAt: string;
      changes: components['schemas']['ReleaseChange'][];
      /** @description How many changes miss required PR template fields (the release is flagged). */
      changesMissingFields?: number;
      incidents: components['schemas']['ReleaseIncident'][];
      flagToggles: components['schemas']['ReleaseFlagToggle'][];
      anomalies: components['schemas']['ReleaseAnomaly'][];
      eventCount: number;
    };
    ReleasePage: {
      items: components['schemas']['Release'][];
      /** @description Pass as `cursor` to get the next page; absent on the last page. */
      nextCursor?: string;
    };
    ReleaseWithEvents: components['schemas']['Release'] & {
      events: components['schemas']['Event'][];
      footprint?: components['schemas']['ReleaseDoraFootprint'];
    };
    /** @description An incident as the ledger knows it, with how it was attributed to a release. */
    LedgerIncident: {
      incidentId: string;
      entityRef: string;
      severity: components['schemas']['IncidentSeverity'];
      title?: string;
      /** Format: date-time */
      startedAt: string;
      /** Format: date-time */
      resolvedAt?: string;
      /** @enum {string} */
      attribution: 'explicit' | 'window' | 'unattributed';
      /** @description The release it belongs to; absent when unattributed. */
      releaseId?: string;
    };
    /** @description The release's DORA footprint and the incidents attributed to it. */
    ReleaseDoraFootprint: {
      releaseId: string;
      entityRef: string;
      ownerRef?: string;
      systemRef?: string;
      environment: string;
      /** @description Started in production: counts towards change failure rate. */
      isDeployment: boolean;
      /** @description A deployment that fixes an incident or an earlier release; counts towards deployment rework rate. */
      isRework?: boolean;
      /** Format: date-time */
      startedAt?: string;
      /** Format: date-time */
      promotedAt?: string;
      /** @description Promoted time minus merged time per change; empty unless promoted. */
      leadTimesMs: number[];
      failed: boolean;
      failureCauses: ('rolled_back' | 'incident')[];
      /** Format: date-time */
      firstFailureSignalAt?: string;
      /**
       * Format: date-time
       * @description First rollback, SLO restoration or production promotion of a fix at or after the first failure signal.
       */
      restoredAt?: string;
      timeToRestoreMs?: number;
      incidents: components['schemas']['LedgerIncident'][];
    };
    /** @enum {string} */
    BandName: 'elite' | 'high' | 'medium' | 'low';
    /** @description What every figure carries; below the minimum sample size it has no band. */
    DoraFigure: {
      sampleSize: number;
      notEnoughData: boolean;
      band?: components['schemas']['BandName'];
    };
    DeploymentFrequencyFigure: components['schemas']['DoraFigure'] & {
      deploys: number;
      deploysPerWeek: number;
      deployDays: number;
      deployDaysPerWeek: number;
    };
    LeadTimeFigure: components['schemas']['DoraFigure'] & {
      p50Ms?: number;
      p90Ms?: number;
    };
    ChangeFailureRateFigure: components['schemas']['DoraFigure'] & {
      deployments: number;
      failures: number;
      /** @description A fraction; absent without deployments. */
      rate?: number;
    };
    TimeToRestoreFigure: components['schemas']['DoraFigure'] & {
      p50Ms?: number;
      p95Ms?: number;
      unrestored: number;
    };
    /** @description Deployments that fix an incident or an earlier release, over the change failure rate's deployments; never banded. */
    ReworkRateFigure: components['schemas']['DoraFigure'] & {
      deployments: number;
      reworkDeployments: number;
      /** @description A fraction; absent without deployments. */
      rate?: number;
    };
    /** @description One UTC week of the trend; percentiles and rates are absent without samples. */
    DoraTrendPoint: {
      /** Format: date-time */
      weekStart: string;
      partial: boolean;
      deploys: number;
      deployDays: number;
      changes: number;
      leadTimeP50Ms?: number;
      leadTimeP90Ms?: number;
      deployments: number;
      failures: number;
      changeFailureRate?: number;
      restored: number;
      timeToRestoreP50Ms?: number;
      timeToRestoreP95Ms?: number;
      reworkDeployments: number;
      reworkRate?: number;
    };
    /** @description The five figures of a set of releases over a window, without the weekly trend. */
    DoraFigures: {
      /** Format: date-time */
      from: string;
      /** Format: date-time */
      to: string;
      bandSet: string;
      minSamples: number;
      deploymentFrequency: components['schemas']['DeploymentFrequencyFigure'];
      leadTime: components['schemas']['LeadTimeFigure'];
      changeFailureRate: components['schemas']['ChangeFailureRateFigure'];
      timeToRestore: components['schemas']['TimeToRestoreFigure'];
      reworkRate: components['schemas']['ReworkRateFigure'];
    };
    DoraMetrics: components['schemas']['DoraFigures'] & {
      trend: components['schemas']['DoraTrendPoint'][];
    };
    TeamMetricsRow: {
      groupRef: string;
      title?: string;
      /** @description Releases owned directly by this group (child groups have their own rows). */
      metrics: components['schemas']['DoraFigures'];
    };
    MetricsResponse: {
      /** @enum {string} */
      scope: 'entity' | 'group' | 'org';
      ref?: string;
      /** @enum {string} */
      window: '7d' | '30d' | '90d' | '365d';
      /** Format: date-time */
      generatedAt: string;
      changeFailureRateTarget: number;
      bandSets: string[];
      metrics: components['schemas']['DoraMetrics'];
      groups?: string[];
      teams?: components['schemas']['TeamMetricsRow'][];
      topContributors?: components['schemas']['ContributingSystem'][];
      unattributedIncidents: components['schemas']['LedgerIncident'][];
    };
    /**
     * @description A catalog System ranked by failed releases started in the window (a
     *     component without a system stands for itself: systemRef is its own
     *     ref), with its failing components beneath.
     */
    ContributingSystem: {
      systemRef: string;
      failures: number;
      deployments: number;
      components: {
        entityRef: string;
        ownerRef?: string;
        failures: number;
        deployments: number;
      }[];
    };
    WeeklyNote: {
      week: string;
      text: string;
      author: string;
      /** Format: date-time */
      updatedAt: string;
    };
  };
  responses: {
    /** @description An error, in Backstage's error shape. */
    Error: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description Bad input; `issues` names every field and its problem. */
    ValidationError: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'] & {
          issues?: {
            /** @example events[3].timestamp */
            field: string;
            message: string;
          }[];
        };
      };
    };
  };
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
/**
 * Every operation of the Release Ledger API, by operationId.
 *
 * @public
 */
export interface operations {
  PostEvents: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json':
          | components['schemas']['EventInput']
          | components['schemas']['EventBatch'];
      };
    };
    responses: {
      /** @description Every event is durable; per-event results in input order. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['IngestResponse'];
        };
      };
      400: components['responses']['ValidationError'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      413: components['responses']['Error'];
      415: components['responses']['Error'];
    };
  };
  ListReleases: {
    parameters: {
      query?: {
        entityRef?: string;
        owner?: string;
        status?:
          | 'pending'
          | 'started'
          | 'canary'
          | 'promoted'
          | 'rolled_back'
          | 'finished';
        /**
         * @description How a finished release ended. A release rolled back and then
         *     finished (or rolled back after it finished) has status `finished`
         *     and outcome `rolled_back`; `status=rolled_back` lists only those
         *     not finished yet.
         */
        outcome?: 'promoted' | 'rolled_back';
        from?: string;
        to?: string;
        limit?: string;
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One page of releases. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReleasePage'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
    };
  };
  GetRelease: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        releaseId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The release and its events. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReleaseWithEvents'];
        };
      };
      401: components['responses']['Error'];
      404: components['responses']['Error'];
    };
  };
  GetReleaseComms: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        releaseId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The thread (parent card, replies in event order, summary). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReleaseComms'];
        };
      };
      401: components['responses']['Error'];
      404: components['responses']['Error'];
    };
  };
  GetReleaseChecklist: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        releaseId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The pinned checklist, or why there is none yet. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReleaseChecklist'];
        };
      };
      401: components['responses']['Error'];
      404: components['responses']['Error'];
    };
  };
  GetSkippedChecklistItems: {
    parameters: {
      query: {
        entityRef: string;
        releases?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The items, most skipped first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SkippedChecklistItems'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
    };
  };
  GetReleaseNotes: {
    parameters: {
      query?: {
        format?: 'json' | 'markdown';
      };
      header?: never;
      path: {
        releaseId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The notes. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReleaseNotes'];
          'text/markdown': string;
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      404: components['responses']['Error'];
    };
  };
  EvaluateReleaseGate: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        releaseId: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': {
          /** @description A gate set under releaseLedger.gates. */
          gate?: string;
        };
      };
    };
    responses: {
      /** @description The evaluation, started or already running. */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GateEvaluationStarted'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      409: components['responses']['Error'];
      415: components['responses']['Error'];
    };
  };
  GetReleaseGates: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        releaseId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The evaluations, by gate name (none when no gate was evaluated). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReleaseGates'];
        };
      };
      401: components['responses']['Error'];
      404: components['responses']['Error'];
    };
  };
  ReplayReleaseGate: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        releaseId: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        'application/json': {
          gate?: string;
          /** @description A gate definition as configured under releaseLedger.gates.<name>. */
          definition?: Record<string, unknown>;
        };
      };
    };
    responses: {
      /** @description The replayed verdict and its measurements. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GateReplay'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      404: components['responses']['Error'];
      415: components['responses']['Error'];
    };
  };
  GetLedgerStatus: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The projection queue's depth and lag. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LedgerStatus'];
        };
      };
      401: components['responses']['Error'];
    };
  };
  GetCommsStatus: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Delivery mode, configuration problems and outbox counts. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CommsStatus'];
        };
      };
      401: components['responses']['Error'];
    };
  };
  RequeueParkedMessages: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          releaseId?: string;
        };
      };
    };
    responses: {
      /** @description How many messages were put back in line. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RequeueResponse'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
    };
  };
  GetMetrics: {
    parameters: {
      query?: {
        scope?: 'entity' | 'group' | 'org';
        /** @description Entity ref for scope=entity, group ref for scope=group. */
        ref?: string;
        window?: '7d' | '30d' | '90d' | '365d';
        /** @description A built-in band set (dora-2023, dora-2021) or one from config; default from config. */
        bandSet?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Figures with sample sizes, bands and a weekly trend. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['MetricsResponse'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      404: components['responses']['Error'];
    };
  };
  GetWeeklyNote: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The week's Monday (UTC), YYYY-MM-DD. */
        week: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The note. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WeeklyNote'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      404: components['responses']['Error'];
    };
  };
  PutWeeklyNote: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description The week's Monday (UTC), YYYY-MM-DD. */
        week: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          text: string;
        };
      };
    };
    responses: {
      /** @description The stored note. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['WeeklyNote'];
        };
      };
      400: components['responses']['Error'];
      401: components['responses']['Error'];
      403: components['responses']['Error'];
      415: components['responses']['Error'];
    };
  };
}
