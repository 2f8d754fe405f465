import {
  BAND_SETS,
  BandName,
  BandSet,
  DEFAULT_BAND_SET_NAME,
  bandFor,
} from './bands';
import { DEFAULT_MIN_SAMPLES, DORA_ENVIRONMENT, MetricId } from './definitions';
import type { ReleaseFootprint } from './footprint';
import { percentileOfSorted, sortNumbers } from './stats';
import { DAY_MS, WEEK_MS, weeksInWindow } from './weeks';

const HOUR_MS = 3_600_000;

/**
 * What every figure carries besides its values. Below the minimum sample
 * size a figure keeps its values but gets no band.
 *
 * @public
 */
export type DoraFigure = {
  sampleSize: number;
  notEnoughData: boolean;
  band?: BandName;
};

/**
 * Promotions to production in the window. Sample: promotions. Band: deploy
 * days per week.
 *
 * @public
 */
export type DeploymentFrequencyFigure = DoraFigure & {
  deploys: number;
  deploysPerWeek: number;
  /** Distinct UTC days with a promotion. */
  deployDays: number;
  deployDaysPerWeek: number;
};

/**
 * Promoted − merged time over the changes promoted in the window. Sample:
 * changes. Band: the median, in hours.
 *
 * @public
 */
export type LeadTimeFigure = DoraFigure & {
  p50Ms?: number;
  p90Ms?: number;
};

/**
 * Failed ÷ deployments over releases started in production in the window.
 * Sample: deployments. Band: the rate.
 *
 * @public
 */
export type ChangeFailureRateFigure = DoraFigure & {
  deployments: number;
  failures: number;
  /** A fraction; absent without deployments. */
  rate?: number;
};

/**
 * First failure signal → restoration over failures signalled in the window.
 * Sample: restored failures. Band: the median, in hours.
 *
 * @public
 */
export type TimeToRestoreFigure = DoraFigure & {
  p50Ms?: number;
  p95Ms?: number;
  /** Failures signalled in the window that are not restored yet. */
  unrestored: number;
};

/**
 * One UTC week (Monday 00:00Z) of the trend, counting only what falls
 * inside the window. Percentiles and rates are absent without samples.
 *
 * @public
 */
export type DoraTrendPoint = {
  weekStart: string;
  /** The week reaches outside the window, so it holds less than 7 days of it. */
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
};

/**
 * The DORA metrics of a set of releases over a window, as the API returns
 * them. Times are ISO 8601 strings, durations milliseconds.
 *
 * @public
 */
export type DoraMetrics = {
  from: string;
  to: string;
  bandSet: string;
  minSamples: number;
  deploymentFrequency: DeploymentFrequencyFigure;
  leadTime: LeadTimeFigure;
  changeFailureRate: ChangeFailureRateFigure;
  timeToRestore: TimeToRestoreFigure;
  trend: DoraTrendPoint[];
};

/** @public */
export type ComputeDoraMetricsOptions = {
  /** Start of the window, inclusive (ISO 8601). */
  from: string;
  /** End of the window, exclusive (ISO 8601). */
  to: string;
  /** Default: `dora-2023`. */
  bandSet?: BandSet;
  /** Default: {@link DEFAULT_MIN_SAMPLES}. */
  minSamples?: number;
  /** `false` skips the weekly series (answered as `[]`), e.g. for table rows. Default `true`. */
  trend?: boolean;
};

type WeekBucket = {
  deploys: number;
  deployDays: number;
  leadTimes: number[];
  deployments: number;
  failures: number;
  restoreTimes: number[];
};

/**
 * Computes the four DORA metrics and their weekly trend over the window
 * [from, to) from release footprints (see `releaseFootprint`), in one pass
 * over the footprints and one sort per percentile list.
 *
 * @public
 */
