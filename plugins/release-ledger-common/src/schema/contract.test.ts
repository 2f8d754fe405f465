/* eslint new-cap: ["error", { "capIsNewExceptions": ["GET"] }] -- openapi-fetch names its methods after the HTTP verbs */
import { createReleaseLedgerClient } from '../client';
import type { ReleaseChecklist, SkippedChecklistItems } from '../checklists';
import type { CommsStatus, ReleaseComms } from '../commsApi';
import type { ReleaseEvent, ReleaseEventInput } from '../events';
import type { GateEvaluationStarted, GateReplay, ReleaseGates } from '../gates';
import type { LedgerStatus } from '../ledgerStatus';
import type { ReleaseNotes } from '../notes';
import type { MetricsResponse, WeeklyNote } from '../metricsApi';
import type { IngestResult, ReleasePage, ReleaseWithEvents } from '../releases';
import type { components, paths } from './openapi';

/*
 * The contract between common's answer types (which the backend builds and
 * the portal and the CLI read) and the OpenAPI spec (from which the typed
 * client's types are generated), checked by `yarn tsc`: each `expectExact`
 * fails to compile when the two types differ in a field, its type or
 * whether it is optional. The tests below then send typed answers through
 * the client.
 */

/** Intersections and nested objects flattened, so equal shapes compare equal. */
type Flat<T> = T extends readonly unknown[]
  ? { [K in keyof T]: Flat<T[K]> }
  : T extends object
  ? { [K in keyof T]: Flat<T[K]> }
  : T;

type Same<A, B> = (<T>() => T extends Flat<A> ? 1 : 2) extends <
  T,
>() => T extends Flat<B> ? 1 : 2
  ? true
  : false;

/** Compiles only when `A` and `B` are the same type, field by field. */
function expectExact<A, B>(..._proof: Same<A, B> extends true ? [] : [never]) {}

/** Compiles only when a value of type `A` may be used as a `B`. */
function expectAssignable<A, B>(
  ..._proof: [A] extends [B] ? [] : [never]
): void {}

type Schemas = components['schemas'];

/** The JSON answer of an operation for one status. */
type Answer<
  P extends keyof paths,
  M extends 'get' | 'post' | 'put',
  S extends number,
> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

/** The JSON request body of an operation. */
type Body<
  P extends keyof paths,
  M extends 'post' | 'put',
> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer T } };
}
  ? T
  : never;

// Each operation answers the named schema that common's type is checked against.
expectExact<Answer<'/events', 'post', 201>, Schemas['IngestResponse']>();
expectExact<Answer<'/releases', 'get', 200>, Schemas['ReleasePage']>();
expectExact<
  Answer<'/releases/{releaseId}', 'get', 200>,
  Schemas['ReleaseWithEvents']
>();
expectExact<
  Answer<'/releases/{releaseId}/comms', 'get', 200>,
  Schemas['ReleaseComms']
>();
expectExact<
  Answer<'/releases/{releaseId}/gates/evaluate', 'post', 202>,
  Schemas['GateEvaluationStarted']
>();
expectExact<
  Answer<'/releases/{releaseId}/gates', 'get', 200>,
  Schemas['ReleaseGates']
>();
expectExact<
  Answer<'/releases/{releaseId}/gates/replay', 'post', 200>,
  Schemas['GateReplay']
>();
expectExact<
  Answer<'/releases/{releaseId}/checklist', 'get', 200>,
  Schemas['ReleaseChecklist']
>();
expectExact<Answer<'/ledger/status', 'get', 200>, Schemas['LedgerStatus']>();
expectExact<Answer<'/comms/status', 'get', 200>, Schemas['CommsStatus']>();
expectExact<Answer<'/metrics', 'get', 200>, Schemas['MetricsResponse']>();
expectExact<Answer<'/notes/{week}', 'get', 200>, Schemas['WeeklyNote']>();
expectExact<Answer<'/notes/{week}', 'put', 200>, Schemas['WeeklyNote']>();

