import { backoffDelayMs } from './backoff';

describe('backoffDelayMs', () => {
  it.each([
    // attempt, random, expected
    [1, 0, 500],
    [1, 1, 1000],
    [2, 0, 1000],
    [3, 1, 4000],
    [4, 0.5, 6000],
    [20, 1, 300_000],
    [20, 0, 150_000],
  ])('attempt %i with random %d waits %i ms', (attempt, r, expected) => {
    expect(backoffDelayMs(attempt, { random: () => r })).toBe(expected);
  });

  it('spreads retries of the same attempt', () => {
    const delays = new Set(
      Array.from({ length: 20 }, (_, i) =>
        backoffDelayMs(5, { random: () => i / 20 }),
      ),
    );
    expect(delays.size).toBe(20);
  });

  it('honours custom base and cap', () => {
    expect(backoffDelayMs(3, { baseMs: 10, maxMs: 25, random: () => 1 })).toBe(
      25,
    );
  });
});
