import type { Release } from '@release-ledger/plugin-release-ledger-common';

/** `2026-11-27 10:00 UTC`; `—` for a missing or unparsable time. */
export function formatUtc(iso: string | undefined): string {
  if (!iso) {
    return '—';
  }
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    return iso;
  }
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `2026-11-27 10:00:05 UTC`, with seconds, for event timelines. */
export function formatUtcSeconds(iso: string | undefined): string {
  if (!iso) {
    return '—';
  }
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    return iso;
  }
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const RELATIVE_UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
  ['second', 1000],
];

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** `3 hours ago`, `in 2 minutes`, `now`. */
export function formatRelative(
  iso: string | undefined,
  now: number = Date.now(),
): string {
  if (!iso) {
    return '';
  }
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    return '';
  }
  const diff = ms - now;
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(diff) >= size || unit === 'second') {
      return relativeFormat.format(Math.round(diff / size), unit);
    }
  }
  return '';
}

/** `45s`, `12m 5s`, `3h 20m`, `2d 4h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    return '—';
  }
  const seconds = Math.floor(ms / 1000);
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const secs = seconds % 60;
  if (days > 0) {
    return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  }
  if (hours > 0) {
    return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
  }
  if (minutes > 0) {
    return secs > 0 ? `${minutes}m ${secs}s` : `${minutes}m`;
  }
  return `${secs}s`;
}

/**
 * How long a release took: started → finished, or started → now while it is
 * still running. `undefined` when it has not started.
 */
export function releaseDuration(
  release: Pick<Release, 'startedAt' | 'finishedAt'>,
  now: number = Date.now(),
): { text: string; running: boolean } | undefined {
  if (!release.startedAt) {
    return undefined;
  }
  const start = Date.parse(release.startedAt);
  if (Number.isNaN(start)) {
    return undefined;
  }
  const end = release.finishedAt ? Date.parse(release.finishedAt) : now;
  return {
    text: formatDuration(end - start),
    running: !release.finishedAt,
  };
}

/** The first 7 characters of a commit sha. */
export function shortCommit(commit: string | undefined): string | undefined {
  return commit ? commit.slice(0, 7) : undefined;
}

/** Renders a feature flag value (string, number, boolean or null) as text. */
export function formatFlagValue(value: unknown): string {
  if (value === undefined) {
    return 'unset';
  }
  if (value === null) {
    return 'null';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value) ?? String(value);
}
