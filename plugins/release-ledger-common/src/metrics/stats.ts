/**
 * The `p`-quantile (0 ≤ p ≤ 1) of values already sorted ascending, by linear
 * interpolation between the closest ranks: the value at rank `(n − 1) · p`,
 * interpolated between its neighbours. This is PostgreSQL's
 * `percentile_cont`, numpy's default and Excel's `PERCENTILE.INC`, so the
 * figures can be checked against SQL over the same rows.
 *
 * Use this to take several percentiles of one list after sorting it once.
 *
 * @returns undefined for an empty list.
 * @public
 */
export function percentileOfSorted(
  sorted: ArrayLike<number>,
  p: number,
): number | undefined {
  if (!(p >= 0 && p <= 1)) {
    throw new RangeError(`percentile must be between 0 and 1, got ${p}`);
  }
  const n = sorted.length;
  if (n === 0) {
    return undefined;
  }
  const rank = (n - 1) * p;
  const below = Math.floor(rank);
  const above = Math.min(below + 1, n - 1);
  return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
}

/**
 * Sorts numbers ascending into a new typed array (numeric order, without the
 * string comparison of `Array.prototype.sort`).
 *
 * @public
 */
export function sortNumbers(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * The `p`-quantile (0 ≤ p ≤ 1) of values in any order; see
 * {@link percentileOfSorted} for the definition. The input is not modified.
 *
 * @returns undefined for an empty list.
 * @public
 */
export function percentile(
  values: ArrayLike<number>,
  p: number,
): number | undefined {
  return percentileOfSorted(sortNumbers(values), p);
}

/**
 * The median, which is the 0.5-quantile of {@link percentile}.
 *
 * @public
 */
export function median(values: ArrayLike<number>): number | undefined {
  return percentile(values, 0.5);
}
