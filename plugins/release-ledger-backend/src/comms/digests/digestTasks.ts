import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  Release,
  utcWeekStart,
} from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
import type { MetricsStore } from '../../metrics/DatabaseMetricsStore';
import type { ReleaseLedgerStore } from '../../ledger/ReleaseLedgerStore';
import type { MetricsService } from '../../metrics/MetricsService';
import type { CommsConfig } from '../commsConfig';
import { enqueuePost } from '../outbox/OutboxStore';
import { renderLeadershipDigest, renderPmDigest } from '../render/digests';
import type { ReleaseRouting } from '../routing/ReleaseRouting';

const DAY_MS = 86_400_000;

export type DigestDeps = {
  db: Knex;
  config: CommsConfig;
  store: ReleaseLedgerStore;
  metrics: MetricsService;
  metricsStore: MetricsStore;
  routing: Pick<ReleaseRouting, 'contextFor'>;
  logger: LoggerService;
};

/**
 * Leadership's digest for the week that ended before `now` (UTC weeks start
 * on Monday). Enqueued once per week whatever runs it: the outbox key is the
 * week. Answers whether it was enqueued by this call.
 */
export async function enqueueLeadershipDigest(
  deps: DigestDeps,
  now: Date,
): Promise<boolean> {
  const channel = deps.config.leadership?.channel;
  if (!channel) return false;
  const weekStart = new Date(utcWeekStart(now.getTime()) - 7 * DAY_MS)
    .toISOString()
    .slice(0, 10);
  const [week, month, note] = await Promise.all([
    deps.metrics.getMetrics({ scope: 'org', window: '7d' }),
    deps.metrics.getMetrics({ scope: 'org', window: '30d' }),
    deps.metricsStore.getWeeklyNote(weekStart),
  ]);
  const message = renderLeadershipDigest({
    weekStart,
    week,
    month,
    note,
    portalUrl: deps.config.appBaseUrl,
  });
  return enqueuePost(deps.db, {
    dedupeKey: `leadership:${weekStart}`,
    channel,
    rendered: JSON.stringify(message),
    now: now.toISOString(),
  });
}

/** Releases that finished in [from, to), newest first. */
async function finishedBetween(
  store: ReleaseLedgerStore,
  from: number,
  to: number,
): Promise<Release[]> {
  const out: Release[] = [];
  let cursor: string | undefined;
  // Releases finish within days of starting; look back a week for starts.
  do {
    const page = await store.listReleases({
      status: 'finished',
      from: new Date(from - 7 * DAY_MS).toISOString(),
      limit: 200,
      cursor,
    });
    for (const r of page.items) {
      const finished = r.finishedAt ? Date.parse(r.finishedAt) : NaN;
      if (finished >= from && finished < to) out.push(r);
    }
    cursor = page.nextCursor;
  } while (cursor && out.length < 500);
  return out;
}

/** The PM/CS daily digest of the releases that finished in the 24 h before `now`. */
export async function enqueuePmDigest(
  deps: DigestDeps,
  now: Date,
): Promise<boolean> {
  const pm = deps.config.pm;
  if (!pm || pm.mode !== 'daily') return false;
  const day = now.toISOString().slice(0, 10);
  const releases = await finishedBetween(
    deps.store,
    now.getTime() - DAY_MS,
    now.getTime(),
  );
  const listed = await Promise.all(
    releases.map(async release => {
      const ctx = await deps.routing.contextFor(release);
      return {
        release,
        entityTitle: ctx.entityTitle,
        releaseUrl: ctx.releaseUrl,
      };
    }),
  );
  return enqueuePost(deps.db, {
    dedupeKey: `pm_digest:${day}`,
    channel: pm.channel,
    rendered: JSON.stringify(
      renderPmDigest(day, listed, deps.config.appBaseUrl),
    ),
    now: now.toISOString(),
  });
}

/**
 * Schedules the digests with the Backstage scheduler in global scope, so
 * with several instances each digest runs on one of them.
 */
export async function scheduleDigests(
  scheduler: SchedulerService,
  deps: DigestDeps,
): Promise<void> {
  const { leadership, pm } = deps.config;
  const cron = (hhmm: string, dayOfWeek: string) => {
    const [hh, mm] = hhmm.split(':').map(Number);
    return `${mm} ${hh} * * ${dayOfWeek}`;
  };
  const run = (name: string, task: () => Promise<boolean>) => async () => {
    const created = await task();
    deps.logger.info(
      `release-ledger: ${name} ${created ? 'enqueued' : 'already enqueued'}`,
    );
  };
  if (leadership) {
    await scheduler.scheduleTask({
      id: 'release-ledger-leadership-digest',
      scope: 'global',
      frequency: { cron: cron(leadership.atUtc, String(leadership.weekday)) },
      timeout: { minutes: 5 },
      fn: run('leadership digest', () =>
        enqueueLeadershipDigest(deps, new Date()),
      ),
    });
  }
  if (pm?.mode === 'daily') {
    await scheduler.scheduleTask({
      id: 'release-ledger-pm-digest',
      scope: 'global',
      frequency: { cron: cron(pm.dailyAtUtc, '*') },
      timeout: { minutes: 5 },
      fn: run('PM digest', () => enqueuePmDigest(deps, new Date())),
    });
  }
}