export function computeDoraMetrics(
  footprints: readonly ReleaseFootprint[],
  options: ComputeDoraMetricsOptions,
): DoraMetrics {
  const fromMs = Date.parse(options.from);
  const toMs = Date.parse(options.to);
  if (!(fromMs < toMs)) {
    throw new RangeError(
      `from and to must be ISO 8601 date-times with from before to, got '${options.from}' and '${options.to}'`,
    );
  }
  const bandSet = options.bandSet ?? BAND_SETS[DEFAULT_BAND_SET_NAME];
  const minSamples = options.minSamples ?? DEFAULT_MIN_SAMPLES;
  if (!(Number.isInteger(minSamples) && minSamples >= 0)) {
    throw new RangeError(
      `minSamples must be a non-negative integer, got ${minSamples}`,
    );
  }

  const withTrend = options.trend !== false;
  const weekStarts = weeksInWindow(fromMs, toMs);
  const buckets: WeekBucket[] = weekStarts.map(() => ({
    deploys: 0,
    deployDays: 0,
    leadTimes: [],
    deployments: 0,
    failures: 0,
    restoreTimes: [],
  }));
  const weekOf = (ms: number) =>
    buckets[Math.floor((ms - weekStarts[0]) / WEEK_MS)];
  // NaN (an absent or unreadable time) is never in the window.
  const inWindow = (ms: number) => ms >= fromMs && ms < toMs;

  const firstDay = Math.floor(fromMs / DAY_MS);
  const isDeployDay = new Uint8Array(
    Math.floor((toMs - 1) / DAY_MS) - firstDay + 1,
  );
  let deploys = 0;
  let deployments = 0;
  let failures = 0;
  let unrestored = 0;
  const leadTimes: number[] = [];
  const restoreTimes: number[] = [];

  for (const footprint of footprints) {
    if (footprint.environment !== DORA_ENVIRONMENT) {
      continue;
    }
    const promotedMs = parse(footprint.promotedAt);
    if (inWindow(promotedMs)) {
      const week = weekOf(promotedMs);
      deploys += 1;
      week.deploys += 1;
      isDeployDay[Math.floor(promotedMs / DAY_MS) - firstDay] = 1;
      for (const ms of footprint.leadTimesMs) {
        leadTimes.push(ms);
        if (withTrend) week.leadTimes.push(ms);
      }
    }
    const startedMs = footprint.isDeployment ? parse(footprint.startedAt) : NaN;
    if (inWindow(startedMs)) {
      const week = weekOf(startedMs);
      deployments += 1;
      week.deployments += 1;
      if (footprint.failed) {
        failures += 1;
        week.failures += 1;
      }
    }
    const signalMs = footprint.failed
      ? parse(footprint.firstFailureSignalAt)
      : NaN;
    if (inWindow(signalMs)) {
      if (footprint.timeToRestoreMs === undefined) {
        unrestored += 1;
      } else {
        restoreTimes.push(footprint.timeToRestoreMs);
        weekOf(signalMs).restoreTimes.push(footprint.timeToRestoreMs);
      }
    }
  }

  let deployDays = 0;
  isDeployDay.forEach((marked, offset) => {
    if (marked) {
      deployDays += 1;
      weekOf((firstDay + offset) * DAY_MS).deployDays += 1;
    }
  });

  const figure = (
    metric: MetricId,
    sampleSize: number,
    bandValue: number | undefined,
  ): DoraFigure => {
    const notEnoughData = sampleSize < minSamples;
    return notEnoughData || bandValue === undefined
      ? { sampleSize, notEnoughData }
      : {
          sampleSize,
          notEnoughData,
          band: bandFor(metric, bandValue, bandSet),
        };
  };
  // Dividing whole counts once keeps e.g. 3 deploy days in 90 days exactly
  // equal to the "once a month" threshold 7/30.
  const perWeek = (count: number) => (count * WEEK_MS) / (toMs - fromMs);
  const toHours = (ms: number | undefined) =>
    ms === undefined ? undefined : ms / HOUR_MS;

  const sortedLeadTimes = sortNumbers(leadTimes);
  const leadTimeP50 = percentileOfSorted(sortedLeadTimes, 0.5);
  const sortedRestoreTimes = sortNumbers(restoreTimes);
  const restoreP50 = percentileOfSorted(sortedRestoreTimes, 0.5);
  const rate = deployments > 0 ? failures / deployments : undefined;

  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    bandSet: bandSet.name,
    minSamples,
    deploymentFrequency: {
      ...figure('deploymentFrequency', deploys, perWeek(deployDays)),
      deploys,
      deploysPerWeek: perWeek(deploys),
      deployDays,
      deployDaysPerWeek: perWeek(deployDays),
    },
    leadTime: {
      ...figure('leadTime', leadTimes.length, toHours(leadTimeP50)),
      p50Ms: leadTimeP50,
      p90Ms: percentileOfSorted(sortedLeadTimes, 0.9),
    },
    changeFailureRate: {
      ...figure('changeFailureRate', deployments, rate),
      deployments,
      failures,
      rate,
    },
    timeToRestore: {
      ...figure('timeToRestore', restoreTimes.length, toHours(restoreP50)),
      p50Ms: restoreP50,
      p95Ms: percentileOfSorted(sortedRestoreTimes, 0.95),
      unrestored,
    },
    trend: (withTrend ? buckets : []).map((week, i) => {
      const weekStart = weekStarts[i];
      const weekLeadTimes = sortNumbers(week.leadTimes);
      const weekRestoreTimes = sortNumbers(week.restoreTimes);
      return {
        weekStart: new Date(weekStart).toISOString(),
        partial: weekStart < fromMs || weekStart + WEEK_MS > toMs,
        deploys: week.deploys,
        deployDays: week.deployDays,
        changes: weekLeadTimes.length,
        leadTimeP50Ms: percentileOfSorted(weekLeadTimes, 0.5),
        leadTimeP90Ms: percentileOfSorted(weekLeadTimes, 0.9),
        deployments: week.deployments,
        failures: week.failures,
        changeFailureRate:
          week.deployments > 0 ? week.failures / week.deployments : undefined,
        restored: weekRestoreTimes.length,
        timeToRestoreP50Ms: percentileOfSorted(weekRestoreTimes, 0.5),
        timeToRestoreP95Ms: percentileOfSorted(weekRestoreTimes, 0.95),
      };
    }),
  };
}

function parse(at: string | undefined): number {
  return at === undefined ? NaN : Date.parse(at);
}
