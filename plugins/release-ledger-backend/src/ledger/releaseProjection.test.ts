import {
  RELEASE_EVENT_TYPES,
  type Release,
  type ReleaseEvent,
  type ReleaseEventType,
} from '@release-ledger/plugin-release-ledger-common';
import fc from 'fast-check';
import { compareEvents, projectRelease, uniqueInOrder } from './projectRelease';
import {
  applyToProjection,
  parseProjectionCursor,
  PROJECTION_LOGIC_VERSION,
  ProjectionUpdate,
  projectFromAllEvents,
  ReleaseProjection,
} from './releaseProjection';

const identity = {
  releaseId: 'payments@1',
  entityRef: 'component:default/payments',
  ownerRef: 'group:default/team-payments',
};

function ev(
  eventId: string,
  type: ReleaseEventType,
  minute: number,
  attributes: Record<string, unknown> = {},
): ReleaseEvent {
  return {
    eventId,
    type,
    releaseId: identity.releaseId,
    timestamp: new Date(Date.UTC(2026, 10, 27, 10, minute)).toISOString(),
    environment: 'production',
    attributes,
  } as ReleaseEvent;
}

/** What the store keeps: JSON in two columns. */
function stored(projection: ReleaseProjection) {
  return {
    release: JSON.parse(JSON.stringify(projection.release)) as Release,
    cursor: parseProjectionCursor(JSON.stringify(projection.cursor)),
  };
}

/** A value as the store would read it back (undefined fields gone). */
const asStored = <T>(value: T): T => JSON.parse(JSON.stringify(value));

function applied(update: ProjectionUpdate): ReleaseProjection {
  if (update.kind !== 'applied') {
    throw new Error(`expected the events to be applied, got ${update.reason}`);
  }
  return update.projection;
}

