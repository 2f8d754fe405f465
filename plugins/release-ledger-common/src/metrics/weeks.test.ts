import { WEEK_MS, utcWeekStart, weeksInWindow } from './weeks';

const ms = (iso: string) => Date.parse(iso);
const iso = (time: number) => new Date(time).toISOString();

describe('utcWeekStart', () => {
  it.each`
    at                             | weekStart
    ${'2026-03-15T23:59:59.999Z'}  | ${'2026-03-09T00:00:00.000Z'}
    ${'2026-03-16T00:00:00.000Z'}  | ${'2026-03-16T00:00:00.000Z'}
    ${'2026-03-16T00:00:00.001Z'}  | ${'2026-03-16T00:00:00.000Z'}
    ${'2026-03-18T12:34:56.789Z'}  | ${'2026-03-16T00:00:00.000Z'}
    ${'2026-03-29T01:30:00.000Z'}  | ${'2026-03-23T00:00:00.000Z'}
    ${'2026-10-25T01:30:00.000Z'}  | ${'2026-10-19T00:00:00.000Z'}
    ${'2026-03-15T23:30:00-02:00'} | ${'2026-03-16T00:00:00.000Z'}
    ${'1970-01-01T00:00:00.000Z'}  | ${'1969-12-29T00:00:00.000Z'}
    ${'1969-12-31T12:00:00.000Z'}  | ${'1969-12-29T00:00:00.000Z'}
  `('puts $at in the week of $weekStart', ({ at, weekStart }) => {
    expect(iso(utcWeekStart(ms(at)))).toBe(weekStart);
  });
});

describe('weeksInWindow', () => {
  it.each`
    name                              | from                          | to                            | weeks
    ${'one whole week'}               | ${'2026-03-09T00:00:00.000Z'} | ${'2026-03-16T00:00:00.000Z'} | ${['2026-03-09']}
    ${'a week from mid-week'}         | ${'2026-03-11T12:00:00.000Z'} | ${'2026-03-18T12:00:00.000Z'} | ${['2026-03-09', '2026-03-16']}
    ${'one millisecond past Sunday'}  | ${'2026-03-09T00:00:00.000Z'} | ${'2026-03-16T00:00:00.001Z'} | ${['2026-03-09', '2026-03-16']}
    ${'late March (EU, US DST)'}      | ${'2026-03-23T00:00:00.000Z'} | ${'2026-04-06T00:00:00.000Z'} | ${['2026-03-23', '2026-03-30']}
    ${'late October (EU, US DST)'}    | ${'2026-10-19T00:00:00.000Z'} | ${'2026-11-09T00:00:00.000Z'} | ${['2026-10-19', '2026-10-26', '2026-11-02']}
    ${'an empty window'}              | ${'2026-03-11T12:00:00.000Z'} | ${'2026-03-11T12:00:00.000Z'} | ${[]}
    ${'a window that ends too early'} | ${'2026-03-11T12:00:00.000Z'} | ${'2026-03-10T12:00:00.000Z'} | ${[]}
  `('lists the weeks of $name', ({ from, to, weeks }) => {
    const starts = weeksInWindow(ms(from), ms(to));
    expect(starts.map(iso)).toEqual(
      weeks.map((day: string) => `${day}T00:00:00.000Z`),
    );
    starts.slice(1).forEach((start, i) => {
      expect(start - starts[i]).toBe(WEEK_MS);
    });
  });
});
