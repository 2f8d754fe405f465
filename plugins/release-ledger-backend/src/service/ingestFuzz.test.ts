import { mockCredentials } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import request from 'supertest';
import {
  createTestDatabases,
  startTestLedger,
} from '../__testUtils__/testLedger';

jest.setTimeout(180_000);

const databases = createTestDatabases();
const BODIES_PER_DATABASE = 3000;
const HOSTILE_PER_DATABASE = 1000;
const QUERIES_PER_DATABASE = 1000;
/** Random per run, printed, and settable so that a failure reproduces: FUZZ_SEED=… yarn test … */
const SEED = Number(
  process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31),
);
// eslint-disable-next-line no-console
console.log(`ingest fuzz seed ${SEED} (rerun with FUZZ_SEED=${SEED})`);

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

/** An object nested `depth` levels deep, as JSON text (stringify would overflow). */
const deepJson = (depth: number) =>
  `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/**
 * What an attacker sends (issue 11): values PostgreSQL cannot store, depth
 * that overflows recursive code, numbers JSON cannot carry, times that pin a
 * release to the top of every list, script links, prototype keys. Each is
 * JSON text with one hostile spot in an otherwise valid event or batch.
 */
const hostileText = fc
  .record({
    spot: fc.constantFrom(
      'timestamp',
      'version',
      'commit',
      'entityRef',
      'releaseId',
      'eventId',
      'environment',
      'attributes.weight',
      'attributes.note',
      'attributes.key',
    ),
    value: fc.oneof(
      fc.string({ maxLength: 20 }).map(v => JSON.stringify(`${v}\u0000${v}`)),
      fc.integer({ min: 17, max: 20_000 }).map(deepJson),
      fc.constantFrom('1e999', '-1e999', '1e309'),
      fc.constantFrom(
        '"9999-12-31T00:00:00Z"',
        '"0001-01-01T00:00:00Z"',
        '"1969-12-31T23:59:59Z"',
      ),
      fc.constantFrom(
        '"javascript:alert(1)"',
        '"data:text/html,<script>alert(1)</script>"',
      ),
      fc.constantFrom(
        '{"__proto__":{"polluted":1}}',
        '{"constructor":{"prototype":{"polluted":1}}}',
      ),
    ),
    batch: fc.boolean(),
  })
  .map(({ spot, value, batch }) => {
    const event: Record<string, unknown> = { ...valid, eventId: undefined };
    let text: string;
    if (spot === 'attributes.key') {
      const key = value.startsWith('"') ? value : '"k\u0000"';
      text = JSON.stringify(event).replace(
        '"attributes":{',
        `"attributes":{${key}:1,`,
      );
    } else if (spot.startsWith('attributes.')) {
      const name = spot.slice('attributes.'.length);
      text = JSON.stringify(event).replace(
        '"attributes":{',
        `"attributes":{"${name}":${value},`,
      );
    } else {
      text = JSON.stringify({ ...event, [spot]: '__HOSTILE__' }).replace(
        '"__HOSTILE__"',
        value,
      );
    }
    return batch
      ? `{"events":[${JSON.stringify({
          ...valid,
          eventId: 'fuzz-ok-batch',
        })},${text}]}`
      : text;
  });

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
    it(`answers ${BODIES_PER_DATABASE} malformed and hostile bodies without a 5xx and stores nothing refused`, async () => {
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
        numRuns: BODIES_PER_DATABASE - HOSTILE_PER_DATABASE - 200,
        seed: SEED,
      });
      const texts = fc.sample(garbageText, { numRuns: 200, seed: SEED + 1 });
      for (const body of bodies) {
        const res = await agent
          .post('/api/release-ledger/events')
          .set('Authorization', auth)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(body));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status < 400 || res.status >= 500) {
          throw new Error(
            `seed ${SEED}: body ${JSON.stringify(body).slice(
              0,
              300,
            )} answered ${res.status}: ${JSON.stringify(res.body).slice(
              0,
              300,
            )}`,
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
        BODIES_PER_DATABASE - HOSTILE_PER_DATABASE,
      );
      expect(await snapshot()).toEqual(before);

      // Hostile bodies: never a 5xx; what is refused stores nothing, what is
      // accepted (a hostile-looking but valid value) is stored exactly once.
      let created = 0;
      const unexpected: string[] = [];
      const hostile = fc.sample(hostileText, {
        numRuns: HOSTILE_PER_DATABASE,
        seed: SEED,
      });
      for (const text of hostile) {
        const res = await agent
          .post('/api/release-ledger/events')
          .set('Authorization', auth)
          .set('Content-Type', 'application/json')
          .send(text);
        const refused =
          res.status >= 400 &&
          res.status < 500 &&
          typeof res.body.error?.message === 'string';
        if (res.status === 201) {
          created += res.body.results.filter(
            (r: { status: string }) => r.status === 'created',
          ).length;
        } else if (!refused) {
          unexpected.push(
            `seed ${SEED}: body ${text.slice(0, 300)} answered ${
              res.status
            }: ${JSON.stringify(res.body).slice(0, 300)}`,
          );
        }
      }
      expect(unexpected).toEqual([]);
      expect((await snapshot()).events).toHaveLength(
        before.events.length + created,
      );
      // JSON.parse keeps "__proto__" as an own key; nothing may reach Object.prototype.
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('answers hostile query and path values on every read route without a 5xx', async () => {
      const { server } = await startTestLedger(databases, databaseId);
      const agent = request(server);
      const auth = mockCredentials.service.header();
      const hostileValue = fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 10 }).map(v => `${v}\u0000`),
        fc.constantFrom(
          'component:default/payments-api',
          '../../etc/passwd',
          "' OR 1=1 --",
          'x'.repeat(5000),
          '\uFFFF🚀',
          'constructor',
          '__proto__',
        ),
      );
      const routes = [
        (v: string) => `/releases?entityRef=${encodeURIComponent(v)}`,
        (v: string) => `/releases?owner=${encodeURIComponent(v)}`,
        (v: string) => `/releases?cursor=${encodeURIComponent(v)}`,
        (v: string) => `/releases?status=${encodeURIComponent(v)}`,
        (v: string) => `/releases?from=${encodeURIComponent(v)}`,
        (v: string) => `/releases?limit=${encodeURIComponent(v)}`,
        (v: string) => `/releases?${encodeURIComponent(v)}[a][b]=1`,
        (v: string) => `/releases/${encodeURIComponent(v)}`,
        (v: string) => `/releases/${encodeURIComponent(v)}/comms`,
        (v: string) => `/releases/${encodeURIComponent(v)}/checklist`,
        (v: string) => `/releases/${encodeURIComponent(v)}/notes`,
        (v: string) => `/releases/${encodeURIComponent(v)}/gates`,
        (v: string) => `/metrics?scope=entity&ref=${encodeURIComponent(v)}`,
        (v: string) => `/metrics?scope=org&window=${encodeURIComponent(v)}`,
        (v: string) => `/metrics?scope=org&bandSet=${encodeURIComponent(v)}`,
        (v: string) => `/notes/${encodeURIComponent(v)}`,
      ];
      const samples = fc.sample(
        fc.tuple(fc.nat(routes.length - 1), hostileValue),
        { numRuns: QUERIES_PER_DATABASE, seed: SEED },
      );
      const serverErrors: string[] = [];
      for (const [route, value] of samples) {
        const path = routes[route](value);
        const res = await agent
          .get(`/api/release-ledger${path}`)
          .set('Authorization', auth);
        if (res.status >= 500) {
          serverErrors.push(
            `seed ${SEED}: GET ${path.slice(0, 200)} answered ${
              res.status
            }: ${JSON.stringify(res.body).slice(0, 300)}`,
          );
        }
      }
      expect(serverErrors).toEqual([]);
    });
  },
);
