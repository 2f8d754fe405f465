import type { BandedMetricId } from './definitions';

/**
 * Performance bands from the State of DevOps reports, best first.
 *
 * @public
 */
export const BAND_NAMES = ['elite', 'high', 'medium', 'low'] as const;

/** @public */
export type BandName = (typeof BAND_NAMES)[number];

/**
 * One step of a band ladder. `max` (at most, for metrics where lower is
 * better) or `min` (at least, for deployment frequency), inclusive, in the
 * metric's band unit: deploy days per week, hours, or a fraction.
 *
 * @public
 */
export type BandThreshold =
  | { band: BandName; max: number }
  | { band: BandName; min: number };

/**
 * A metric's band ladder, best band first. The first step a value satisfies
 * gives its band; a value that satisfies none is `low`.
 *
 * @public
 */
export type BandThresholds = readonly BandThreshold[];

/**
 * A named set of band ladders, one per banded metric (deployment rework
 * rate has none: see `BANDED_METRIC_IDS`).
 *
 * @public
 */
export type BandSet = {
  name: string;
  description?: string;
} & Readonly<Record<BandedMetricId, BandThresholds>>;

/** @public */
export const DEFAULT_BAND_SET_NAME = 'dora-2023';

// A 30-day month keeps the thresholds round; the reports do not say more.
const DAY_HOURS = 24;
const WEEK_HOURS = 7 * DAY_HOURS;
const MONTH_HOURS = 30 * DAY_HOURS;
const SIX_MONTHS_HOURS = 6 * MONTH_HOURS;
const ONCE_A_MONTH_PER_WEEK = 7 / 30;
const ONCE_IN_SIX_MONTHS_PER_WEEK = 7 / 180;

/*
 * How the report tables became thresholds, the same way for both sets:
 *
 * 1. A band's threshold is the worse end of its range (the slowest lead time
 *    or rarest deployment the report still puts in it), so a value in a gap
 *    between two ranges gets the worse band: a band is earned by reaching it.
 * 2. Ranges meet at their ends ("less than one day" / "between one day and
 *    one week"); the boundary value goes to the better band (`max` and `min`
 *    are inclusive).
 * 3. Where the report gives several bands the same range, a value in it gets
 *    the best of them and a value beyond it gets `low`.
 * 4. Deployment frequency is banded on deploy days per week, which cannot see
 *    several deploys on one day. "On demand" is read as deploying on at least
 *    three days a week, the reading of "daily" used by Google's Four Keys
 *    dashboard; "once per week" is one deploy day a week.
 * 5. The 2023 change failure rates are single values per band, not ranges;
 *    each is read as the band's ceiling.
 * 6. Neither table has a row for deployment rework rate (DORA's fifth
 *    metric came later), so no set ranks it: no thresholds are invented.
 */

const dora2023: BandSet = {
  name: 'dora-2023',
  description: 'Accelerate State of DevOps Report 2023',
  // Elite "On demand"; High "Between once per day and once per week";
  // Medium and Low both "Between once per week and once per month" (rule 3).
  deploymentFrequency: [
    { band: 'elite', min: 3 },
    { band: 'high', min: 1 },
    { band: 'medium', min: ONCE_A_MONTH_PER_WEEK },
  ],
  // Elite "Less than one day"; High "Between one day and one week"; Medium
  // and Low both "Between one week and one month" (rule 3).
  leadTime: [
    { band: 'elite', max: DAY_HOURS },
    { band: 'high', max: WEEK_HOURS },
    { band: 'medium', max: MONTH_HOURS },
  ],
  // Elite 5%, High 10%, Medium 15%, Low 64% (rule 5).
  changeFailureRate: [
    { band: 'elite', max: 0.05 },
    { band: 'high', max: 0.1 },
    { band: 'medium', max: 0.15 },
  ],
  // "Failed deployment recovery time": Elite "Less than one hour"; High
  // "Less than one day"; Medium "Between one day and one week"; Low "Between
  // one month and six months" (the week-to-month gap falls to Low, rule 1).
  timeToRestore: [
    { band: 'elite', max: 1 },
    { band: 'high', max: DAY_HOURS },
    { band: 'medium', max: WEEK_HOURS },
  ],
};

const dora2021: BandSet = {
  name: 'dora-2021',
  description: 'Accelerate State of DevOps Report 2021',
  // Elite "On-demand (multiple deploys per day)"; High "Between once per week
  // and once per month"; Medium "Between once per month and once every 6
  // months"; Low "Fewer than once per six months".
  deploymentFrequency: [
    { band: 'elite', min: 3 },
    { band: 'high', min: ONCE_A_MONTH_PER_WEEK },
    { band: 'medium', min: ONCE_IN_SIX_MONTHS_PER_WEEK },
  ],
  // Elite "Less than one hour"; High "Between one day and one week"; Medium
  // "Between one month and six months"; Low "More than six months".
  leadTime: [
    { band: 'elite', max: 1 },
    { band: 'high', max: WEEK_HOURS },
    { band: 'medium', max: SIX_MONTHS_HOURS },
  ],
  // Elite "0%-15%"; High, Medium and Low all "16%-30%" (rule 3: 16–30% is
  // High, Medium cannot be told apart, above 30% is Low).
  changeFailureRate: [
    { band: 'elite', max: 0.15 },
    { band: 'high', max: 0.3 },
  ],
  // "Time to restore service": Elite "Less than one hour"; High "Less than
  // one day"; Medium "Between one day and one week"; Low "More than six
  // months" (the gap after a week falls to Low, rule 1).
  timeToRestore: [
    { band: 'elite', max: 1 },
    { band: 'high', max: DAY_HOURS },
    { band: 'medium', max: WEEK_HOURS },
  ],
};

/**
 * The built-in band sets. `dora-2023` is the default.
 *
 * @public
 */
export const BAND_SETS: Readonly<Record<'dora-2023' | 'dora-2021', BandSet>> = {
  'dora-2023': dora2023,
  'dora-2021': dora2021,
};

/**
 * The band of a value on a metric's ladder.
 *
 * @param value - in the metric's band unit: deploy days per week for
 *   deployment frequency, hours for lead time and time to restore, a fraction
 *   (0.15 for 15%) for change failure rate.
 * @public
 */
export function bandFor(
  metric: BandedMetricId,
  value: number,
  bandSet: BandSet,
): BandName {
  if (!Number.isFinite(value)) {
    throw new RangeError(
      `bandFor(${metric}): value must be a finite number, got ${value}`,
    );
  }
  for (const step of bandSet[metric]) {
    if ('max' in step ? value <= step.max : value >= step.min) {
      return step.band;
    }
  }
  return 'low';
}

/**
 * Finds a band set by name among the built-in sets and `customSets` (as read
 * by `parseCustomBandSets`, which refuses custom sets that reuse a built-in
 * name).
 *
 * @throws Error naming the unknown set and listing the known ones.
 * @public
 */
export function resolveBandSet(
  name: string = DEFAULT_BAND_SET_NAME,
  customSets: Readonly<Record<string, BandSet>> = {},
): BandSet {
  if (Object.hasOwn(BAND_SETS, name)) {
    return BAND_SETS[name as keyof typeof BAND_SETS];
  }
  if (Object.hasOwn(customSets, name)) {
    return customSets[name];
  }
  const known = [...Object.keys(BAND_SETS), ...Object.keys(customSets)];
  throw new Error(`unknown band set '${name}'; known: ${known.join(', ')}`);
}
