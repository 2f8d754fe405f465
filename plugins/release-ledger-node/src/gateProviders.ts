import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type {
  GateAlertsResult,
  GateQueryResult,
  GateRangeResult,
} from '@release-ledger/plugin-release-ledger-common';

/** @public */
export type GateQueryOptions = {
  /** Aborting it cancels the request; the call then rejects with the abort reason. */
  signal?: AbortSignal;
};

/**
 * A metrics backend that SLO gates can measure against (Prometheus, or a
 * module's New Relic, Datadog, ...). A gate names its provider by `id`.
 *
 * Contract:
 * - every outcome of talking to the backend resolves as a typed result: a
 *   value, no data, or an error carrying the backend's own message. Calls
 *   reject only when the caller's signal aborts;
 * - NaN (such as `0/0` when a canary has no traffic) is no data
 *   (`{ kind: 'no-data', cause: 'nan' }`), never a value; so is an empty result;
 * - a query must yield one number: several series are an error of type
 *   `multiple_series`, never silently the first one.
 *
 * @public
 */
export interface GateMetricProvider {
  /** Unique id, referenced by a gate's `provider` field, e.g. `prometheus`. */
  readonly id: string;

  /**
   * How long after a moment the backend holds every sample of it (scrape
   * interval plus ingestion lag), in milliseconds. A gate measures the
   * moment `t` no earlier than `t + ingestionDelayMs`, so a verdict is
   * never taken on a half-scraped window. Default 0.
   */
  readonly ingestionDelayMs?: number;

  /** Evaluates `query` at the instant `at`. */
  instantQuery(
    query: string,
    at: Date,
    options?: GateQueryOptions,
  ): Promise<GateQueryResult>;

  /**
   * Evaluates `query` at every step from `start` to `end` (replays of past
   * releases). Steps without a sample are answered as no data.
   */
  rangeQuery(
    query: string,
    start: Date,
    end: Date,
    stepSeconds: number,
    options?: GateQueryOptions,
  ): Promise<GateRangeResult>;

  /**
   * Alerts firing at `at` whose labels equal every matcher, e.g.
   * `{ release_gate: 'true', service: 'payments' }`. Matcher values are
   * literal (the provider escapes them); none firing is `{ kind: 'alerts', alerts: [] }`.
   */
  firingAlerts(
    matchers: Record<string, string>,
    at: Date,
    options?: GateQueryOptions,
  ): Promise<GateAlertsResult>;
}

/** @public */
export interface ReleaseLedgerGateProvidersExtensionPoint {
  /** Adds a provider; two providers with the same id stop startup. */
  addProvider(provider: GateMetricProvider): void;
}

/**
 * Lets backend modules add gate metric providers to the Release Ledger
 * backend plugin:
 *
 * ```ts
 * export default createBackendModule({
 *   pluginId: 'release-ledger',
 *   moduleId: 'datadog-gates',
 *   register(env) {
 *     env.registerInit({
 *       deps: { gates: releaseLedgerGateProvidersExtensionPoint },
 *       async init({ gates }) {
 *         gates.addProvider(new DatadogGateProvider());
 *       },
 *     });
 *   },
 * });
 * ```
 *
 * @public
 */
export const releaseLedgerGateProvidersExtensionPoint =
  createExtensionPoint<ReleaseLedgerGateProvidersExtensionPoint>({
    id: 'release-ledger.gate-providers',
  });
