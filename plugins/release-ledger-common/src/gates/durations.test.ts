import { parsePromQLDuration } from './durations';

describe('parsePromQLDuration', () => {
  it.each`
    text         | ms
    ${'30s'}     | ${30_000}
    ${'1m'}      | ${60_000}
    ${'5ms'}     | ${5}
    ${'1h30m'}   | ${5_400_000}
    ${'2d'}      | ${172_800_000}
    ${'1w'}      | ${604_800_000}
    ${'1y'}      | ${31_536_000_000}
    ${'1m30s'}   | ${90_000}
    ${'1m500ms'} | ${60_500}
    ${'0s'}      | ${0}
  `('reads $text as $ms ms', ({ text, ms }) => {
    expect(parsePromQLDuration(text)).toBe(ms);
  });

  it.each([
    '',
    '5',
    '1.5m',
    '1 minute',
    '30S',
    '30s1m',
    '1m1m',
    '-1m',
    ' 1m',
    '1m]',
    '1m) or vector(1',
  ])('rejects %j', text => {
    expect(parsePromQLDuration(text)).toBeUndefined();
  });
});