// The answers are exact: common's types and the spec's schemas are the same.
expectExact<IngestResult, Schemas['IngestResult']>();
expectExact<ReleasePage, Schemas['ReleasePage']>();
expectExact<ReleaseComms, Schemas['ReleaseComms']>();
expectExact<CommsStatus, Schemas['CommsStatus']>();
expectExact<LedgerStatus, Schemas['LedgerStatus']>();
expectExact<ReleaseGates, Schemas['ReleaseGates']>();
expectExact<GateEvaluationStarted, Schemas['GateEvaluationStarted']>();
expectExact<GateReplay, Schemas['GateReplay']>();
expectExact<MetricsResponse, Schemas['MetricsResponse']>();
expectExact<WeeklyNote, Schemas['WeeklyNote']>();
expectExact<ReleaseChecklist, Schemas['ReleaseChecklist']>();
expectExact<ReleaseNotes, Schemas['ReleaseNotes']>();
expectExact<SkippedChecklistItems, Schemas['SkippedChecklistItems']>();

// Events: the envelope and its type enum are exact. The spec leaves
// attributes an object (the event contract types them per event type), so a
// stored event is one of the spec's events but not the other way round.
expectExact<
  Omit<ReleaseEvent, 'attributes'>,
  Omit<Schemas['Event'], 'attributes'>
>();
expectExact<ReleaseEvent['type'], Schemas['EventType']>();
expectAssignable<ReleaseEvent, Schemas['Event']>();
expectExact<
  Omit<ReleaseWithEvents, 'events'>,
  Omit<Schemas['ReleaseWithEvents'], 'events'>
>();
expectAssignable<ReleaseWithEvents, Schemas['ReleaseWithEvents']>();

// What a pipeline sends: one event, or a batch of events.
expectExact<ReleaseEventInput, Schemas['EventInput']>();
expectAssignable<ReleaseEventInput, Body<'/events', 'post'>>();
expectAssignable<{ events: ReleaseEventInput[] }, Body<'/events', 'post'>>();

// And the checks do check: a missing field, an optional one that the other
// side requires and a wider type are all differences.
// @ts-expect-error `nextCursor` is missing on one side
expectExact<{ items: [] }, { items: []; nextCursor?: string }>();
// @ts-expect-error optional on one side, required on the other
expectExact<{ a: string }, { a?: string }>();
// @ts-expect-error string is wider than the enum
expectExact<{ a: 'x' & {} }, { a: string }>();
// @ts-expect-error events typed per type are narrower than the spec's
expectExact<ReleaseEvent, Schemas['Event']>();

describe('the typed client and common answer types', () => {
  const release: ReleaseWithEvents = {
    releaseId: 'payments-api@1.42.0',
    entityRef: 'component:default/payments-api',
    status: 'promoted',
    environment: 'production',
    firstEventAt: '2026-11-27T10:00:00.000Z',
    lastEventAt: '2026-11-27T10:30:00.000Z',
    changes: [
      {
        prNumber: 7,
        title: 'Retry card authorisations',
        mergedAt: '2026-11-26T09:00:00.000Z',
      },
    ],
    incidents: [],
    flagToggles: [{ flag: 'new-checkout', from: false, to: true, at: '' }],
    anomalies: [],
    eventCount: 1,
    events: [
      {
        eventId: 'e1',
        type: 'rolled_back',
        releaseId: 'payments-api@1.42.0',
        timestamp: '2026-11-27T10:30:00.000Z',
        environment: 'production',
        attributes: { reason: 'error rate' },
      },
    ],
  };

  it('reads an answer as the spec types it, which common types the same', async () => {
    const requests: Request[] = [];
    const client = createReleaseLedgerClient({
      baseUrl: 'http://ledger.test/api/release-ledger',
      fetch: async request => {
        requests.push(request);
        return Response.json(release);
      },
    });

    const { data, error } = await client.GET('/releases/{releaseId}', {
      params: { path: { releaseId: release.releaseId } },
    });

    expect(error).toBeUndefined();
    const read: Schemas['ReleaseWithEvents'] | undefined = data;
    expect(read).toEqual(release);
    expect(read?.events[0].type).toBe('rolled_back');
    expect(requests.map(r => [r.method, r.url])).toEqual([
      [
        'GET',
        'http://ledger.test/api/release-ledger/releases/payments-api%401.42.0',
      ],
    ]);
  });
});
