import { appendAndProject } from '../../__testUtils__/ledgerStore';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FakeSlack, startFakeSlack } from '@release-ledger/test-utils';
import { createTestDatabases } from '../../__testUtils__/testLedger';
import { readReleaseLedgerConfig } from '../../config';
import { DatabaseMetricsStore } from '../../metrics/DatabaseMetricsStore';
import { MetricsService } from '../../metrics/MetricsService';
import {
  commsEntities,
  createCommsHarness,
  releaseEvent,
} from '../__testUtils__/commsHarness';
import { OUTBOX_TABLE } from '../outbox/OutboxStore';
import {
  enqueueLeadershipDigest,
  enqueuePmDigest,
  scheduleDigests,
} from './digestTasks';

jest.setTimeout(60_000);

const databases = createTestDatabases();
// Tuesday 2026-11-24 09:00Z (in the past, so the outbox sends at once): the
// week that ended started Monday 2026-11-16.
const NOW = new Date(Date.UTC(2026, 10, 24, 9, 0));
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

describe.each(databases.eachSupportedId())('digests on %p', databaseId => {
  let slack: FakeSlack;
  afterEach(async () => slack?.close());

  async function setup() {
    slack = await startFakeSlack();
    const knex = await databases.init(databaseId);
    const harness = await createCommsHarness({
      knex,
      apiUrl: slack.apiUrl,
      channels: ['#svc-0-releases'],
      slackConfig: {
        pm: { channel: '#product-updates', mode: 'daily' },
        leadership: { channel: '#eng-leadership' },
      },
    });
    const metricsStore = new DatabaseMetricsStore(knex);
    const metrics = new MetricsService({
      store: metricsStore,
      catalog: catalogServiceMock({
        entities: commsEntities(['#svc-0-releases']),
      }),
      auth: mockServices.auth({ pluginId: 'release-ledger' }),
      config: readReleaseLedgerConfig(new ConfigReader({})).metrics,
      now: () => NOW,
    });
    const deps = {
      db: knex,
      config: harness.config,
      store: harness.store,
      metrics,
      metricsStore,
      routing: harness.routing,
      logger: mockServices.logger.mock(),
    };
    return { ...harness, knex, metricsStore, deps };
  }

  /** A release of svc-0 that ran from `startedH` to `finishedH` hours before NOW. */
  function shipped(
    id: string,
    startedH: number,
    finishedH: number,
    failed = false,
  ) {
    return [
      releaseEvent(`${id}-pr`, id, 'pr_merged', hoursAgo(startedH + 5), {
        prNumber: 1,
        title: `Faster <checkout> for ${id}`,
        customerVisible: true,
      }),
      releaseEvent(`${id}-s`, id, 'release_started', hoursAgo(startedH)),
      releaseEvent(`${id}-p`, id, 'promoted', hoursAgo(startedH - 0.5)),
      ...(failed
        ? [
            releaseEvent(
              `${id}-rb`,
              id,
              'rolled_back',
              hoursAgo(startedH - 1),
              {
                reason: 'errors',
              },
            ),
          ]
        : []),
      releaseEvent(`${id}-f`, id, 'release_finished', hoursAgo(finishedH)),
    ];
  }

  it('enqueues the PM digest of the releases that finished in the last 24 h, once, and delivers it', async () => {
    const { store, deps, worker, drain } = await setup();
    await appendAndProject(store, shipped('today', 6, 4));
    await appendAndProject(store, shipped('old', 80, 72));
    expect(await enqueuePmDigest(deps, NOW)).toBe(true);
    expect(await enqueuePmDigest(deps, NOW)).toBe(false);
    await drain([worker()]);
    const [digest] = slack.channelMessages('#product-updates');
    const text = JSON.stringify(digest.blocks);
    expect(text).toContain('Releases on 2026-11-24');
    expect(text).toContain('svc-0 1.2.3');
    // Customer-visible change titles, escaped for Slack.
    expect(text).toContain('Faster &lt;checkout&gt; for today');
    expect(text).not.toContain('for old');
  });

  it("enqueues leadership's weekly digest once per week with the figures, top systems and the week's note", async () => {
    const { store, deps, metricsStore, knex, worker, drain } = await setup();
    // svc-0 was part of the checkout system when these releases started.
    const inCheckout = <T extends object>(events: T[]) =>
      events.map(e => ({ ...e, systemRef: 'system:default/checkout' }));
    await appendAndProject(store, inCheckout(shipped('ok', 30, 28)));
    await appendAndProject(store, inCheckout(shipped('bad', 50, 40, true)));
    await metricsStore.putWeeklyNote({
      week: '2026-11-16',
      text: 'CFR spiked: <svc-0> migration',
      author: 'user:default/cto',
      updatedAt: NOW.toISOString(),
    });
    expect(await enqueueLeadershipDigest(deps, NOW)).toBe(true);
    expect(await enqueueLeadershipDigest(deps, NOW)).toBe(false);
    const rows = await knex(OUTBOX_TABLE).where('kind', 'post');
    expect(rows.map(r => r.dedupe_key)).toEqual(['leadership:2026-11-16']);
    await drain([worker()]);
    const [digest] = slack.channelMessages('#eng-leadership');
    const text = JSON.stringify(digest.blocks);
    expect(text).toContain('Change failure rate');
    expect(text).toContain('50.0 %'); // 1 of 2 deployments failed
    expect(text).toContain('target 15.0 %');
    // The system, its failing component beneath.
    expect(text).toContain(
      '1. `system:default/checkout` 1 failure in 2 deployments\\n      `component:default/svc-0` 1 of 2',
    );
    expect(text).toContain('CFR spiked: &lt;svc-0&gt; migration');
  });

  it('schedules both digests in global scope at the configured UTC times', async () => {
    const { deps } = await setup();
    const scheduler = mockServices.scheduler.mock();
    await scheduleDigests(scheduler, deps);
    expect(
      scheduler.scheduleTask.mock.calls.map(([t]) => [
        t.id,
        t.scope,
        t.frequency,
      ]),
    ).toEqual([
      ['release-ledger-leadership-digest', 'global', { cron: '0 9 * * 1' }],
      ['release-ledger-pm-digest', 'global', { cron: '0 17 * * *' }],
    ]);
  });
});
