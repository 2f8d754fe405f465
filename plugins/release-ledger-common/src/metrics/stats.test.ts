import fc from 'fast-check';
import { median, percentile, percentileOfSorted } from './stats';

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
