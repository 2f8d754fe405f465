/*
 * Weeks are ISO weeks in UTC: Monday 00:00:00.000Z to the next Monday. UTC
 * has no daylight saving, so every day is 86 400 000 ms and plain epoch
 * arithmetic is exact; no time-zone library is needed.
 */

/**
 * Milliseconds in a UTC day.
 *
 * @public
 */
export const DAY_MS = 86_400_000;

/**
 * Milliseconds in a UTC week.
 *
 * @public
 */
export const WEEK_MS = 7 * DAY_MS;

// 1970-01-01 was a Thursday, three days after the Monday that starts its week.
const EPOCH_WEEKDAY_FROM_MONDAY = 3;

/**
 * The start (Monday 00:00:00.000 UTC) of the week holding `ms`.
 *
 * @public
 */
export function utcWeekStart(ms: number): number {
  const shifted = ms + EPOCH_WEEKDAY_FROM_MONDAY * DAY_MS;
  return shifted - mod(shifted, WEEK_MS) - EPOCH_WEEKDAY_FROM_MONDAY * DAY_MS;
}

/**
 * The start of every UTC week that overlaps the window [from, to), oldest
 * first; empty when the window is.
 *
 * @public
 */
export function weeksInWindow(fromMs: number, toMs: number): number[] {
  const starts: number[] = [];
  if (!(fromMs < toMs)) {
    return starts;
  }
  for (let start = utcWeekStart(fromMs); start < toMs; start += WEEK_MS) {
    starts.push(start);
  }
  return starts;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
