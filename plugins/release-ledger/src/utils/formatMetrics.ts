import {
  DAY_MS,
  type DoraMetrics,
  type MetricId,
  type MetricWindow,
  utcWeekStart,
  windowDays,
} from '@release-ledger/plugin-release-ledger-common';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** One decimal below 10, whole numbers above; never a trailing `.0`. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) {
    return '—';
  }
  const rounded =
    Math.abs(value) < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return String(rounded);
}

/**
 * A metric duration for humans: `45 s`, `12 min`, `3.2 h`, `1.5 d`;
 * `—` when there is none.
 */
export function formatMetricDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
    return '—';
  }
  if (ms < MINUTE_MS) {
    return `${Math.round(ms / 1000)} s`;
  }
  if (ms < HOUR_MS) {
    return `${Math.round(ms / MINUTE_MS)} min`;
  }
  if (ms < DAY_MS) {
    return `${formatNumber(ms / HOUR_MS)} h`;
  }
  return `${formatNumber(ms / DAY_MS)} d`;
}

/** A fraction as a percentage with at most one decimal: `12.5 %`. */
export function formatRate(fraction: number | undefined): string {
  if (fraction === undefined || !Number.isFinite(fraction)) {
    return '—';
  }
  const percent = Math.round(fraction * 1000) / 10;
  return `${percent} %`;
}

/** `1 change`, `3 changes`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** What a metric's sample consists of, as the API counts it. */
const SAMPLE_NOUNS: Record<MetricId, [string, string]> = {
  deploymentFrequency: ['promotion', 'promotions'],
  leadTime: ['change', 'changes'],
  changeFailureRate: ['deployment', 'deployments'],
  timeToRestore: ['restored failure', 'restored failures'],
  reworkRate: ['deployment', 'deployments'],
};

/** `12 changes`, `1 restored failure`. */
export function formatSampleSize(metric: MetricId, sampleSize: number): string {
  const [one, many] = SAMPLE_NOUNS[metric];
  return plural(sampleSize, one, many);
}

/** A figure as text: its headline value and a line of detail. */
export type FigureText = {
  /** The headline, e.g. `3.2 h`, `12.5 %`, `4.2 deploys/week`. */
  value: string;
  /** What the headline is and what else the figure knows. */
  detail: string;
};

/** The headline and detail of one of the five figures. */
export function describeFigure(
  metric: MetricId,
  metrics: Omit<DoraMetrics, 'trend'>,
): FigureText {
  switch (metric) {
    case 'deploymentFrequency': {
      const f = metrics.deploymentFrequency;
      return {
        value: `${formatNumber(f.deploysPerWeek)} deploys/week`,
        detail: `${formatNumber(f.deployDaysPerWeek)} deploy days/week`,
      };
    }
    case 'leadTime': {
      const f = metrics.leadTime;
      if (f.p50Ms === undefined) {
        return { value: '—', detail: 'no changes promoted' };
      }
      return {
        value: formatMetricDuration(f.p50Ms),
        detail: `median · p90 ${formatMetricDuration(f.p90Ms)}`,
      };
    }
    case 'changeFailureRate': {
      const f = metrics.changeFailureRate;
      if (f.rate === undefined) {
        return { value: '—', detail: 'no deployments' };
      }
      return {
        value: formatRate(f.rate),
        detail: `${f.failures} of ${plural(
          f.deployments,
          'deployment',
        )} failed`,
      };
    }
    case 'timeToRestore': {
      const f = metrics.timeToRestore;
      const unrestored =
        f.unrestored > 0 ? ` · ${f.unrestored} not restored yet` : '';
      if (f.p50Ms === undefined) {
        return {
          value: '—',
          detail: `no restored failures${unrestored}`,
        };
      }
      return {
        value: formatMetricDuration(f.p50Ms),
        detail: `median · p95 ${formatMetricDuration(f.p95Ms)}${unrestored}`,
      };
    }
    case 'reworkRate': {
      const f = metrics.reworkRate;
      if (f.rate === undefined) {
        return { value: '—', detail: 'no deployments' };
      }
      return {
        value: formatRate(f.rate),
        detail: `${f.reworkDeployments} of ${plural(
          f.deployments,
          'deployment',
        )} fixed an incident or a release`,
      };
    }
    default:
      return { value: '—', detail: '' };
  }
}

/**
 * Whether anything happened in the window: a release started or promoted
 * in production (time to restore counts only failures of releases started
 * in the window, so it has nothing without them).
 */
export function hasActivity(metrics: Omit<DoraMetrics, 'trend'>): boolean {
  return (
    metrics.deploymentFrequency.deploys > 0 ||
    metrics.changeFailureRate.deployments > 0 ||
    metrics.leadTime.sampleSize > 0
  );
}

/** `last 30 days`. */
export function describeWindow(window: MetricWindow): string {
  return `last ${windowDays(window)} days`;
}

const WEEK_LABEL = new Intl.DateTimeFormat('en', {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

/** A week's Monday as a chart label: `Nov 23`. */
export function formatWeek(weekStart: string): string {
  const ms = Date.parse(weekStart);
  return Number.isNaN(ms) ? weekStart : WEEK_LABEL.format(ms);
}

/** The Monday (UTC) of the week holding `now`, as `YYYY-MM-DD`. */
export function utcWeekOf(now: number = Date.now()): string {
  return new Date(utcWeekStart(now)).toISOString().slice(0, 10);
}

/** Milliseconds as hours, for chart axes; `null` leaves a gap in a line. */
export function toHours(ms: number | undefined): number | null {
  return ms === undefined ? null : ms / HOUR_MS;
}

/**
 * Evenly spaced axis ticks from 0 that cover `max`, on the smallest round
 * step (from `steps`, ascending) that needs at most four intervals.
 */
export function niceTicks(max: number, steps: readonly number[]): number[] {
  const top = Number.isFinite(max) && max > 0 ? max : steps[0];
  const largest = steps[steps.length - 1];
  const step =
    steps.find(candidate => candidate * 4 >= top) ??
    largest * Math.ceil(top / (largest * 4));
  const intervals = Math.max(1, Math.ceil(top / step - 1e-9));
  return Array.from({ length: intervals + 1 }, (_, i) => i * step);
}

/** Round steps for a percentage axis. */
export const PERCENT_STEPS = [1, 2, 5, 10, 20, 25] as const;

/** Round steps for an axis in hours: minutes, hours, days, weeks. */
export const HOUR_STEPS = [
  0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 72, 168, 336, 720,
] as const;
