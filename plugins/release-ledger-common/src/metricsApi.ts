import type { IncidentSeverity } from './events';
import type { DoraMetrics, MetricWindow, ReleaseFootprint } from './metrics';

/**
 * What a metrics answer covers: one catalog entity, a group with all its
 * child groups, or the whole organisation.
 *
 * @public
 */
export const METRICS_SCOPES = ['entity', 'group', 'org'] as const;

/** @public */
export type MetricsScope = (typeof METRICS_SCOPES)[number];

/**
 * How an incident was tied to a release: named by the incident itself
 * (`explicit`), to the entity's latest release promoted within the
 * attribution window before it started (`window`), or not at all.
 *
 * @public
 */
export type IncidentAttributionMethod = 'explicit' | 'window' | 'unattributed';

/** An incident as the ledger knows it, with how it was attributed. @public */
export type LedgerIncident = {
  incidentId: string;
  entityRef: string;
  severity: IncidentSeverity;
  title?: string;
  startedAt: string;
  resolvedAt?: string;
  attribution: IncidentAttributionMethod;
  /** The release it belongs to; absent when unattributed. */
  releaseId?: string;
};

/** One team's figures on the org page. @public */
export type TeamMetricsRow = {
  /** The owner group, e.g. `group:default/team-payments`. */
  groupRef: string;
  /** The group's display title or name from the catalog, when known. */
  title?: string;
  /** Releases owned directly by this group (child groups have their own rows). */
  metrics: Omit<DoraMetrics, 'trend'>;
};

/** A component of a {@link ContributingSystem}. @public */
export type ContributingComponent = {
  entityRef: string;
  /** The owner of its latest release started in the window. */
  ownerRef?: string;
  /** Failed releases started in the window. */
  failures: number;
  /** Releases started in production in the window. */
  deployments: number;
};

/**
 * A catalog System that contributed failures in the window: the `spec.system`
 * of its components when their releases started. A component without a
 * system stands for itself (`systemRef` is the component's ref).
 *
 * @public
 */
export type ContributingSystem = {
  /** e.g. `system:default/payments`, or the component's own ref. */
  systemRef: string;
  /** Failed releases of its components started in the window. */
  failures: number;
  /** Releases of its components started in production in the window. */
  deployments: number;
  /** Its components with failures in the window, most failures first. */
  components: ContributingComponent[];
};

/**
 * The answer of `GET /metrics`.
 *
 * @public
 */
export type MetricsResponse = {
  scope: MetricsScope;
  /** The entity or group ref; absent for the org scope. */
  ref?: string;
  window: MetricWindow;
  /** When the figures were computed. */
  generatedAt: string;
  /** Target for change failure rate (a fraction), from config. */
  changeFailureRateTarget: number;
  /** Band sets the caller may choose from (built-in and configured). */
  bandSets: string[];
  metrics: DoraMetrics;
  /** Group scope: the group and every descendant group whose releases count. */
  groups?: string[];
  /** Org scope: one row per owner group with releases in the window, worst change failure rate first. */
  teams?: TeamMetricsRow[];
  /** Group and org scope: the 3 systems with the most failures in the window. */
  topContributors?: ContributingSystem[];
  /** Incidents in the window and scope that no release could be attributed to. */
  unattributedIncidents: LedgerIncident[];
};

/**
 * Leadership's human note for one UTC week ("Why did CFR spike?").
 *
 * @public
 */
export type WeeklyNote = {
  /** The week's Monday, `YYYY-MM-DD` (UTC). */
  week: string;
  text: string;
  /** Entity ref of the user who wrote it last. */
  author: string;
  updatedAt: string;
};

/**
 * A release's own DORA footprint, as shown on its page: its lead times,
 * whether it counted as a failure, its time to restore, and the incidents
 * that were attributed to it.
 *
 * @public
 */
export type ReleaseDoraFootprint = ReleaseFootprint & {
  incidents: LedgerIncident[];
};
