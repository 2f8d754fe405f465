import { appendAndProject } from '../../__testUtils__/ledgerStore';
import type { ReleaseEventType } from '@release-ledger/plugin-release-ledger-common';
import { FakeSlack, startFakeSlack } from '@release-ledger/test-utils';
import type { AcceptedEvent } from '../../ledger/ReleaseLedgerStore';
import { createTestDatabases } from '../../__testUtils__/testLedger';
import {
  createCommsHarness,
  releaseEvent,
} from '../__testUtils__/commsHarness';
import { NOT_CONFIGURED, NotConfiguredTransport } from './SlackTransport';

jest.setTimeout(90_000);

const databases = createTestDatabases();
const T0 = Date.UTC(2026, 10, 27, 10, 0);
const at = (minute: number) => new Date(T0 + minute * 60_000);

/** A whole release: start, canary, gate, promotion, finish. */
function lifecycle(releaseId: string, entity = 'svc-0') {
  const steps: Array<[ReleaseEventType, Record<string, unknown>]> = [
    ['release_started', { plan: 'canary 10% then 100%', changeCount: 1 }],
    ['canary_started', { weight: 10 }],
    [
      'gate_evaluated',
      {
        gate: 'standard',
        verdict: 'pass',
        measurements: [
          {
            check: 'error-rate',
            value: 0.002,
            condition: '< 0.01',
            result: 'pass',
          },
        ],
      },
    ],
    ['promoted', {}],
    ['release_finished', {}],
  ];
  return steps.map(([type, attributes], i) =>
    releaseEvent(
      `${releaseId}-${i}`,
      releaseId,
      type,
      at(i),
      attributes,
      entity,
    ),
  );
}

/** The text of a message's blocks, for assertions that read like the thread. */
function textOf(message: { text?: string; blocks?: unknown[] }): string {
  return JSON.stringify(message.blocks ?? message.text);
}

