export interface Config {
  /** Release Ledger. Every key has a default; the plugin starts without this section. */
  releaseLedger?: {
    ingest?: {
      /**
       * Largest accepted request body for `POST /events`, in bytes or with a
       * unit (`5mb`). A batch of 1000 events is typically under 1 MB.
       * Default `5mb`.
       */
      maxBodySize?: string | number;
      /**
       * How far in the future (by this backend's clock) an event's
       * `timestamp` or `attributes.mergedAt` may be, in milliseconds; later
       * times are refused with a 400 (a far-future release would pin itself
       * to the top of every newest-first list). Times before 2000-01-01 are
       * always refused. Default 86400000 (24 h); at most 30 days.
       */
      maxFutureSkewMs?: number;
    };
    pullRequests?: {
      /**
       * The PR template's required fields, checked in the PR body sent with
       * `pr_merged` (`attributes.body`): a merge missing one is flagged, and
       * so is its release. Each is a default's name or label (`risk`,
       * `flags`, `rollback`), `name=Label` (`testing=How it was tested`) or a
       * label. Replaces the default list (risk, flags, rollback). Applies to
       * merges projected after a change. `release-ledger lint-pr --require`
       * takes the same specs.
       */
      requiredFields?: string[];
    };
    notes?: {
      /**
       * Release notes are flagged when more than this share (0 to 1) of the
       * release's commits do not follow Conventional Commits. Default 0.25.
       */
      maxNonConventionalShare?: number;
      /**
       * commitlint rules over @commitlint/config-conventional's, in
       * commitlint's format, e.g. `{ subject-case: [0], type-enum: [2,
       * always, [feat, fix, ops]] }`. Each commit's findings are shown in
       * its release notes; `release-ledger lint-pr` uses the defaults.
       */
      commitlintRules?: { [rule: string]: unknown };
    };
    benchmark?: {
      /**
       * For `yarn bench:ingest`'s `store` target only, never in production:
       * appends store the events and nothing else (no releases, metrics or
       * Slack messages), to measure the limit of the event log alone.
       */
      eventLogOnly?: boolean;
    };
    projections?: {
      /**
       * Metrics and Slack messages are projected from new events shortly
       * after they are stored (by every instance, from a queue committed
       * with the events). When the oldest event still waiting is older than
       * this, in milliseconds, the backend logs a warning (every 10 s while
       * it lasts). `GET /api/release-ledger/ledger/status` shows the lag.
       * Default 30000; at least 1000.
       */
      lagWarningMs?: number;
      /**
       * Drains each instance runs at once, each over its own share of the
       * entities. Default 2 on PostgreSQL (one projects while the other
       * waits on the database), 1 on SQLite (one writer). From 1 to 16.
       */
      drainConcurrency?: number;
    };
    slack?: {
      /**
       * Bot token. Absent: messages are rendered and kept, not delivered.
       * @visibility secret
       */
      token?: string;
      /** Slack Web API base URL (GovSlack, proxies, tests). Default `https://slack.com/api/`. */
      apiUrl?: string;
      /** Channel for entities without a `release-ledger/slack-channel` annotation (theirs or their owner group's). */
      defaultChannel?: string;
      /** Dashboards linked from every status card; `{{entity}}`, `{{name}}`, `{{namespace}}`, `{{releaseId}}`, `{{version}}`, `{{environment}}` are filled in (URL-encoded). */
      grafanaPanels?: Array<{ title: string; url: string }>;
      delivery?: {
        /** Send messages (default: whenever a token is set). `true` without a token is reported as a configuration problem. */
        enabled?: boolean;
        /** Minimum milliseconds between two messages to one channel (default 1000: Slack allows about one per second). */
        perChannelIntervalMs?: number;
        /** Per-call time-out in milliseconds (default 10000). A time-out counts as "may have been sent". */
        timeoutMs?: number;
        /** Attempts before a message that keeps failing is parked (default 15). */
        maxAttempts?: number;
        /** Channels one instance sends to at the same time (default 8). */
        concurrency?: number;
      };
      /** PM/CS channel: one calm summary per finished release, or a daily digest. */
      pm?: {
        channel: string;
        /** `per-release` (default) or `daily`. */
        mode?: string;
        /** UTC time of the daily digest, e.g. `17:00` (default). */
        dailyAt?: string;
      };
      /** Leadership channel: the weekly DORA digest (CFR trend vs target, lead time, time to restore, top systems, the week's note). */
      leadership?: {
        channel: string;
        /** Day of the week, e.g. `monday` (default). */
        weekday?: string;
        /** UTC time, e.g. `09:00` (default). */
        at?: string;
      };
    };
    /**
     * The Prometheus (or Prometheus-compatible API: Thanos, Mimir) that SLO
     * gates measure against, added as the gate provider `prometheus`; or a
     * list of connections, each with its own `id` (e.g. `prometheus-eu`,
     * `prometheus-us`) that a gate set names as its `provider`.
     * Absent: no Prometheus provider; gates then need a provider module.
     */
    prometheus?: PrometheusConnectionConfig | PrometheusConnectionConfig[];
    /**
     * How much work one gate may ask for. A gate set over a limit stops
     * startup; a request over one answers 400 naming the limit.
     */
    gateLimits?: {
      /** Checks one gate may have (configured sets and replayed definitions). Default 50. */
      maxChecksPerGate?: number;
      /**
       * Measurements one replay may take: over all checks, each check's
       * `count`, or as many of its intervals as fit in the canary window
       * when fewer. Default 10000.
       */
      maxMeasurementsPerReplay?: number;
    };
    /**
     * SLO gate sets by name (lower-case, e.g. `standard`). An entity's
     * releases are gated by the set its `release-ledger/gates` annotation
     * names; entities without the annotation use the set named `default`
     * when there is one, and have no gate otherwise (starting an
     * evaluation then answers 400 unless the request names a gate). A bad
     * definition, or a `provider` that no installed provider has, stops
     * startup with the key of the problem.
     */
    gates?: {
      [name: string]: {
        /** Evaluate and record verdicts, never block (no `gate_failed`, no `canary_passed`). Default false. */
        dryRun?: boolean;
        /** Gate metric provider id. Default `prometheus`. */
        provider?: string;
        checks: Array<{
          /** Lower-case name, unique within the gate, e.g. `error-rate`. */
          name: string;
          /** `query` (default): a PromQL value against a condition; `alert`: fails while a `release_gate="true"` alert with `labels` fires. */
          kind?: 'query' | 'alert';
          /**
           * PromQL template. Variables: `{{entity}}` (entity name),
           * `{{entityRef}}`, `{{version}}`, `{{environment}}`,
           * `{{interval}}`, `{{annotation.<key>}}`; values are escaped so
           * they can only be data.
           */
          query?: string;
          /** E.g. `'< 0.01'`, `'>= 0.99'`, `'between 0.9 and 1'`, or `{ op, value }` / `{ min, max }`. */
          condition?:
            | string
            | { op?: string; value?: number; min?: number; max?: number };
          /** Alert checks: label matchers (values may use the template variables), e.g. `{ service: '{{entity}}' }`. */
          labels?: { [label: string]: string };
          /** Time between measurements, a PromQL duration of at least 1s. Default `1m`. */
          interval?: string;
          /** Measurements before the check can pass, 1 to 1000. Default 5. */
          count?: number;
          /** Failing measurements tolerated. Default 0. */
          failureLimit?: number;
          /** Passing measurements in a row needed at the end (flapping guard). Default 1. */
          consecutiveSuccesses?: number;
          /** Measurement errors tolerated (bad query, time-out, unreachable), separate from failures. Default 2. */
          errorLimit?: number;
          /** Query checks, required: what no data (no series, or NaN) counts as. */
          noData?: 'fail' | 'pass' | 'inconclusive';
          /** Whether failing this check fails the gate. Default true. */
          key?: boolean;
          /** Record this check's verdict without letting it decide. Default false. */
          dryRun?: boolean;
        }>;
      };
    };
    metrics?: {
      /** Default band set for DORA figures: `dora-2023` (default), `dora-2021`, or a name from `bandSets`. */
      bandSet?: string;
      /**
       * Custom band sets by name (lower-case). Each maps every metric to its
       * steps, best band first, e.g.
       * `leadTime: [{ band: elite, max: 24 }, { band: high, max: 168 }, ...]`
       * (hours; change failure rate as a fraction; deployment frequency in
       * deploy days per week with `min`).
       */
      bandSets?: {
        [name: string]: {
          description?: string;
          deploymentFrequency: Array<{ band: string; min: number }>;
          leadTime: Array<{ band: string; max: number }>;
          changeFailureRate: Array<{ band: string; max: number }>;
          timeToRestore: Array<{ band: string; max: number }>;
        };
      };
      /** Change failure rate target shown on the leadership page, 0–1. Default 0.15. */
      changeFailureRateTarget?: number;
      /** Fewest samples for a figure to get a band; below it the figure says "not enough data". Default 5. */
      minSamples?: number;
      /**
       * Hours after a promotion within which an incident sent without a
       * release is attributed to the entity's latest promoted release.
       * Default 72.
       */
      incidentAttributionWindowHours?: number;
    };
  };
}

/** One Prometheus connection of `releaseLedger.prometheus`. */
interface PrometheusConnectionConfig {
  /**
   * The provider id gates name in `provider`. Default `prometheus`;
   * required for each connection of a list.
   */
  id?: string;
  /** Base URL; the API is under `<url>/api/v1/`. Required when this section is present. */
  url: string;
  /**
   * Sent as `Authorization: Bearer <token>`; exclusive with `basicAuth`.
   * @visibility secret
   */
  token?: string;
  /** Sent as `Authorization: Basic …`; exclusive with `token`. */
  basicAuth?: {
    username: string;
    /** @visibility secret */
    password: string;
  };
  /** Time-out of each request in milliseconds, 1 to 300000. Default 10000. */
  timeoutMs?: number;
  /**
   * How long after a moment Prometheus holds all of its samples (scrape
   * interval plus remote-write lag), in milliseconds, 0 to 900000: a gate
   * measures the moment `t` at `t + ingestionDelayMs`, never on a
   * half-scraped window. Default 30000 (two 15 s scrapes).
   */
  ingestionDelayMs?: number;
}
