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

/** Below this many values sorting is as quick as selecting. */
const SELECT_MIN_LENGTH = 64;

/**
 * Several `p`-quantiles of values in any order, each exactly
 * `percentileOfSorted(sortNumbers(values), p)`, found by selection (the
 * ranks each percentile reads, in expected linear time) instead of a full
 * sort. The input is not modified.
 *
 * @returns one value per `p`, undefined for an empty list.
 * @public
 */
export function percentiles(
  values: ArrayLike<number>,
  ps: readonly number[],
): Array<number | undefined> {
  for (const p of ps) {
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`percentile must be between 0 and 1, got ${p}`);
    }
  }
  const n = values.length;
  if (n === 0) return ps.map(() => undefined);
  const a = new Float64Array(n);
  // Sorting orders NaN last and -0 before 0; selection does not, so lists
  // holding either are sorted.
  let plain = n >= SELECT_MIN_LENGTH;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    a[i] = v;
    if (Number.isNaN(v) || Object.is(v, -0)) plain = false;
  }
  if (!plain) {
    a.sort();
    return ps.map(p => percentileOfSorted(a, p));
  }
  // Ranks in increasing order: each selection leaves everything below its
  // rank on its left, so the next one only partitions the right part.
  const order = ps.map((_, i) => i).sort((x, y) => ps[x] - ps[y]);
  const out: Array<number | undefined> = ps.map(() => undefined);
  let lo = 0;
  for (const i of order) {
    const rank = (n - 1) * ps[i];
    const below = Math.floor(rank);
    const above = Math.min(below + 1, n - 1);
    if (below >= lo) {
      selectRank(a, lo, n - 1, below);
      lo = below + 1;
    }
    const low = a[below];
    let high = low;
    if (above > below) {
      // The smallest value right of `below`.
      high = a[above];
      for (let k = above + 1; k < n; k++) if (a[k] < high) high = a[k];
    }
    out[i] = low + (rank - below) * (high - low);
  }
  return out;
}

/**
 * Rearranges a[from..to] so that a[k] holds the value a sorted copy has there,
 * with nothing larger before it and nothing smaller after it (quickselect
 * with a median-of-three pivot; a range that keeps failing to shrink is
 * sorted instead).
 */
function selectRank(a: Float64Array, from: number, to: number, k: number) {
  let lo = from;
  let hi = to;
  let budget = 2 * Math.ceil(Math.log2(hi - lo + 2)) + 8;
  while (hi > lo) {
    if (hi - lo < 16 || budget-- === 0) {
      a.subarray(lo, hi + 1).sort();
      return;
    }
    const mid = lo + ((hi - lo) >> 1);
    // Median of three to a[mid], smallest to a[lo], largest to a[hi].
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    // Now a[lo..j] <= pivot <= a[i..hi], and a[j+1..i-1] equal the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number) {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
