/**
 * The five DORA metrics, in the order the UI shows them.
 *
 * @public
 */
export const METRIC_IDS = [
  'deploymentFrequency',
  'leadTime',
  'changeFailureRate',
  'timeToRestore',
  'reworkRate',
] as const;

/** @public */
export type MetricId = (typeof METRIC_IDS)[number];

/**
 * The metrics a band set ranks: the four of DORA's published performance
 * tables. Deployment rework rate is not among them (see its definition's
 * `unbanded`), so it never gets a band.
 *
 * @public
 */
export const BANDED_METRIC_IDS = [
  'deploymentFrequency',
  'leadTime',
  'changeFailureRate',
  'timeToRestore',
] as const;

/** @public */
export type BandedMetricId = (typeof BANDED_METRIC_IDS)[number];

/**
 * Whether band sets rank a metric.
 *
 * @public
 */
export function isBandedMetric(metric: MetricId): metric is BandedMetricId {
  return (BANDED_METRIC_IDS as readonly string[]).includes(metric);
}

/**
 * What the UI shows next to a metric.
 *
 * @public
 */
export type MetricDefinition = {
  title: string;
  /** The unit band thresholds are written in; durations in the API are milliseconds. */
  unit: string;
  /** The definition from DESIGN.md, shown verbatim next to every number. */
  definition: string;
  /** Why the metric has no band, for a metric no band set ranks. */
  unbanded?: string;
};

/**
 * Title, band unit and definition of each metric. The definitions are the
 * design's own words so the number and its explanation never drift apart.
 *
 * @public
 */
export const METRIC_DEFINITIONS: Readonly<Record<MetricId, MetricDefinition>> =
  {
    deploymentFrequency: {
      title: 'Deployment frequency',
      unit: 'deploy days per week',
      definition:
        'Deployment: a release that started in production. Deployment frequency: promoted releases per week, and deploy days per week for the band.',
    },
    leadTime: {
      title: 'Lead time for changes',
      unit: 'hours',
      definition:
        'Lead time for changes: for each change in a release (a merged PR, or a listed commit no PR describes), promoted time − its merge time (a commit: its commit time); report median and p90 over changes promoted in the window.',
    },
    changeFailureRate: {
      title: 'Change failure rate',
      unit: 'fraction of deployments',
      definition:
        'Change failure rate: releases started in the window that were rolled back or have an attributed SEV-1/SEV-2 incident, ÷ releases started in the window.',
    },
    timeToRestore: {
      title: 'Time to restore',
      unit: 'hours',
      definition:
        "Time to restore (DORA's failed deployment recovery time): over exactly the failures that the same window's change failure rate counts (releases started in the window that failed), from the first failure signal (a SEV-1/SEV-2 incident_started, gate_failed or rolled_back) → the first rolled_back, slo_restored or production promotion of a fix (a later release whose fixes name the failed release or one of its attributed incidents) after it; median and p95, with the failures not yet restored counted apart. The weekly trend buckets them by the release's start week, as the change failure rate does.",
    },
    reworkRate: {
      title: 'Deployment rework rate',
      unit: 'fraction of deployments',
      definition:
        "Deployment rework rate: releases started in production in the window that fix a production incident or an earlier release (their fixes name an incident such as INC-123, from release_started's fixes or a fix: commit naming it, or an earlier release id), ÷ releases started in the window. The weekly trend buckets them by the release's start week, as the change failure rate does.",
      unbanded:
        'Not banded: the DORA performance tables the band sets come from (2021, 2023) predate this metric and rank only the other four, so it shows its rate and sample size without a band.',
    },
  };

/**
 * What "top contributing systems" ranks, shown in the UI next to the list.
 *
 * @public
 */
export const CONTRIBUTING_SYSTEMS_DEFINITION =
  "Top contributing systems: the catalog's System entities (a component's spec.system; a component without one stands for itself), ranked by failures in the window (releases started in the window that failed), with their components beneath.";

/**
 * The windows metrics are offered over.
 *
 * @public
 */
export const METRIC_WINDOWS = ['7d', '30d', '90d', '365d'] as const;

/** @public */
export type MetricWindow = (typeof METRIC_WINDOWS)[number];

const WINDOW_DAYS: Record<MetricWindow, number> = {
  '7d': 7,
  '30d': 30,
  '90d': 90,
  '365d': 365,
};

/**
 * Whether a string (e.g. a query parameter) names a metric window.
 *
 * @public
 */
export function isMetricWindow(value: unknown): value is MetricWindow {
  return (
    typeof value === 'string' &&
    (METRIC_WINDOWS as readonly string[]).includes(value)
  );
}

/**
 * The length of a window in days.
 *
 * @public
 */
export function windowDays(window: MetricWindow): number {
  return WINDOW_DAYS[window];
}

/**
 * Only production counts for DORA: a deployment is a release that started
 * here, and only promotions here ship changes to users.
 *
 * @public
 */
export const DORA_ENVIRONMENT = 'production';

/**
 * Incident severities that make a release a failure and start its time to
 * restore clock; a SEV-3/SEV-4 is still attributed and shown, but is neither.
 *
 * @public
 */
export const FAILURE_INCIDENT_SEVERITIES = ['SEV-1', 'SEV-2'] as const;

/**
 * How long after a promotion an incident without a release id is still
 * blamed on it. Three days covers a release that goes out on Friday and
 * breaks something on Monday morning, without blaming a release for an
 * incident a week later.
 *
 * @public
 */
export const DEFAULT_INCIDENT_ATTRIBUTION_HOURS = 72;

/**
 * Fewest samples a figure needs before it is given a band. Below five, one
 * sample moves a change failure rate by 20 points or more and p90/p95 are
 * just the maximum, so a band would be noise presented as a verdict.
 *
 * @public
 */
export const DEFAULT_MIN_SAMPLES = 5;