describe('applyToProjection', () => {
  const start = ev('e-start', 'release_started', 0, { plan: 'canary' });
  const canary = ev('e-canary', 'canary_started', 2, { weight: 10 });
  const promoted = ev('e-promoted', 'promoted', 5);
  const finished = ev('e-finished', 'release_finished', 9);

  it.each<{
    name: string;
    before: ReleaseEvent[];
    after: ReleaseEvent[];
    expected: Partial<Release>;
  }>([
    {
      name: 'the last applied event sent again is skipped',
      before: [start, promoted],
      after: [promoted, { ...promoted }],
      expected: { status: 'promoted', eventCount: 2 },
    },
    {
      name: 'an event at the same time with a later lifecycle rank is applied',
      before: [start, promoted],
      after: [ev('e-0', 'release_finished', 5)],
      expected: { status: 'finished', outcome: 'promoted', eventCount: 3 },
    },
    {
      name: 'same time and rank: a later eventId is applied',
      before: [start, ev('g-2', 'gate_evaluated', 3, { verdict: 'pass' })],
      after: [ev('g-3', 'gate_failed', 3), ev('g-4', 'gate_evaluated', 3)],
      expected: { eventCount: 4, lastEventAt: '2026-11-27T10:03:00.000Z' },
    },
    {
      name: 'new events in any order and repeated among themselves',
      before: [start],
      after: [finished, promoted, canary, { ...promoted }, canary],
      expected: {
        status: 'finished',
        outcome: 'promoted',
        canaryWeight: 10,
        eventCount: 4,
        anomalies: [],
      },
    },
    {
      name: 'a rollback after the release finished',
      before: [start, promoted, finished],
      after: [ev('e-rb', 'rolled_back', 50, { reason: 'INC-9' })],
      expected: {
        status: 'finished',
        outcome: 'rolled_back',
        rolledBackAt: '2026-11-27T10:50:00.000Z',
        rollbackReason: 'INC-9',
        anomalies: [],
      },
    },
    {
      name: 'a second rollback of a finished release is an anomaly',
      before: [start, ev('e-rb', 'rolled_back', 3, { reason: 'x' }), finished],
      after: [ev('e-rb2', 'rolled_back', 30, { reason: 'again' })],
      expected: {
        status: 'finished',
        outcome: 'rolled_back',
        rollbackReason: 'x',
        anomalies: [
          {
            eventId: 'e-rb2',
            type: 'rolled_back',
            message: 'rolled_back while the release was finished',
          },
        ],
      },
    },
    {
      name: 'an incident resolved after the projection was stored',
      before: [
        start,
        promoted,
        ev('i-1', 'incident_started', 20, {
          incidentId: 'INC-1',
          severity: 'SEV-2',
          title: 'errors',
        }),
      ],
      after: [ev('i-2', 'incident_resolved', 40, { incidentId: 'INC-1' })],
      expected: {
        incidents: [
          {
            incidentId: 'INC-1',
            severity: 'SEV-2',
            title: 'errors',
            startedAt: '2026-11-27T10:20:00.000Z',
            resolvedAt: '2026-11-27T10:40:00.000Z',
          },
        ],
        anomalies: [],
      },
    },
    {
      name: 'an incident started again, and one resolved but never started',
      before: [
        start,
        ev('i-1', 'incident_started', 20, {
          incidentId: 'INC-1',
          severity: 'SEV-2',
        }),
      ],
      after: [
        ev('i-2', 'incident_started', 21, {
          incidentId: 'INC-1',
          severity: 'SEV-1',
        }),
        ev('i-3', 'incident_resolved', 22, { incidentId: 'INC-2' }),
      ],
      expected: {
        incidents: [
          {
            incidentId: 'INC-1',
            severity: 'SEV-2',
            startedAt: '2026-11-27T10:20:00.000Z',
          },
        ],
        anomalies: [
          {
            eventId: 'i-2',
            type: 'incident_started',
            message: 'INC-1 started twice',
          },
          {
            eventId: 'i-3',
            type: 'incident_resolved',
            message: 'INC-2 resolved but never started',
          },
        ],
      },
    },
    {
      name: 'a PR merged again keeps its first merge; changes stay sorted',
      before: [
        ev('p-1', 'pr_merged', 0, { prNumber: 7, title: 'first' }),
        start,
      ],
      after: [
        ev('p-2', 'pr_merged', 3, { prNumber: 7, title: 'again' }),
        ev('p-3', 'pr_merged', 4, {
          prNumber: 8,
          title: 'older',
          mergedAt: '2026-11-26T10:00:00Z',
        }),
      ],
      expected: {
        changes: [
          {
            prNumber: 8,
            title: 'older',
            mergedAt: '2026-11-26T10:00:00.000Z',
          },
          { prNumber: 7, title: 'first', mergedAt: '2026-11-27T10:00:00.000Z' },
        ],
      },
    },
  ])('$name', ({ before, after, expected }) => {
    const result = applied(
      applyToProjection(
        stored(projectFromAllEvents(identity, before)),
        after,
        identity,
      ),
    );
    expect(result.release).toMatchObject(expected);
    const full = projectFromAllEvents(identity, [...before, ...after]);
    expect(asStored(result)).toStrictEqual(asStored(full));
  });

  it.each<{ name: string; before: ReleaseEvent[]; after: ReleaseEvent[] }>([
    {
      name: 'an event earlier than the last applied one',
      before: [start, promoted],
      after: [canary],
    },
    {
      name: 'an earlier event sent again',
      before: [start, promoted],
      after: [{ ...start }],
    },
    {
      name: 'same time as the last applied event, earlier lifecycle rank',
      before: [start, promoted],
      after: [ev('e-z', 'canary_started', 5, { weight: 5 })],
    },
    {
      name: 'same time and rank as the last applied event, earlier eventId',
      before: [start, ev('g-2', 'gate_evaluated', 3, { verdict: 'pass' })],
      after: [ev('g-1', 'gate_failed', 3)],
    },
    {
      name: 'one late event among in-order ones',
      before: [start, canary],
      after: [
        promoted,
        ev('e-late', 'pr_merged', 1, { prNumber: 1 }),
        finished,
      ],
    },
  ])('asks for a re-projection for $name', ({ before, after }) => {
    expect(
      applyToProjection(
        stored(projectFromAllEvents(identity, before)),
        after,
        identity,
      ),
    ).toEqual({ kind: 'reproject', reason: 'out-of-order' });
  });

  describe('asks for a re-projection when the stored cursor does not fit', () => {
    const projection = projectFromAllEvents(identity, [start, promoted]);

    it.each<[string, ReturnType<typeof stored>]>([
      [
        'no cursor (written before cursors)',
        { release: projection.release, cursor: undefined },
      ],
      [
        'a cursor of other projection logic',
        {
          release: projection.release,
          cursor: {
            ...projection.cursor,
            logicVersion: PROJECTION_LOGIC_VERSION + 1,
          },
        },
      ],
      [
        'a projection rewritten with more events by an instance that keeps no cursor',
        {
          release: projectRelease({
            ...identity,
            events: [start, promoted, canary],
          }),
          cursor: projection.cursor,
        },
      ],
    ])('%s', (_name, old) => {
      expect(applyToProjection(old, [finished], identity)).toEqual({
        kind: 'reproject',
        reason: 'no-cursor',
      });
    });
  });

  it("takes the row's identity, which can change after the projection was stored", () => {
    const before = stored(projectFromAllEvents(identity, [start]));
    const later = { ...identity, systemRef: 'system:default/payments' };
    const result = applied(applyToProjection(before, [promoted], later));
    expect(result.release.systemRef).toBe('system:default/payments');
    expect(asStored(result)).toStrictEqual(
      asStored(projectFromAllEvents(later, [start, promoted])),
    );
  });

  it('does not change the stored projection', () => {
    const before = stored(projectFromAllEvents(identity, [start, canary]));
    const copy = asStored(before);
    applied(applyToProjection(before, [promoted, finished], identity));
    applied(applyToProjection(before, [], identity));
    expect(before).toStrictEqual(copy);
  });

  it('keeps the gate failures and SLO restorations the footprint reads', () => {
    const before = stored(
      projectFromAllEvents(identity, [start, ev('f-1', 'gate_failed', 3)]),
    );
    const result = applied(
      applyToProjection(
        before,
        [
          ev('f-2', 'gate_failed', 6),
          ev('s-1', 'slo_restored', 8),
          ev('f-3', 'gate_failed', 7),
        ],
        identity,
      ),
    );
    expect(result.cursor).toMatchObject({
      eventCount: 5,
      last: { eventId: 's-1', type: 'slo_restored' },
      gateFailedAt: [
        '2026-11-27T10:03:00.000Z',
        '2026-11-27T10:06:00.000Z',
        '2026-11-27T10:07:00.000Z',
      ],
      sloRestoredAt: ['2026-11-27T10:08:00.000Z'],
    });
  });
});

