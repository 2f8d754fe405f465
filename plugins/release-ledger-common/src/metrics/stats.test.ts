import fc from 'fast-check';
import {
  median,
  percentile,
  percentileOfSorted,
  percentiles,
  sortNumbers,
} from './stats';

describe('percentile (linear interpolation, as percentile_cont)', () => {
  it.each`
    values                  | p       | expected
    ${[7]}                  | ${0}    | ${7}
    ${[7]}                  | ${0.95} | ${7}
    ${[1, 2, 3, 4]}         | ${0}    | ${1}
    ${[1, 2, 3, 4]}         | ${0.5}  | ${2.5}
    ${[1, 2, 3, 4]}         | ${0.9}  | ${3.7}
    ${[1, 2, 3, 4]}         | ${1}    | ${4}
    ${[15, 20, 35, 40, 50]} | ${0.4}  | ${29}
    ${[15, 20, 35, 40, 50]} | ${0.5}  | ${35}
    ${[15, 20, 35, 40, 50]} | ${0.95} | ${48}
    ${[50, 15, 40, 20, 35]} | ${0.4}  | ${29}
    ${[10, 10, 10]}         | ${0.9}  | ${10}
    ${[-5, 5]}              | ${0.25} | ${-2.5}
  `('p$p of $values is $expected', ({ values, p, expected }) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 10);
  });

  it('has no percentile of an empty list', () => {
    expect(percentile([], 0.5)).toBeUndefined();
    expect(percentileOfSorted(new Float64Array(), 0.9)).toBeUndefined();
  });

  it('sorts numerically, not as strings, and leaves its input alone', () => {
    const values = [100, 9, 10];
    expect(percentile(values, 0)).toBe(9);
    expect(percentile(values, 1)).toBe(100);
    expect(values).toEqual([100, 9, 10]);
  });

  it('takes the median as p50', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });

  it.each([90, -0.1, 1.01, NaN])('refuses p = %p', p => {
    expect(() => percentile([1, 2], p)).toThrow(
      `percentile must be between 0 and 1, got ${p}`,
    );
  });

  it('does not depend on input order, stays within range and grows with p', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p, q) => {
          const sorted = [...values].sort((a, b) => a - b);
          const value = percentile(values, p)!;
          expect(percentile([...values].reverse(), p)).toBe(value);
          expect(percentileOfSorted(sorted, p)).toBe(value);
          expect(value).toBeGreaterThanOrEqual(sorted[0]);
          expect(value).toBeLessThanOrEqual(sorted[sorted.length - 1]);
          const [low, high] = p <= q ? [p, q] : [q, p];
          expect(percentile(values, low)!).toBeLessThanOrEqual(
            percentile(values, high)!,
          );
        },
      ),
    );
  });
});

describe('percentiles (by selection)', () => {
  const bySorting = (values: number[], ps: number[]) =>
    ps.map(p => percentileOfSorted(sortNumbers(values), p));

  it('answers exactly what sorting answers, for any list and any percentiles', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 600 }),
          fc.array(fc.integer({ min: 0, max: 5e8 }), { maxLength: 600 }),
          fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), {
            maxLength: 300,
          }),
        ),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
          minLength: 1,
          maxLength: 4,
        }),
        (values, ps) => {
          const copy = [...values];
          expect(percentiles(values, ps)).toEqual(bySorting(values, ps));
          expect(values).toEqual(copy);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('answers exactly what sorting answers for distinct values and nearby ranks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 400 }).chain(n =>
          fc.shuffledSubarray(
            Array.from({ length: n }, (_, i) => i * 3),
            { minLength: n },
          ),
        ),
        fc.integer({ min: 0, max: 1000 }),
        fc.array(fc.integer({ min: 0, max: 3 }), {
          minLength: 1,
          maxLength: 3,
        }),
        (values, start, steps) => {
          // Percentiles whose ranks are 0 to 3 apart.
          const n = values.length;
          const ranks = steps.reduce(
            (acc, step) => [
              ...acc,
              Math.min(n - 1, acc[acc.length - 1] + step),
            ],
            [Math.floor((start / 1000) * (n - 1))],
          );
          const ps = ranks
            .map(r => (r + 0.5) / (n - 1))
            .map(p => Math.min(p, 1));
          expect(percentiles(values, ps)).toEqual(bySorting(values, ps));
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    ['sorted', Array.from({ length: 5000 }, (_, i) => i)],
    ['reversed', Array.from({ length: 5000 }, (_, i) => 5000 - i)],
    ['all equal', Array.from({ length: 5000 }, () => 7)],
    [
      'organ pipe',
      Array.from({ length: 5000 }, (_, i) => Math.min(i, 5000 - i)),
    ],
    [
      'with -0 and NaN',
      [...Array.from({ length: 100 }, (_, i) => i), -0, 0, NaN],
    ],
  ])('handles a %s list', (_name, values) => {
    const ps = [0, 0.5, 0.9, 0.95, 1];
    expect(percentiles(values, ps)).toEqual(bySorting(values, ps));
  });

  it('answers undefined for an empty list and refuses a bad p', () => {
    expect(percentiles([], [0.5, 0.9])).toEqual([undefined, undefined]);
    expect(() => percentiles([1], [0.5, 2])).toThrow(
      'percentile must be between 0 and 1, got 2',
    );
  });
});
