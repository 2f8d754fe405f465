import {
  formatDuration,
  formatFlagValue,
  formatRelative,
  formatUtc,
  releaseDuration,
  shortCommit,
} from './format';

describe('format', () => {
  it('formats UTC times', () => {
    expect(formatUtc('2026-11-27T10:05:09.123+01:00')).toBe(
      '2026-11-27 09:05 UTC',
    );
    expect(formatUtc(undefined)).toBe('—');
  });

  it('formats relative times', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(formatRelative('2026-11-27T09:00:00Z', now)).toBe('3 hours ago');
    expect(formatRelative('2026-11-26T12:00:00Z', now)).toBe('yesterday');
    expect(formatRelative('2026-11-27T12:05:00Z', now)).toBe('in 5 minutes');
  });

  it('formats durations', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(12 * 60_000 + 5_000)).toBe('12m 5s');
    expect(formatDuration(3 * 3600_000 + 20 * 60_000)).toBe('3h 20m');
    expect(formatDuration(2 * 86400_000 + 4 * 3600_000)).toBe('2d 4h');
  });

  it('measures a release from start to finish, or to now while running', () => {
    const now = Date.parse('2026-11-27T10:30:00Z');
    expect(
      releaseDuration(
        {
          startedAt: '2026-11-27T10:00:00Z',
          finishedAt: '2026-11-27T10:42:00Z',
        },
        now,
      ),
    ).toEqual({ text: '42m', running: false });
    expect(releaseDuration({ startedAt: '2026-11-27T10:00:00Z' }, now)).toEqual(
      { text: '30m', running: true },
    );
    expect(releaseDuration({}, now)).toBeUndefined();
  });

  it('shortens commits and renders flag values', () => {
    expect(shortCommit('0123456789abcdef')).toBe('0123456');
    expect(formatFlagValue(true)).toBe('true');
    expect(formatFlagValue(null)).toBe('null');
    expect(formatFlagValue(undefined)).toBe('unset');
    expect(formatFlagValue(25)).toBe('25');
  });
});