describe.each(databases.eachSupportedId())('OutboxWorker on %p', databaseId => {
  let slack: FakeSlack;
  beforeEach(async () => {
    slack = await startFakeSlack();
  });
  afterEach(async () => {
    await slack.close();
  });

  async function setup(slackConfig?: object) {
    const knex = await databases.init(databaseId);
    const harness = await createCommsHarness({
      knex,
      apiUrl: slack.apiUrl,
      channels: ['#svc-0-releases', '#svc-1-releases'],
      slackConfig,
    });
    return { knex, ...harness };
  }

  it('posts one thread per release: the card, a reply per event in order, the summary, and keeps the card current', async () => {
    const { store, worker, drain } = await setup();
    await appendAndProject(store, lifecycle('r1'));
    const counts = await drain([worker()]);
    expect(counts).toMatchObject({ pending: 0, parked: 0, delivered: 5 });

    const [parent, ...others] = slack.channelMessages('#svc-0-releases');
    expect(others).toHaveLength(0);
    const thread = slack.thread('#svc-0-releases', parent.ts);
    const replies = thread.slice(1);
    expect(replies.map(m => m.text)).toEqual([
      expect.stringContaining('Canary'),
      expect.stringContaining('Gate'),
      expect.stringContaining('Promoted'),
      expect.stringContaining('Summary'),
    ]);
    expect(textOf(replies[1])).toContain('0.002');
    // Events after the start arrived in the same commit: the card was
    // posted showing the final state, so no update was needed.
    expect(textOf(parent)).toContain('Finished');
    expect(slack.duplicates()).toEqual([]);
  });

  it("adds the release's notes to its summary, and sends the summary without them when they fail", async () => {
    const { store, worker, drain } = await setup();
    await appendAndProject(store, [
      ...lifecycle('r-notes'),
      ...lifecycle('r-no-notes', 'svc-1'),
    ]);
    const notesOf = async (release: { releaseId: string }) => {
      if (release.releaseId === 'r-no-notes') throw new Error('lint exploded');
      return {
        releaseId: release.releaseId,
        sections: [
          {
            kind: 'features' as const,
            title: 'Features',
            entries: [
              {
                sha: 'abcdef1',
                subject: 'refunds',
                breaking: false,
                findings: [],
              },
            ],
          },
        ],
        nonConventional: [],
        counts: {
          commits: 1,
          conventional: 1,
          nonConventional: 0,
          breaking: 0,
        },
        nonConventionalShare: 0,
        maxNonConventionalShare: 0.25,
        flagged: false,
      };
    };
    const counts = await drain([worker({ notes: { notesOf } })]);
    expect(counts).toMatchObject({ pending: 0, parked: 0, delivered: 10 });
    const summary = (channel: string) => {
      const [parent] = slack.channelMessages(channel);
      return slack
        .thread(channel, parent.ts)
        .find(m => m.text?.startsWith('Summary'))!;
    };
    expect(textOf(summary('#svc-0-releases'))).toContain(
      '*Release notes* Features 1',
    );
    expect(textOf(summary('#svc-1-releases'))).not.toContain('Release notes');
  });

  it('replies in the release thread for an incident sent without a release and attributed to it by its window; an unattributed one has no thread', async () => {
    const { store, worker, drain, outbox } = await setup();
    await appendAndProject(store, lifecycle('r-inc'));
    const w = worker();
    await drain([w]);
    const incident = (
      eventId: string,
      type: 'incident_started' | 'incident_resolved',
      minute: number,
      incidentId: string,
    ) =>
      ({
        eventId,
        type,
        entityRef: 'component:default/svc-0',
        timestamp: at(minute).toISOString(),
        environment: 'production',
        attributes: {
          incidentId,
          ...(type === 'incident_started'
            ? { severity: 'SEV-3', title: 'checkout <!channel> latency' }
            : {}),
        },
      } as AcceptedEvent);
    await appendAndProject(store, [
      // An hour after the promotion (minute 3): inside the 72 h window.
      incident('inc-1-start', 'incident_started', 63, 'INC-1'),
      incident('inc-1-end', 'incident_resolved', 90, 'INC-1'),
      // Ten days later: outside every window, unattributed.
      incident('inc-2-start', 'incident_started', 10 * 24 * 60, 'INC-2'),
    ]);
    await drain([w]);

    const [parent] = slack.channelMessages('#svc-0-releases');
    const replies = slack.thread('#svc-0-releases', parent.ts).slice(1);
    const incidentReplies = replies.filter(m => /INC-/.test(textOf(m)));
    expect(incidentReplies.map(m => textOf(m))).toEqual([
      expect.stringContaining('INC-1 (SEV-3)'),
      expect.stringContaining('INC-1*'),
    ]);
    expect(textOf(incidentReplies[0])).toContain('attributed to this release');
    // Text from outside stays escaped.
    expect(textOf(incidentReplies[0])).toContain('&lt;!channel&gt;');
    expect(
      JSON.stringify(slack.channelMessages('#svc-0-releases')),
    ).not.toContain('INC-2');
    expect(
      (await outbox.releaseMessages('r-inc'))
        .filter(r => r.event_id?.startsWith('inc-'))
        .map(r => [r.event_id, r.state]),
    ).toEqual([
      ['inc-1-start', 'delivered'],
      ['inc-1-end', 'delivered'],
    ]);
    expect(slack.duplicates()).toEqual([]);
  });

  it('updates the card in place when the status changes after the thread started', async () => {
    const { store, worker, drain } = await setup();
    const events = lifecycle('r2');
    await appendAndProject(store, events.slice(0, 1));
    const w = worker();
    await drain([w]);
    const [parent] = slack.channelMessages('#svc-0-releases');
    expect(textOf(parent)).toContain('Started');

    await appendAndProject(store, events.slice(1, 2));
    await drain([w]);
    const [updated] = slack.channelMessages('#svc-0-releases');
    expect(updated.ts).toBe(parent.ts);
    expect(updated.updates).toBe(1);
    expect(textOf(updated)).toContain('Canary');
    expect(slack.channelMessages('#svc-0-releases')).toHaveLength(1);
  });

  it('holds replies until their parent is in Slack, even when they were recorded first', async () => {
    const { store, worker, drain } = await setup();
    // A merged PR recorded before the release starts.
    await appendAndProject(store, [
      releaseEvent('pr', 'r3', 'pr_merged', at(0), {
        prNumber: 7,
        title: 'fix: <!channel> rounding',
      }),
    ]);
    const w = worker();
    await w.drainOnce();
    await w.drainOnce();
    expect(slack.allMessages()).toHaveLength(0);

    await appendAndProject(store, lifecycle('r3').slice(0, 1));
    await drain([w]);
    const [parent] = slack.channelMessages('#svc-0-releases');
    const [, reply] = slack.thread('#svc-0-releases', parent.ts);
    // Escaped: the PR title cannot ping the channel.
    expect(reply.text).not.toContain('<!channel>');
    expect(textOf(reply)).toContain('&lt;!channel&gt;');
  });

  it('broadcasts rollbacks and SEV-1/SEV-2 incidents to the channel, not SEV-3', async () => {
    const { store, worker, drain } = await setup();
    await appendAndProject(store, [
      releaseEvent('s', 'r4', 'release_started', at(0)),
      releaseEvent('i1', 'r4', 'incident_started', at(1), {
        incidentId: 'INC-1',
        severity: 'SEV-2',
      }),
      releaseEvent('i2', 'r4', 'incident_started', at(2), {
        incidentId: 'INC-2',
        severity: 'SEV-3',
      }),
      releaseEvent('rb', 'r4', 'rolled_back', at(3), {
        reason: 'error rate',
      }),
    ]);
    await drain([worker()]);
    const [parent] = slack.channelMessages('#svc-0-releases');
    const replies = slack.thread('#svc-0-releases', parent.ts).slice(1);
    expect(replies.map(r => [r.replyBroadcast, r.text])).toEqual([
      [true, expect.stringContaining('INC-1')],
      [false, expect.stringContaining('INC-2')],
      [true, expect.stringContaining('Rolled back')],
    ]);
  });

  it('routes by entity annotation, then the owner group, and parks what has no channel with the reason', async () => {
    const { store, worker, drain, outbox } = await setup();
    await appendAndProject(store, [
      releaseEvent('a', 'team', 'release_started', at(0), {}, 'team-routed'),
      releaseEvent('b', 'none', 'release_started', at(0), {}, 'unrouted'),
      releaseEvent('c', 'bad', 'release_started', at(0), {}, 'bad-channel'),
      releaseEvent('d', 'bad', 'canary_started', at(1), {}, 'bad-channel'),
    ]);
    const counts = await drain([worker()]);
    expect(counts).toMatchObject({ delivered: 1, parked: 3 });
    expect(slack.channelMessages('#team-a-releases')).toHaveLength(1);
    const [none] = await outbox.releaseMessages('none');
    expect(none.last_error).toContain(
      'set the annotation release-ledger/slack-channel',
    );
    const bad = await outbox.releaseMessages('bad');
    expect(bad.map(r => r.last_error)).toEqual([
      expect.stringContaining("'payments releases!' is not a Slack channel"),
      expect.stringContaining("'payments releases!' is not a Slack channel"),
    ]);
  });

  it('parks messages Slack refuses for good and the thread messages that depend on them', async () => {
    const { store, worker, drain, outbox } = await setup();
    slack.setChannelState('#svc-1-releases', 'archived');
    await appendAndProject(store, lifecycle('r5', 'svc-1').slice(0, 2));
    const counts = await drain([worker()]);
    expect(counts).toMatchObject({ parked: 2, delivered: 0 });
    const rows = await outbox.releaseMessages('r5');
    expect(rows.map(r => [r.kind, r.last_error])).toEqual([
      ['parent', 'Slack answered is_archived'],
      ['reply', 'thread parent not delivered: Slack answered is_archived'],
    ]);
    // Fixed in Slack, put back in line: delivered.
    slack.setChannelState('#svc-1-releases', 'ok');
    expect(
      await outbox.requeueParked({ releaseId: 'r5' }, new Date().toISOString()),
    ).toBe(2);
    expect(await drain([worker()])).toMatchObject({ delivered: 2, parked: 0 });
  });

  it('retries 5xx and honours 429 Retry-After without posting twice', async () => {
    const { store, worker, drain } = await setup();
    slack.inject({ kind: 'http500' }, { method: 'chat.postMessage', count: 2 });
    slack.inject(
      { kind: 'ratelimited', retryAfterSeconds: 1 },
      { method: 'chat.postMessage', count: 1 },
    );
    await appendAndProject(store, lifecycle('r6').slice(0, 3));
    const started = Date.now();
    await drain([worker()]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(slack.stats()).toMatchObject({ posts: 3, violations: 0 });
    expect(slack.duplicates()).toEqual([]);
  });

  it('does not post again when Slack took a message but the answer never came', async () => {
    const { store, worker, drain } = await setup();
    slack.inject(
      { kind: 'slow', delayMs: 4000 },
      { method: 'chat.postMessage' },
    );
    slack.inject({ kind: 'acceptThenDrop' }, { method: 'chat.postMessage' });
    await appendAndProject(store, lifecycle('r7').slice(0, 3));
    const counts = await drain([worker()]);
    expect(counts).toMatchObject({ delivered: 3 });
    const messages = slack.allMessages();
    expect(messages).toHaveLength(3);
    expect(slack.duplicates()).toEqual([]);
    // The two replies are in the thread, in event order.
    const [parent] = slack.channelMessages('#svc-0-releases');
    expect(slack.thread('#svc-0-releases', parent.ts).map(m => m.text)).toEqual(
      [
        expect.any(String),
        expect.stringContaining('Canary'),
        expect.stringContaining('Gate'),
      ],
    );
  });

  it('keeps the thread across a restart: a new worker replies under the same parent', async () => {
    const { store, worker, drain } = await setup();
    const events = lifecycle('r8');
    await appendAndProject(store, events.slice(0, 1));
    await drain([worker()]);
    await appendAndProject(store, events.slice(1, 3));
    // A new worker (new process) with nothing in memory.
    await drain([worker()]);
    const top = slack.channelMessages('#svc-0-releases');
    expect(top).toHaveLength(1);
    expect(slack.thread('#svc-0-releases', top[0].ts)).toHaveLength(3);
  });

  it('without a Slack token keeps every message, marked not delivered, and never sends the backlog once a token arrives', async () => {
    const { store, worker, drain, outbox } = await setup();
    await appendAndProject(store, lifecycle('r9'));
    const counts = await drain([
      worker({ transport: new NotConfiguredTransport() }),
    ]);
    expect(counts).toMatchObject({ not_delivered: 5, delivered: 0 });
    const rows = await outbox.releaseMessages('r9');
    expect(rows.every(r => r.last_error === NOT_CONFIGURED)).toBe(true);
    expect(slack.stats().calls).toBe(0);
    // Slack configured later: the kept messages stay kept.
    await drain([worker()]);
    expect(slack.stats().calls).toBe(0);
    expect((await outbox.releaseMessages('r9')).map(r => r.state)).toEqual(
      Array(5).fill('not_delivered'),
    );
  });

  it('delivers on its own once started, paced per channel, and stops cleanly', async () => {
    const { store, worker, outbox } = await setup();
    const w = worker({ perChannelIntervalMs: 100, idleMs: 50 });
    w.start();
    await appendAndProject(store, lifecycle('r11').slice(0, 3));
    const deadline = Date.now() + 20_000;
    while ((await outbox.countByState()).delivered < 3) {
      if (Date.now() > deadline) throw new Error('not delivered in time');
      await new Promise(r => setTimeout(r, 20));
    }
    await w.stop();
    const posts = slack.calls().filter(c => c.method === 'chat.postMessage');
    expect(posts).toHaveLength(3);
    // Paced from each answer: at least the interval between two posts.
    for (let i = 1; i < posts.length; i++) {
      expect(posts[i].at - posts[i - 1].answeredAt!).toBeGreaterThanOrEqual(95);
    }
  });

  it('never enqueues the same message twice for a re-sent event', async () => {
    const { store, drain, worker } = await setup();
    await appendAndProject(store, lifecycle('r10').slice(0, 2));
    await appendAndProject(store, lifecycle('r10').slice(0, 2));
    expect(await drain([worker()])).toMatchObject({ delivered: 2 });
    expect(slack.allMessages()).toHaveLength(2);
  });
});
