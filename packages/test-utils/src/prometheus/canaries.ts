import { BackfillFamily, BackfillSample } from './openMetrics';

/**
 * Backfilled canaries at fixed past times, so queries and reasons are
 * reproducible: the canary window is 12:00–12:20 UTC on 2024-06-03, with
 * counters every 15 s from 11:50. Query at these times, never at "now".
 */
export const CANARY_START = Date.UTC(2024, 5, 3, 12, 0, 0);
export const CANARY_MINUTES = 20;
const SERIES_START = CANARY_START - 10 * 60_000;
const SCRAPE_MS = 15_000;
const REQUESTS_PER_SCRAPE = 3000; // 200 requests a second

/** The time `minute` minutes into the canary window. */
export function canaryTime(minute: number): Date {
  return new Date(CANARY_START + minute * 60_000);
}

/** Flapping canary, one letter per canary minute 1..10 then good: `p` 0.2 % errors, `f` 3 %. */
export const FLAPPING_PATTERN = 'pfpfpppfpp';

export type Canary = {
  service: string;
  version: string;
  /** Error ratio during canary minute `minute` (1-based); undefined: no traffic. */
  errorRatio(minute: number): number | undefined;
};

export const CANARIES = {
  healthy: {
    service: 'payments',
    version: '2.0.0',
    errorRatio: () => 0.002,
  },
  failing: {
    service: 'cart',
    version: '3.1.0',
    errorRatio: () => 0.05,
  },
  noTraffic: {
    service: 'search',
    version: '1.0.0',
    errorRatio: () => undefined,
  },
  flapping: {
    service: 'inventory',
    version: '4.0.0',
    errorRatio: minute => (FLAPPING_PATTERN[minute - 1] === 'f' ? 0.03 : 0.002),
  },
} satisfies Record<string, Canary>;

/**
 * The error ratio of a canary over the minute before `{{interval}}` ends,
 * as the gates ask for it.
 */
export const ERROR_RATIO_QUERY =
  'sum(rate(http_requests_total{service="{{entity}}",version="{{version}}",code=~"5.."}[{{interval}}])) / sum(rate(http_requests_total{service="{{entity}}",version="{{version}}"}[{{interval}}]))';

function requestSamples(canary: Canary): BackfillSample[] {
  const samples: BackfillSample[] = [];
  let ok = 0;
  let errors = 0;
  for (
    let at = SERIES_START;
    at <= CANARY_START + CANARY_MINUTES * 60_000;
    at += SCRAPE_MS
  ) {
    // The requests counted at `at` happened in the 15 s before it, so a
    // one-minute rate ending on a whole minute sees that minute alone.
    // Before the window the canary runs as in its first minute.
    const minute = Math.max(Math.ceil((at - CANARY_START) / 60_000), 1);
    const ratio = at > SERIES_START ? canary.errorRatio(minute) : undefined;
    if (ratio !== undefined) {
      errors += REQUESTS_PER_SCRAPE * ratio;
      ok += REQUESTS_PER_SCRAPE * (1 - ratio);
    }
    const labels = {
      service: canary.service,
      version: canary.version,
      track: 'canary',
    };
    samples.push({ labels: { ...labels, code: '200' }, value: ok, at });
    samples.push({ labels: { ...labels, code: '500' }, value: errors, at });
  }
  return samples;
}

function alertSamples(
  labels: Record<string, string>,
  fromMinute: number,
): BackfillSample[] {
  const samples: BackfillSample[] = [];
  for (
    let at = CANARY_START + fromMinute * 60_000;
    at <= CANARY_START + CANARY_MINUTES * 60_000;
    at += SCRAPE_MS
  ) {
    samples.push({ labels, value: 1, at });
  }
  return samples;
}

/**
 * The four canaries' request counters, and `ALERTS` series as Prometheus'
 * rule evaluation writes them: two gate alerts firing for the failing
 * canary (from minutes 3 and 10), a pending gate alert for the flapping
 * one, and a firing alert without `release_gate` for the healthy one.
 */
export function canaryFamilies(): BackfillFamily[] {
  return [
    {
      name: 'http_requests',
      type: 'counter',
      samples: Object.values(CANARIES).flatMap(requestSamples),
    },
    {
      name: 'ALERTS',
      type: 'gauge',
      samples: [
        ...alertSamples(
          {
            alertname: 'CanaryErrorRateHigh',
            alertstate: 'firing',
            release_gate: 'true',
            service: 'cart',
            severity: 'page',
          },
          3,
        ),
        ...alertSamples(
          {
            alertname: 'CanaryLatencyHigh',
            alertstate: 'firing',
            release_gate: 'true',
            service: 'cart',
            severity: 'page',
          },
          10,
        ),
        ...alertSamples(
          {
            alertname: 'CanaryErrorRateHigh',
            alertstate: 'pending',
            release_gate: 'true',
            service: 'inventory',
          },
          2,
        ),
        ...alertSamples(
          {
            alertname: 'HighMemory',
            alertstate: 'firing',
            service: 'payments',
          },
          0,
        ),
      ],
    },
  ];
}
