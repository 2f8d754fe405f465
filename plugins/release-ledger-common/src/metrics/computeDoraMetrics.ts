import {
  BAND_SETS,
  BandName,
  BandSet,
  DEFAULT_BAND_SET_NAME,
  bandFor,
} from './bands';
import {
  DEFAULT_MIN_SAMPLES,
  DORA_ENVIRONMENT,
  isBandedMetric,
  MetricId,
} from './definitions';
import type { ReleaseFootprint } from './footprint';
import { percentiles } from './stats';
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
 * DORA's failed deployment recovery time: first failure signal →
 * restoration, over exactly the failures the window's change failure rate
 * counts (releases started in the window that failed). Sample: restored
 * failures. Band: the median, in hours.
 *
 * @public
 */
export type TimeToRestoreFigure = DoraFigure & {
  p50Ms?: number;
  p95Ms?: number;
  /** Failures of the window that are not restored (yet); with the sample, all of its failures. */
  unrestored: number;
};

/**
 * Deployments that fix an incident or an earlier release ÷ deployments,
 * over releases started in production in the window, as change failure
 * rate counts them. Sample: deployments. Never banded: DORA's performance
 * tables have no thresholds for it.
 *
 * @public
 */
export type ReworkRateFigure = DoraFigure & {
  deployments: number;
  /** Deployments whose release fixes an incident or an earlier release. */
  reworkDeployments: number;
  /** A fraction; absent without deployments. */
  rate?: number;
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
  /** Failures of releases started this week that are restored: never more than `failures`. */
  restored: number;
  timeToRestoreP50Ms?: number;
  timeToRestoreP95Ms?: number;
  /** Deployments of releases started this week that are rework. */
  reworkDeployments: number;
  reworkRate?: number;
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
  reworkRate: ReworkRateFigure;
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
  leadTimes: number[];
  deployments: number;
  failures: number;
  restoreTimes: number[];
  reworks: number;
};

/**
 * A release footprint reduced to what the figures read, with its times as
 * epoch milliseconds (NaN when absent or unreadable). See
 * {@link footprintTimes} for how a {@link ReleaseFootprint} maps to it.
 *
 * @public
 */
export type DoraFootprintTimes = {
  /** In the DORA environment; a footprint elsewhere counts towards no figure. */
  production: boolean;
  /** Started in production (`isDeployment`). */
  deployment: boolean;
  startedMs: number;
  promotedMs: number;
  /** Counted only when the release was promoted in the window. */
  leadTimesMs: ArrayLike<number>;
  failed: boolean;
  /** Read only when `failed`; no figure is bucketed by it. */
  firstFailureSignalMs: number;
  /** Absent when the failure is not restored (yet). */
  timeToRestoreMs?: number;
  /** A deployment that fixes something; read only with `deployment`. */
  rework: boolean;
};

/**
 * The times a footprint's figures read, parsed once; `into` is filled and
 * answered when given (to reuse one object over many footprints).
 *
 * @public
 */
export function footprintTimes(
  footprint: ReleaseFootprint,
  into?: DoraFootprintTimes,
): DoraFootprintTimes {
  const out: DoraFootprintTimes = into ?? {
    production: false,
    deployment: false,
    startedMs: NaN,
    promotedMs: NaN,
    leadTimesMs: [],
    failed: false,
    firstFailureSignalMs: NaN,
    rework: false,
  };
  out.production = footprint.environment === DORA_ENVIRONMENT;
  out.deployment = footprint.isDeployment;
  out.startedMs = parse(footprint.startedAt);
  out.promotedMs = parse(footprint.promotedAt);
  out.leadTimesMs = footprint.leadTimesMs;
  out.failed = footprint.failed;
  out.firstFailureSignalMs = parse(footprint.firstFailureSignalAt);
  out.timeToRestoreMs = footprint.timeToRestoreMs;
  out.rework = footprint.isRework === true;
  return out;
}

