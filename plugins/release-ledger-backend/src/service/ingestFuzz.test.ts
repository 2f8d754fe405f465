import { mockCredentials } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import request from 'supertest';
import {
  createTestDatabases,
  startTestLedger,
} from '../__testUtils__/testLedger';

jest.setTimeout(180_000);

const databases = createTestDatabases();
const BODIES_PER_DATABASE = 2000;

const valid = {
  eventId: 'fuzz-valid',
  type: 'canary_started',
  releaseId: 'payments-api@fuzz',
  entityRef: 'component:default/payments-api',
  timestamp: '2026-11-27T10:00:00Z',
  environment: 'production',
  version: '1.0.0',
  commit: 'abc1234',
  attributes: { weight: 10 },
};
type Field = keyof typeof valid;

/** A value that is wrong for the field it replaces. */
const badValueFor: Record<Field, fc.Arbitrary<unknown>> = {
  eventId: fc.oneof(
    fc.constant(''),
    fc.integer(),
    fc.constant('has space'),
    fc.string({ minLength: 201, maxLength: 300 }),
  ),
  type: fc.oneof(
    fc.constant('deployed'),
    fc.constant('RELEASE_STARTED'),
    fc.integer(),
    fc.constant(null),
    fc.string({ maxLength: 30 }).filter(s => s !== 'canary_started'),
  ),
  releaseId: fc.oneof(
    fc.constant(''),
    fc.constant(' spaced id'),
    fc.integer(),
    fc.array(fc.string()),
    fc.string({ minLength: 201, maxLength: 250 }),
  ),
  entityRef: fc.oneof(
    fc.constant('component:default/ghost'),
    fc.constant(''),
    fc.constant('kind:ns/name/extra'),
    fc.integer(),
    fc.constant('group:default/team-payments-x'),
  ),
  timestamp: fc.oneof(
    fc.constant('yesterday'),
    fc.constant('2026-13-45T10:00:00Z'),
    fc.constant('2026-11-27T10:00:00'),
    fc.integer(),
    fc.constant(''),
    fc.date({ noInvalidDate: true }).map(d => d.toUTCString()),
  ),
  environment: fc.oneof(
    fc.constant('Production'),
    fc.constant(''),
    fc.constant('prod env'),
    fc.integer(),
  ),
  version: fc.oneof(
    fc.constant(''),
    fc.integer(),
    fc.string({ minLength: 101, maxLength: 120 }),
  ),
  commit: fc.oneof(
    fc.constant(''),
    fc.boolean(),
    fc.string({ minLength: 101, maxLength: 120 }),
  ),
  attributes: fc.oneof(
    fc.constant({}),
    fc.constant({ weight: 101 }),
    fc.constant({ weight: '10' }),
    fc.constant([]),
    fc.constant('w'),
    fc.constant({ weight: -1 }),
  ),
};

const fields = Object.keys(valid) as Field[];
const requiredFields: Field[] = ['type', 'releaseId'];

/** One valid event broken in one to three ways. */
const brokenEvent = fc
  .record({
    mutations: fc.uniqueArray(fc.constantFrom(...fields), {
      minLength: 1,
      maxLength: 3,
    }),
    drop: fc.subarray(requiredFields),
    extraKey: fc.option(
      fc
        .string({ minLength: 1, maxLength: 10 })
        .filter(k => !(fields as string[]).includes(k) && k !== '__proto__'),
    ),
  })
  .chain(({ mutations, drop, extraKey }) =>
    fc.tuple(...mutations.map(f => badValueFor[f])).map(values => {
      const event: Record<string, unknown> = { ...valid, eventId: undefined };
      mutations.forEach((f, i) => (event[f] = values[i]));
      for (const f of drop) delete event[f];
      if (extraKey) event[extraKey] = 'x';
      return event;
    }),
  );

const validEvent = fc
  .integer({ min: 0, max: 1e9 })
  .map(n => ({ ...valid, eventId: `fuzz-ok-${n}` }));

const malformedBody = fc.oneof(
  brokenEvent,
  // A batch with at least one broken event among valid ones: nothing may be stored.
  fc
    .tuple(
      fc.array(validEvent, { maxLength: 5 }),
      brokenEvent,
      fc.array(validEvent, { maxLength: 5 }),
    )
    .map(([a, bad, b]) => ({ events: [...a, bad, ...b] })),
  fc.constant({ events: [] }),
  fc.constant({ events: 'nope' }),
  fc.record({
    events: fc.array(validEvent, { maxLength: 2 }),
    extra: fc.string(),
  }),
  // Arbitrary JSON that is not an event at all.
  fc
    .oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.array(fc.jsonValue({ maxDepth: 2 })),
    )
    .filter(v => !(v && typeof v === 'object' && 'type' in v)),
);

/** Bytes that are not even JSON. */
const garbageText = fc.string({ minLength: 1, maxLength: 200 }).filter(s => {
  try {
    JSON.parse(s);
    return false;
  } catch {
    return true;
  }
});

describe.each(databases.eachSupportedId())(
  'fuzzing POST /events on %p',
  databaseId => {
    it(`answers ${BODIES_PER_DATABASE} malformed bodies with 4xx and stores nothing`, async () => {
      const { server, knex } = await startTestLedger(databases, databaseId);
      const agent = request(server);
      const auth = mockCredentials.service.header();
      const snapshot = async () => ({
        events: await knex('release_ledger_events').orderBy('seq').select(),
        releases: await knex('release_ledger_releases')
          .orderBy('release_id')
          .select(),
      });
      const seeded = await agent
        .post('/api/release-ledger/events')
        .set('Authorization', auth)
        .send({ ...valid, eventId: 'fuzz-seed' });
      expect(seeded.status).toBe(201);
      const before = await snapshot();
      expect(before.events).toHaveLength(1);
      const statuses = new Map<number, number>();

      const bodies = fc.sample(malformedBody, {
        numRuns: BODIES_PER_DATABASE - 200,
        seed: 42,
      });
      const texts = fc.sample(garbageText, { numRuns: 200, seed: 7 });
      for (const body of bodies) {
        const res = await agent
          .post('/api/release-ledger/events')
          .set('Authorization', auth)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(body));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status < 400 || res.status >= 500) {
          throw new Error(
            `body ${JSON.stringify(body).slice(0, 300)} answered ${
              res.status
            }: ${JSON.stringify(res.body).slice(0, 300)}`,
          );
        }
        expect(typeof res.body.error?.message).toBe('string');
      }
      for (const text of texts) {
        const res = await agent
          .post('/api/release-ledger/events')
          .set('Authorization', auth)
          .set('Content-Type', 'application/json')
          .send(text);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status).toBe(400);
      }

      expect([...statuses.keys()].every(s => s >= 400 && s < 500)).toBe(true);
      expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(
        BODIES_PER_DATABASE,
      );
      expect(await snapshot()).toEqual(before);
    });
  },
);
