import type {
  DoraMetrics,
  DoraTrendPoint,
  MetricsResponse,
  TeamMetricsRow,
} from '@release-ledger/plugin-release-ledger-common';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** One week of the trend with sensible defaults. */
export function makeTrendPoint(
  overrides: Partial<DoraTrendPoint> = {},
): DoraTrendPoint {
  return {
    weekStart: '2026-11-23T00:00:00.000Z',
    partial: false,
    deploys: 4,
    deployDays: 3,
    changes: 9,
    leadTimeP50Ms: 3 * HOUR,
    leadTimeP90Ms: DAY,
    deployments: 4,
    failures: 1,
    changeFailureRate: 0.25,
    restored: 1,
    timeToRestoreP50Ms: 40 * 60_000,
    timeToRestoreP95Ms: 2 * HOUR,
    reworkDeployments: 1,
    reworkRate: 0.25,
    ...overrides,
  };
}

/**
 * Metrics over 30 days: 4.2 deploys/week (elite), lead time 3.2 h (elite),
 * change failure rate 12.5 % (medium), time to restore from only 2 samples
 * (not enough data), rework rate 18.8 % (never banded).
 */
export function makeDoraMetrics(
  overrides: Partial<DoraMetrics> = {},
): DoraMetrics {
  return {
    from: '2026-10-29T00:00:00.000Z',
    to: '2026-11-28T00:00:00.000Z',
    bandSet: 'dora-2023',
    minSamples: 5,
    deploymentFrequency: {
      deploys: 18,
      deploysPerWeek: 4.2,
      deployDays: 13,
      deployDaysPerWeek: 3.1,
      sampleSize: 18,
      notEnoughData: false,
      band: 'elite',
    },
    leadTime: {
      p50Ms: 3.2 * HOUR,
      p90Ms: 1.5 * DAY,
      sampleSize: 42,
      notEnoughData: false,
      band: 'elite',
    },
    changeFailureRate: {
      deployments: 16,
      failures: 2,
      rate: 0.125,
      sampleSize: 16,
      notEnoughData: false,
      band: 'medium',
    },
    timeToRestore: {
      p50Ms: 45 * 60_000,
      p95Ms: 3.2 * HOUR,
      unrestored: 0,
      sampleSize: 2,
      notEnoughData: true,
    },
    reworkRate: {
      deployments: 16,
      reworkDeployments: 3,
      rate: 0.1875,
      sampleSize: 16,
      notEnoughData: false,
    },
    trend: [
      makeTrendPoint({ weekStart: '2026-10-26T00:00:00.000Z', partial: true }),
      makeTrendPoint({ weekStart: '2026-11-02T00:00:00.000Z', deploys: 3 }),
      makeTrendPoint({ weekStart: '2026-11-09T00:00:00.000Z', failures: 0 }),
      makeTrendPoint({ weekStart: '2026-11-16T00:00:00.000Z', deploys: 6 }),
      makeTrendPoint({ weekStart: '2026-11-23T00:00:00.000Z', partial: true }),
    ],
    ...overrides,
  };
}

/** Metrics of a window in which nothing happened. */
export function makeEmptyDoraMetrics(): DoraMetrics {
  return makeDoraMetrics({
    deploymentFrequency: {
      deploys: 0,
      deploysPerWeek: 0,
      deployDays: 0,
      deployDaysPerWeek: 0,
      sampleSize: 0,
      notEnoughData: true,
    },
    leadTime: { sampleSize: 0, notEnoughData: true },
    changeFailureRate: {
      deployments: 0,
      failures: 0,
      sampleSize: 0,
      notEnoughData: true,
    },
    timeToRestore: { unrestored: 0, sampleSize: 0, notEnoughData: true },
    reworkRate: {
      deployments: 0,
      reworkDeployments: 0,
      sampleSize: 0,
      notEnoughData: true,
    },
    trend: [],
  });
}

/** A team row; `metrics` without the trend. */
export function makeTeamRow(
  groupRef: string,
  title: string | undefined,
  overrides: Partial<DoraMetrics> = {},
): TeamMetricsRow {
  const { trend: _trend, ...metrics } = makeDoraMetrics(overrides);
  return { groupRef, title, metrics };
}

/** An org-scope answer without teams, contributors or incidents. */
export function makeMetricsResponse(
  overrides: Partial<MetricsResponse> = {},
): MetricsResponse {
  return {
    scope: 'org',
    window: '30d',
    generatedAt: '2026-11-27T12:00:00.000Z',
    changeFailureRateTarget: 0.15,
    bandSets: ['dora-2023', 'dora-2021'],
    metrics: makeDoraMetrics(),
    unattributedIncidents: [],
    ...overrides,
  };
}