/**
 * Computes the DORA metrics over the window [from, to) one footprint at a
 * time: `add` each footprint's times (see {@link footprintTimes}), then
 * read `metrics()`. This is what {@link computeDoraMetrics} does; use it
 * directly to compute several scopes (e.g. the org and each team) in one
 * pass, parsing each footprint's times once.
 *
 * @public
 */
export class DoraMetricsAccumulator {
  readonly #fromMs: number;
  readonly #toMs: number;
  readonly #bandSet: BandSet;
  readonly #minSamples: number;
  readonly #withTrend: boolean;
  readonly #weekStarts: number[];
  readonly #buckets: WeekBucket[];
  readonly #firstDay: number;
  readonly #isDeployDay: Uint8Array;
  #deploys = 0;
  #deployments = 0;
  #failures = 0;
  #unrestored = 0;
  #reworks = 0;
  readonly #leadTimes: number[] = [];
  readonly #restoreTimes: number[] = [];

  constructor(options: ComputeDoraMetricsOptions) {
    const fromMs = Date.parse(options.from);
    const toMs = Date.parse(options.to);
    if (!(fromMs < toMs)) {
      throw new RangeError(
        `from and to must be ISO 8601 date-times with from before to, got '${options.from}' and '${options.to}'`,
      );
    }
    const minSamples = options.minSamples ?? DEFAULT_MIN_SAMPLES;
    if (!(Number.isInteger(minSamples) && minSamples >= 0)) {
      throw new RangeError(
        `minSamples must be a non-negative integer, got ${minSamples}`,
      );
    }
    this.#fromMs = fromMs;
    this.#toMs = toMs;
    this.#bandSet = options.bandSet ?? BAND_SETS[DEFAULT_BAND_SET_NAME];
    this.#minSamples = minSamples;
    this.#withTrend = options.trend !== false;
    this.#weekStarts = weeksInWindow(fromMs, toMs);
    this.#buckets = this.#weekStarts.map(() => ({
      deploys: 0,
      leadTimes: [],
      deployments: 0,
      failures: 0,
      restoreTimes: [],
      reworks: 0,
    }));
    this.#firstDay = Math.floor(fromMs / DAY_MS);
    this.#isDeployDay = new Uint8Array(
      Math.floor((toMs - 1) / DAY_MS) - this.#firstDay + 1,
    );
  }

  #weekOf(ms: number): WeekBucket {
    return this.#buckets[Math.floor((ms - this.#weekStarts[0]) / WEEK_MS)];
  }

  /** Counts one footprint; its `leadTimesMs` are copied, not kept. */
  add(footprint: DoraFootprintTimes): void {
    if (!footprint.production) {
      return;
    }
    const fromMs = this.#fromMs;
    const toMs = this.#toMs;
    // NaN (an absent or unreadable time) is never in the window.
    const promotedMs = footprint.promotedMs;
    if (promotedMs >= fromMs && promotedMs < toMs) {
      const week = this.#weekOf(promotedMs);
      this.#deploys += 1;
      week.deploys += 1;
      this.#isDeployDay[Math.floor(promotedMs / DAY_MS) - this.#firstDay] = 1;
      const leadTimesMs = footprint.leadTimesMs;
      for (let i = 0; i < leadTimesMs.length; i++) {
        this.#leadTimes.push(leadTimesMs[i]);
        if (this.#withTrend) week.leadTimes.push(leadTimesMs[i]);
      }
    }
    const startedMs = footprint.deployment ? footprint.startedMs : NaN;
    if (startedMs >= fromMs && startedMs < toMs) {
      const week = this.#weekOf(startedMs);
      this.#deployments += 1;
      week.deployments += 1;
      if (footprint.rework) {
        this.#reworks += 1;
        week.reworks += 1;
      }
      if (footprint.failed) {
        this.#failures += 1;
        week.failures += 1;
        // Time to restore covers exactly the failures counted here, in the
        // week the release started: a window or week never shows more
        // restores than failures (DORA's failed deployment recovery time).
        const restoreMs = footprint.timeToRestoreMs;
        if (restoreMs === undefined) {
          this.#unrestored += 1;
        } else {
          this.#restoreTimes.push(restoreMs);
          if (this.#withTrend) week.restoreTimes.push(restoreMs);
        }
      }
    }
  }

  /** The figures of every footprint added so far. */
  metrics(): DoraMetrics {
    const fromMs = this.#fromMs;
    const toMs = this.#toMs;
    const bandSet = this.#bandSet;
    const minSamples = this.#minSamples;
    const weekStarts = this.#weekStarts;
    const deploys = this.#deploys;
    const deployments = this.#deployments;
    const failures = this.#failures;
    const reworks = this.#reworks;
    const leadTimes = this.#leadTimes;
    const restoreTimes = this.#restoreTimes;

    // Deploy days per week are counted here, so metrics() can be read twice.
    const deployDaysOfWeek = weekStarts.map(() => 0);
    let deployDays = 0;
    this.#isDeployDay.forEach((marked, offset) => {
      if (marked) {
        deployDays += 1;
        deployDaysOfWeek[
          Math.floor(
            ((this.#firstDay + offset) * DAY_MS - weekStarts[0]) / WEEK_MS,
          )
        ] += 1;
      }
    });

    const figure = (
      metric: MetricId,
      sampleSize: number,
      bandValue: number | undefined,
    ): DoraFigure => {
      const notEnoughData = sampleSize < minSamples;
      return notEnoughData || bandValue === undefined || !isBandedMetric(metric)
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

    const [leadTimeP50, leadTimeP90] = percentiles(leadTimes, [0.5, 0.9]);
    const [restoreP50, restoreP95] = percentiles(restoreTimes, [0.5, 0.95]);
    const rate = deployments > 0 ? failures / deployments : undefined;
    const reworkRate = deployments > 0 ? reworks / deployments : undefined;

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
        p90Ms: leadTimeP90,
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
        p95Ms: restoreP95,
        unrestored: this.#unrestored,
      },
      reworkRate: {
        ...figure('reworkRate', deployments, reworkRate),
        deployments,
        reworkDeployments: reworks,
        rate: reworkRate,
      },
      trend: (this.#withTrend ? this.#buckets : []).map((week, i) => {
        const weekStart = weekStarts[i];
        const [weekLeadP50, weekLeadP90] = percentiles(
          week.leadTimes,
          [0.5, 0.9],
        );
        const [weekRestoreP50, weekRestoreP95] = percentiles(
          week.restoreTimes,
          [0.5, 0.95],
        );
        return {
          weekStart: new Date(weekStart).toISOString(),
          partial: weekStart < fromMs || weekStart + WEEK_MS > toMs,
          deploys: week.deploys,
          deployDays: deployDaysOfWeek[i],
          changes: week.leadTimes.length,
          leadTimeP50Ms: weekLeadP50,
          leadTimeP90Ms: weekLeadP90,
          deployments: week.deployments,
          failures: week.failures,
          changeFailureRate:
            week.deployments > 0 ? week.failures / week.deployments : undefined,
          restored: week.restoreTimes.length,
          timeToRestoreP50Ms: weekRestoreP50,
          timeToRestoreP95Ms: weekRestoreP95,
          reworkDeployments: week.reworks,
          reworkRate:
            week.deployments > 0 ? week.reworks / week.deployments : undefined,
        };
      }),
    };
  }
}

/**
 * Computes the five DORA metrics and their weekly trend over the window
 * [from, to) from release footprints (see `releaseFootprint`), in one pass
 * over the footprints and one selection per percentile.
 *
 * @public
 */
export function computeDoraMetrics(
  footprints: readonly ReleaseFootprint[],
  options: ComputeDoraMetricsOptions,
): DoraMetrics {
  const accumulator = new DoraMetricsAccumulator(options);
  const times = footprintTimes({
    releaseId: '',
    entityRef: '',
    environment: '',
    isDeployment: false,
    leadTimesMs: [],
    failed: false,
    failureCauses: [],
  });
  for (const footprint of footprints) {
    accumulator.add(footprintTimes(footprint, times));
  }
  return accumulator.metrics();
}

function parse(at: string | undefined): number {
  return at === undefined ? NaN : Date.parse(at);
}
