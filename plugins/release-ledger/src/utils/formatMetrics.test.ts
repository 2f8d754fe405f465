import {
  HOUR_STEPS,
  PERCENT_STEPS,
  describeWindow,
  formatMetricDuration,
  formatNumber,
  formatRate,
  formatSampleSize,
  formatWeek,
  niceTicks,
  utcWeekOf,
} from './formatMetrics';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('formatMetrics', () => {
  it.each([
    [undefined, '—'],
    [-1, '—'],
    [Number.NaN, '—'],
    [0, '0 s'],
    [45_000, '45 s'],
    [12 * MINUTE, '12 min'],
    [59 * MINUTE, '59 min'],
    [HOUR, '1 h'],
    [3.24 * HOUR, '3.2 h'],
    [14.4 * HOUR, '14 h'],
    [DAY, '1 d'],
    [1.5 * DAY, '1.5 d'],
    [23.6 * DAY, '24 d'],
  ])('formats the duration %p ms as %p', (ms, text) => {
    expect(formatMetricDuration(ms)).toBe(text);
  });

  it('formats rates as percentages with at most one decimal', () => {
    expect(formatRate(0.125)).toBe('12.5 %');
    expect(formatRate(0.2)).toBe('20 %');
    expect(formatRate(1 / 3)).toBe('33.3 %');
    expect(formatRate(0)).toBe('0 %');
    expect(formatRate(undefined)).toBe('—');
  });

  it('rounds numbers for reading', () => {
    expect(formatNumber(4.2)).toBe('4.2');
    expect(formatNumber(3.0)).toBe('3');
    expect(formatNumber(0.2333)).toBe('0.2');
    expect(formatNumber(12.6)).toBe('13');
  });

  it('names what each sample counts', () => {
    expect(formatSampleSize('leadTime', 1)).toBe('1 change');
    expect(formatSampleSize('leadTime', 42)).toBe('42 changes');
    expect(formatSampleSize('changeFailureRate', 16)).toBe('16 deployments');
    expect(formatSampleSize('deploymentFrequency', 3)).toBe('3 promotions');
    expect(formatSampleSize('timeToRestore', 2)).toBe('2 restored failures');
    expect(formatSampleSize('reworkRate', 1)).toBe('1 deployment');
  });

  it('labels weeks and windows', () => {
    expect(formatWeek('2026-11-23T00:00:00.000Z')).toBe('Nov 23');
    expect(describeWindow('90d')).toBe('last 90 days');
  });

  it('finds the Monday of the current UTC week', () => {
    // Sunday 23:30 UTC is still the week that began on Monday the 23rd.
    expect(utcWeekOf(Date.parse('2026-11-29T23:30:00Z'))).toBe('2026-11-23');
    expect(utcWeekOf(Date.parse('2026-11-30T00:00:00Z'))).toBe('2026-11-30');
  });
});

describe('niceTicks', () => {
  it('picks a round step with at most four intervals', () => {
    expect(niceTicks(23.1, PERCENT_STEPS)).toEqual([0, 10, 20, 30]);
    expect(niceTicks(16.5, PERCENT_STEPS)).toEqual([0, 5, 10, 15, 20]);
    expect(niceTicks(60, HOUR_STEPS)).toEqual([0, 24, 48, 72]);
    expect(niceTicks(9.5, HOUR_STEPS)).toEqual([0, 3, 6, 9, 12]);
    expect(niceTicks(0.4, HOUR_STEPS)).toEqual([0, 0.25, 0.5]);
  });

  it('keeps an axis when there is no data, and grows past the largest step', () => {
    expect(niceTicks(0, HOUR_STEPS)).toEqual([0, 0.25]);
    expect(niceTicks(5000, HOUR_STEPS)).toEqual([0, 1440, 2880, 4320, 5760]);
  });
});
