import {
  RELEASE_EVENT_TYPES,
  type ReleaseEvent,
  type ReleaseEventType,
} from '@release-ledger/plugin-release-ledger-common';
import fc from 'fast-check';
import { projectRelease } from './projectRelease';

let seq = 0;
function ev(
  type: ReleaseEventType,
  minute: number,
  attributes: Record<string, unknown> = {},
  extra: Partial<ReleaseEvent> = {},
): ReleaseEvent {
  seq += 1;
  return {
    eventId: `e${String(seq).padStart(4, '0')}`,
    type,
    releaseId: 'payments@1',
    timestamp: new Date(Date.UTC(2026, 10, 27, 10, minute)).toISOString(),
    environment: 'production',
    attributes,
    ...extra,
  } as ReleaseEvent;
}

const project = (events: ReleaseEvent[]) =>
  projectRelease({
    releaseId: 'payments@1',
    entityRef: 'component:default/payments',
    ownerRef: 'group:default/team-payments',
    events,
  });

const sha = (n: number) => n.toString(16).padStart(40, 'a');

describe('projectRelease', () => {
  it.each<[string, ReleaseEvent[], Partial<ReturnType<typeof project>>]>([
    [
      'merged changes before the start are pending',
      [ev('pr_merged', 0, { prNumber: 1, title: 't' })],
      { status: 'pending' },
    ],
    [
      'a started release',
      [ev('release_started', 0, {}, { version: '1.0.0', commit: 'abc' })],
      {
        status: 'started',
        version: '1.0.0',
        commit: 'abc',
        startedAt: '2026-11-27T10:00:00.000Z',
      },
    ],
    [
      'a canary',
      [
        ev('release_started', 0),
        ev('canary_started', 1, { weight: 10 }),
        ev('canary_started', 5, { weight: 50 }),
      ],
      {
        status: 'canary',
        canaryWeight: 50,
        canaryStartedAt: '2026-11-27T10:01:00.000Z',
      },
    ],
    [
      'promoted',
      [
        ev('release_started', 0),
        ev('canary_started', 1, { weight: 10 }),
        ev('promoted', 9),
      ],
      { status: 'promoted', promotedAt: '2026-11-27T10:09:00.000Z' },
    ],
    [
      'rolled back with its reason',
      [
        ev('release_started', 0),
        ev('canary_started', 1, { weight: 10 }),
        ev('rolled_back', 4, { reason: 'errors' }),
      ],
      {
        status: 'rolled_back',
        rollbackReason: 'errors',
        rolledBackAt: '2026-11-27T10:04:00.000Z',
      },
    ],
    [
      'finished after promotion',
      [ev('release_started', 0), ev('promoted', 3), ev('release_finished', 9)],
      {
        status: 'finished',
        outcome: 'promoted',
        finishedAt: '2026-11-27T10:09:00.000Z',
      },
    ],
    [
      'finished after rollback',
      [
        ev('release_started', 0),
        ev('rolled_back', 3, { reason: 'x' }),
        ev('release_finished', 9),
      ],
      { status: 'finished', outcome: 'rolled_back' },
    ],
    [
      'a rollback after promotion',
      [
        ev('release_started', 0),
        ev('promoted', 3),
        ev('rolled_back', 30, { reason: 'incident' }),
      ],
      { status: 'rolled_back', promotedAt: '2026-11-27T10:03:00.000Z' },
    ],
    [
      'a rollback after the release finished (after an incident)',
      [
        ev('release_started', 0),
        ev('promoted', 3),
        ev('release_finished', 9),
        ev('incident_started', 40, { incidentId: 'INC-9', severity: 'SEV-1' }),
        ev('rolled_back', 50, { reason: 'INC-9' }),
      ],
      {
        status: 'finished',
        outcome: 'rolled_back',
        promotedAt: '2026-11-27T10:03:00.000Z',
        finishedAt: '2026-11-27T10:09:00.000Z',
        rolledBackAt: '2026-11-27T10:50:00.000Z',
        rollbackReason: 'INC-9',
      },
    ],
  ])('%s', (_name, events, expected) => {
    const release = project(events);
    expect(release).toMatchObject(expected);
    expect(release.anomalies).toEqual([]);
  });

  it('flags impossible sequences without dropping them', () => {
    const promotedLate = ev('promoted', 5);
    const secondStart = ev('release_started', 6);
    const release = project([
      ev('release_started', 0),
      ev('rolled_back', 2, { reason: 'x' }),
      promotedLate,
      secondStart,
    ]);
    expect(release.status).toBe('rolled_back');
    expect(release.eventCount).toBe(4);
    expect(release.promotedAt).toBe('2026-11-27T10:05:00.000Z');
    expect(release.anomalies).toEqual([
      {
        eventId: promotedLate.eventId,
        type: 'promoted',
        message: 'promoted while the release was rolled_back',
      },
      {
        eventId: secondStart.eventId,
        type: 'release_started',
        message: 'release_started while the release was rolled_back',
      },
    ]);
  });

  it('flags a second rollback of a finished release', () => {
    const second = ev('rolled_back', 30, { reason: 'again' });
    const release = project([
      ev('release_started', 0),
      ev('rolled_back', 2, { reason: 'x' }),
      ev('release_finished', 9),
      second,
    ]);
    expect(release).toMatchObject({
      status: 'finished',
      outcome: 'rolled_back',
      rolledBackAt: '2026-11-27T10:02:00.000Z',
      rollbackReason: 'x',
    });
    expect(release.anomalies).toEqual([
      {
        eventId: second.eventId,
        type: 'rolled_back',
        message: 'rolled_back while the release was finished',
      },
    ]);
  });

  it('attaches incidents, restores, flag toggles and merged changes', () => {
    const release = project([
      ev('pr_merged', 0, {
        prNumber: 12,
        title: 'b',
        author: 'bo',
        mergedAt: '2026-11-26T08:00:00+01:00',
      }),
      ev('pr_merged', 0, { prNumber: 11, title: 'a' }),
      ev('pr_merged', 1, { prNumber: 12, title: 'b again' }),
      ev('release_started', 2),
      ev('flag_toggled', 3, { flag: 'new-tax', from: false, to: true }),
      ev('promoted', 4),
      ev('incident_started', 20, {
        incidentId: 'INC-7',
        severity: 'SEV-2',
        title: 'errors',
      }),
      ev('incident_resolved', 50, { incidentId: 'INC-7' }),
      ev('incident_resolved', 51, { incidentId: 'INC-8' }),
    ]);
    expect(release.changes.map(c => [c.prNumber, c.title, c.mergedAt])).toEqual(
      [
        [12, 'b', '2026-11-26T07:00:00.000Z'],
        [11, 'a', '2026-11-27T10:00:00.000Z'],
      ],
    );
    expect(release.flagToggles).toEqual([
      {
        flag: 'new-tax',
        from: false,
        to: true,
        at: '2026-11-27T10:03:00.000Z',
      },
    ]);
    expect(release.incidents).toEqual([
      {
        incidentId: 'INC-7',
        severity: 'SEV-2',
        title: 'errors',
        startedAt: '2026-11-27T10:20:00.000Z',
        resolvedAt: '2026-11-27T10:50:00.000Z',
      },
    ]);
    expect(release.anomalies.map(a => a.message)).toEqual([
      'INC-8 resolved but never started',
    ]);
  });

  it('applies same-second events in lifecycle order', () => {
    const release = project([
      ev('promoted', 0),
      ev('canary_started', 0, { weight: 10 }),
      ev('release_started', 0),
    ]);
    expect(release.status).toBe('promoted');
    expect(release.anomalies).toEqual([]);
  });

  describe('the commits a release lists', () => {
    const started = (commits: object[], extra: object = {}) =>
      ev('release_started', 5, { commits, ...extra });

    it('are changes of their own, unless a merged PR describes them', () => {
      const release = project([
        ev('pr_merged', 1, { prNumber: 12, title: 'Tax', author: 'ada' }),
        ev('pr_merged', 2, { prNumber: 14, title: 'Cart', commit: sha(14) }),
        started([
          {
            sha: sha(12),
            subject: 'feat: tax (#12)',
            prNumber: 12,
            committedAt: '2026-11-27T09:00:00Z',
          },
          {
            sha: sha(14),
            subject: 'feat: cart',
            committedAt: '2026-11-27T09:30:00Z',
          },
          {
            sha: sha(15),
            subject: 'Merge pull request #15 from org/x',
            body: '\nfix(ui): spacing\n\nmore',
            prNumber: 15,
            isMerge: true,
            committedAt: '2026-11-27T09:45:00Z',
          },
          { sha: sha(16), subject: 'chore: bump', author: 'bot' },
        ]),
      ]);
      expect(release.changes).toEqual([
        {
          prNumber: 15,
          title: 'fix(ui): spacing',
          mergedAt: '2026-11-27T09:45:00.000Z',
          commit: sha(15),
          source: 'commit',
        },
        expect.objectContaining({
          prNumber: 12,
          title: 'Tax',
          commit: sha(12),
          source: 'pr_merged',
        }),
        expect.objectContaining({
          prNumber: 14,
          title: 'Cart',
          commit: sha(14),
          source: 'pr_merged',
        }),
        // No time of its own: the release's start.
        {
          title: 'chore: bump',
          author: 'bot',
          mergedAt: '2026-11-27T10:05:00.000Z',
          commit: sha(16),
          source: 'commit',
        },
      ]);
      expect(release.commitCount).toBe(4);
    });

    it('a PR merged after the start takes the place of its commit, keeping the commit id', () => {
      const release = project([
        started([{ sha: sha(21), subject: 'feat: x (#21)', prNumber: 21 }]),
        ev('pr_merged', 6, { prNumber: 21, title: 'X' }),
      ]);
      expect(release.changes).toEqual([
        expect.objectContaining({
          prNumber: 21,
          title: 'X',
          commit: sha(21),
          source: 'pr_merged',
        }),
      ]);
    });

    it('fixes: the ones listed, and incidents named by fix: commits', () => {
      const release = project([
        started(
          [
            { sha: sha(1), subject: 'fix(pay): double charge, INC-42' },
            { sha: sha(2), subject: 'feat: mentions INC-7 but is no fix' },
            {
              sha: sha(3),
              subject: 'fix: PROJ-9 is a ticket, not an incident',
            },
            {
              sha: sha(4),
              subject: 'Merge pull request #4 from a/b',
              body: 'fix: retry\n\nCloses inc-43',
              isMerge: true,
            },
          ],
          { fixes: ['payments@2026.11.20.1'] },
        ),
      ]);
      expect(release.fixes).toEqual([
        'payments@2026.11.20.1',
        'INC-42',
        'INC-43',
      ]);
    });
  });

  describe('property: arrival order and duplicates do not matter', () => {
    // Every type: the ones without projection effects must not disturb it either.
    const types = RELEASE_EVENT_TYPES;
    const attributesFor = (
      type: ReleaseEventType,
      n: number,
    ): Record<string, unknown> => {
      switch (type) {
        case 'pr_merged':
          return {
            prNumber: n % 4,
            title: `t${n}`,
            ...(n % 3 === 0 ? { commit: sha(n % 4) } : {}),
          };
        case 'release_started':
          // Commits that some merges describe (by PR number or commit) and some not.
          return {
            commits: [
              {
                sha: sha(n % 4),
                subject: `fix: c${n} INC-${n % 3}`,
                prNumber: n % 2 === 0 ? n % 4 : undefined,
              },
              { sha: sha(7), subject: 'direct push' },
            ],
          };
        case 'canary_started':
          return { weight: (n % 10) * 10 };
        case 'gate_evaluated':
          return { verdict: 'pass' };
        case 'rolled_back':
          return { reason: `r${n}` };
        case 'incident_started':
        case 'incident_resolved':
          return { incidentId: `INC-${n % 3}`, severity: 'SEV-2' };
        case 'flag_toggled':
          return { flag: `f${n % 2}`, to: n % 2 === 0 };
        default:
          return {};
      }
    };
    const arbitraryEvents = fc
      .array(
        fc.record({
          type: fc.constantFrom(...types),
          minute: fc.integer({ min: 0, max: 20 }),
          n: fc.integer({ min: 0, max: 1000 }),
        }),
        { minLength: 1, maxLength: 25 },
      )
      .map(
        specs =>
          specs.map((s, i) => ({
            eventId: `p${i}`,
            type: s.type,
            releaseId: 'payments@1',
            timestamp: new Date(
              Date.UTC(2026, 10, 27, 10, s.minute),
            ).toISOString(),
            environment: 'production',
            version: i === 0 ? '1.0.0' : undefined,
            attributes: attributesFor(s.type, s.n),
          })) as ReleaseEvent[],
      );

    it('any permutation with any events duplicated yields the same projection', () => {
      fc.assert(
        fc.property(
          arbitraryEvents.chain(events =>
            fc.tuple(
              fc.constant(events),
              fc.shuffledSubarray(events, {
                minLength: 0,
                maxLength: events.length,
              }),
              fc.func(fc.integer()),
            ),
          ),
          ([events, duplicates, order]) => {
            const arrival = [
              ...events,
              ...duplicates.map(
                d =>
                  ({
                    ...d,
                    attributes: { ...d.attributes },
                  } as ReleaseEvent),
              ),
            ]
              .map((e, i) => ({ e, key: order(i) }))
              .sort((a, b) => a.key - b.key)
              .map(x => x.e);
            expect(project(arrival)).toEqual(project(events));
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