describe('parseProjectionCursor', () => {
  const cursor = projectFromAllEvents(identity, [
    ev('e-1', 'release_started', 0),
  ]).cursor;

  it('reads back what was stored', () => {
    expect(parseProjectionCursor(JSON.stringify(cursor))).toEqual(cursor);
  });

  it.each([
    ['no column value', null],
    ['an empty string', ''],
    ['not JSON', '{"logicVersion":'],
    ['an empty object', '{}'],
    [
      'an unknown event type',
      JSON.stringify({ ...cursor, last: { ...cursor.last, type: 'deployed' } }),
    ],
    [
      'a count that is not a number',
      JSON.stringify({ ...cursor, eventCount: '1' }),
    ],
    [
      'signal times that are not strings',
      JSON.stringify({ ...cursor, gateFailedAt: [1] }),
    ],
    ['another logic version', JSON.stringify({ ...cursor, logicVersion: 0 })],
  ])('answers nothing for %s', (_name, json) => {
    expect(parseProjectionCursor(json)).toBeUndefined();
  });
});

describe('property: incremental and full projection agree', () => {
  const attributesFor = (
    type: ReleaseEventType,
    n: number,
  ): Record<string, unknown> => {
    switch (type) {
      case 'pr_merged':
        return {
          prNumber: (n % 4) + 1,
          title: `t${n}`,
          ...(n % 3 === 0
            ? {
                mergedAt: new Date(
                  Date.UTC(2026, 10, 26, n % 24),
                ).toISOString(),
              }
            : {}),
        };
      case 'release_started':
        return n % 2 ? { plan: `p${n}`, risk: 'low' } : {};
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
        return { flag: `f${n % 2}`, from: n % 3 === 0, to: n % 2 === 0 };
      default:
        return {};
    }
  };

  /**
   * Histories of every type, in few distinct seconds (many ties, broken by
   * lifecycle rank and then by eventIds that do not follow arrival order),
   * with environments, versions and commits on some events.
   */
  const arbitraryEvents: fc.Arbitrary<ReleaseEvent[]> = fc
    .array(
      fc.record({
        type: fc.constantFrom(...RELEASE_EVENT_TYPES),
        second: fc.integer({ min: 0, max: 40 }),
        id: fc.integer({ min: 0, max: 99 }),
        n: fc.integer({ min: 0, max: 1000 }),
        environment: fc.constantFrom('production', 'staging'),
        version: fc.option(fc.constantFrom('1.0.0', '1.1.0'), {
          nil: undefined,
        }),
        commit: fc.option(fc.constantFrom('abc', 'def'), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 30 },
    )
    .map(specs =>
      specs.map(
        (s, i) =>
          ({
            eventId: `e${String(s.id).padStart(2, '0')}-${i}`,
            type: s.type,
            releaseId: identity.releaseId,
            timestamp: new Date(
              Date.UTC(2026, 10, 27, 10, 0, s.second * 15),
            ).toISOString(),
            environment: s.environment,
            version: s.version,
            commit: s.commit,
            attributes: attributesFor(s.type, s.n),
          } as ReleaseEvent),
      ),
    );

  /** Events in an arbitrary arrival order, some sent more than once. */
  const arrivals = arbitraryEvents.chain(events =>
    fc.tuple(
      fc.constant(events),
      fc
        .tuple(fc.shuffledSubarray(events), fc.func(fc.integer()))
        .map(([duplicates, order]) =>
          [...events, ...duplicates.map(d => structuredClone(d))]
            .map((e, i) => ({ e, key: order(i) }))
            .sort((a, b) => a.key - b.key)
            .map(x => x.e),
        ),
    ),
  );

  it('applying the rest of a history in order to the stored projection of its start gives the full projection', () => {
    fc.assert(
      fc.property(
        arbitraryEvents.chain(events =>
          fc.tuple(
            fc.constant(events),
            fc.integer({ min: 1, max: uniqueInOrder(events).length }),
            fc.func(fc.integer()),
            fc.shuffledSubarray(events),
          ),
        ),
        ([events, split, order, duplicates]) => {
          const ordered = uniqueInOrder(events);
          const before = ordered.slice(0, split);
          // The rest in any arrival order, with repeats of its own events
          // and of the last event applied.
          const after = [
            ...ordered.slice(split),
            ...duplicates
              .filter(d => compareEvents(d, before[before.length - 1]) >= 0)
              .map(d => structuredClone(d)),
          ]
            .map((e, i) => ({ e, key: order(i) }))
            .sort((a, b) => a.key - b.key)
            .map(x => x.e);
          const result = applied(
            applyToProjection(
              stored(projectFromAllEvents(identity, before)),
              after,
              identity,
            ),
          );
          const full = projectFromAllEvents(identity, events);
          expect(asStored(result)).toStrictEqual(asStored(full));
          expect(asStored(result.release)).toStrictEqual(
            asStored(projectRelease({ ...identity, events })),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('any split of any arrival order is applied when it can be and reported when an event lands before the last applied one', () => {
    const seen = { applied: 0, reprojected: 0 };
    fc.assert(
      fc.property(
        arrivals
          .filter(([, arrival]) => arrival.length >= 2)
          .chain(([events, arrival]) =>
            fc.tuple(
              fc.constant(events),
              fc.constant(arrival),
              fc.integer({ min: 1, max: arrival.length - 1 }),
            ),
          ),
        ([events, arrival, split]) => {
          const before = arrival.slice(0, split);
          const after = arrival.slice(split);
          const last = uniqueInOrder(before).at(-1)!;
          const lands = after.some(e => compareEvents(e, last) < 0);
          const update = applyToProjection(
            stored(projectFromAllEvents(identity, before)),
            after,
            identity,
          );
          seen[lands ? 'reprojected' : 'applied'] += 1;
          expect(asStored(update)).toStrictEqual(
            lands
              ? { kind: 'reproject', reason: 'out-of-order' }
              : {
                  kind: 'applied',
                  projection: asStored(projectFromAllEvents(identity, events)),
                },
          );
        },
      ),
      { numRuns: 1000 },
    );
    // Both answers were exercised, often.
    expect(seen.applied).toBeGreaterThan(100);
    expect(seen.reprojected).toBeGreaterThan(100);
  });

  it('any permutation with any events duplicated, ingested in batches as the store does, yields the same projection', () => {
    fc.assert(
      fc.property(
        arrivals.chain(([events, arrival]) =>
          fc.tuple(
            fc.constant(events),
            fc.constant(arrival),
            arrival.length < 2
              ? fc.constant<number[]>([])
              : fc.uniqueArray(fc.integer({ min: 1, max: arrival.length - 1 })),
          ),
        ),
        ([events, arrival, cuts]) => {
          const bounds = [
            0,
            ...[...cuts].sort((a, b) => a - b),
            arrival.length,
          ];
          let projection: ReleaseProjection | undefined;
          for (let b = 1; b < bounds.length; b++) {
            const batch = arrival.slice(bounds[b - 1], bounds[b]);
            const all = arrival.slice(0, bounds[b]);
            const update = projection
              ? applyToProjection(stored(projection), batch, identity)
              : undefined;
            projection =
              update?.kind === 'applied'
                ? update.projection
                : projectFromAllEvents(identity, all);
          }
          expect(asStored(projection!.release)).toStrictEqual(
            asStored(projectRelease({ ...identity, events })),
          );
          expect(asStored(projection)).toStrictEqual(
            asStored(projectFromAllEvents(identity, events)),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
