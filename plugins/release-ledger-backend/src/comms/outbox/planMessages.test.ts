import type {
  Release,
  ReleaseEvent,
  ReleaseEventType,
} from '@release-ledger/plugin-release-ledger-common';
import {
  planAttributedIncidentReplies,
  planMessages,
  TouchedRelease,
} from './planMessages';

const at = (minute: number) =>
  new Date(Date.UTC(2026, 10, 27, 10, minute)).toISOString();

function release(overrides: Partial<Release>): Release {
  return {
    releaseId: 'r1',
    entityRef: 'component:default/payments-api',
    status: 'started',
    environment: 'production',
    startedAt: at(1),
    firstEventAt: at(0),
    lastEventAt: at(5),
    changes: [],
    incidents: [],
    flagToggles: [],
    anomalies: [],
    eventCount: 1,
    ...overrides,
  };
}

function event(
  id: string,
  type: ReleaseEventType,
  minute: number,
): ReleaseEvent {
  return {
    eventId: id,
    type,
    releaseId: 'r1',
    timestamp: at(minute),
    environment: 'production',
    attributes: {},
  } as ReleaseEvent;
}

const touched = (t: TouchedRelease) => new Map([['r1', t]]);

describe('planMessages', () => {
  it('starts a thread with the release and replies for every later event, but not for start and finish', () => {
    const plan = planMessages(
      [
        event('e1', 'release_started', 1),
        event('e2', 'canary_started', 2),
        event('e3', 'release_finished', 5),
      ],
      touched({ release: release({ status: 'finished', finishedAt: at(5) }) }),
    );
    expect(plan.map(i => [i.dedupeKey, i.kind, i.orderAt])).toEqual([
      ['parent:r1', 'parent', at(1)],
      ['summary:r1', 'summary', at(5)],
      ['reply:e2', 'reply', at(2)],
    ]);
  });

  it('keeps replies of a release that has not started, without a parent yet', () => {
    const plan = planMessages(
      [event('pr', 'pr_merged', 0)],
      touched({ release: release({ status: 'pending' }) }),
    );
    expect(plan.map(i => i.dedupeKey)).toEqual(['reply:pr']);
  });

  it.each([
    ['started', 'canary', true],
    ['canary', 'canary', false],
    ['pending', 'started', false],
    [undefined, 'promoted', false],
  ] as const)(
    're-arms the card from %p to %p: %p',
    (previousStatus, status, expected) => {
      const plan = planMessages(
        [],
        touched({ release: release({ status }), previousStatus }),
      );
      expect(plan.some(i => i.kind === 'card')).toBe(expected);
    },
  );

  it('sends the PM channel one summary per finished release, once', () => {
    const finished = release({ status: 'finished', finishedAt: at(5) });
    const options = { pmPerReleaseChannel: '#product-updates' };
    expect(
      planMessages(
        [],
        touched({ release: finished, previousStatus: 'promoted' }),
        options,
      )
        .filter(i => i.kind === 'pm_summary')
        .map(i => [i.channel, i.dedupeKey]),
    ).toEqual([['#product-updates', 'pm_summary:r1']]);
    expect(
      planMessages(
        [],
        touched({ release: finished, previousStatus: 'finished' }),
        options,
      ),
    ).toEqual([expect.objectContaining({ kind: 'parent' })]);
  });

  it('reports a failed gate once: its gate_failed reply, not also the gate_evaluated of the same evaluation', () => {
    const withAttrs = (e: ReleaseEvent, attributes: Record<string, unknown>) =>
      ({ ...e, attributes } as ReleaseEvent);
    const plan = planMessages(
      [
        withAttrs(event('ev1', 'gate_evaluated', 2), {
          evaluationId: 'g1',
          verdict: 'fail',
        }),
        withAttrs(event('fail1', 'gate_failed', 2), { evaluationId: 'g1' }),
        withAttrs(event('ev2', 'gate_evaluated', 3), {
          evaluationId: 'g2',
          verdict: 'pass',
        }),
        withAttrs(event('ev3', 'gate_evaluated', 4), { verdict: 'fail' }),
      ],
      touched({
        release: release({ status: 'canary' }),
        previousStatus: 'canary',
      }),
    );
    expect(plan.filter(i => i.kind === 'reply').map(i => i.eventId)).toEqual([
      'fail1',
      'ev2',
      'ev3',
    ]);
  });
});

describe('planAttributedIncidentReplies', () => {
  it('replies in the thread of the release each incident event was attributed to, and skips the unattributed', () => {
    const events = [
      { eventId: 'inc-1-started', timestamp: at(5) },
      { eventId: 'inc-2-started', timestamp: at(6) },
      { eventId: 'inc-1-resolved', timestamp: at(30) },
    ];
    const attributedTo = new Map([
      ['inc-1-started', 'payments@7'],
      ['inc-1-resolved', 'payments@7'],
    ]);
    expect(planAttributedIncidentReplies(events, attributedTo)).toEqual([
      {
        dedupeKey: 'reply:inc-1-started',
        kind: 'reply',
        releaseId: 'payments@7',
        eventId: 'inc-1-started',
        orderAt: at(5),
      },
      {
        dedupeKey: 'reply:inc-1-resolved',
        kind: 'reply',
        releaseId: 'payments@7',
        eventId: 'inc-1-resolved',
        orderAt: at(30),
      },
    ]);
  });
});
