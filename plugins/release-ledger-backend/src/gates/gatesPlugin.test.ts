import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  SchedulerServiceTaskFunction,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  GateMetricProvider,
  releaseLedgerGateProvidersExtensionPoint,
} from '@release-ledger/plugin-release-ledger-node';
import request from 'supertest';
import {
  createTestDatabases,
  waitForProjections,
} from '../__testUtils__/testLedger';
import { releaseLedgerPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const service = mockCredentials.service.header();
const api = '/api/release-ledger';

/** A provider from a module: every query measures 0.001, no alert fires. */
function fixedProvider(id: string, queries: string[] = []) {
  const provider: GateMetricProvider = {
    id,
    async instantQuery(query) {
      queries.push(query);
      return { kind: 'value', value: 0.001 };
    },
    async rangeQuery(_query, from) {
      return {
        kind: 'range',
        points: [{ at: from, result: { kind: 'no-data' } }],
      };
    },
    async firingAlerts() {
      return { kind: 'alerts', alerts: [] };
    },
  };
  return createBackendModule({
    pluginId: 'release-ledger',
    moduleId: `${id}-gates`,
    register(env) {
      env.registerInit({
        deps: { gates: releaseLedgerGateProvidersExtensionPoint },
        async init({ gates }) {
          gates.addProvider(provider);
        },
      });
    },
  });
}

/** A scheduler that keeps the tasks, for the test to run a tick when it wants. */
function capturingScheduler() {
  const tasks = new Map<string, SchedulerServiceTaskFunction>();
  const schedules = new Map<string, object>();
  const factory = createServiceFactory({
    service: coreServices.scheduler,
    deps: {},
    factory: () => ({
      async scheduleTask({ fn, signal: _signal, ...schedule }) {
        tasks.set(schedule.id, fn);
        schedules.set(schedule.id, schedule);
      },
      createScheduledTaskRunner: () => ({
        async run(task) {
          tasks.set(task.id, task.fn);
        },
      }),
      async triggerTask() {},
      async cancelTask() {},
      async getScheduledTasks() {
        return [];
      },
    }),
  });
  const run = (id: string) => tasks.get(id)!(new AbortController().signal);
  return { factory, run, schedules };
}

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'release-ledger/gates': 'fast', 'example.com/app': 'co-1' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-checkout' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-checkout' }],
};

const gates = {
  // Never chosen for `checkout`: its annotation names `fast`.
  default: {
    provider: 'fixed',
    checks: [
      { name: 'never', query: 'vector(1)', condition: '< 0', noData: 'fail' },
    ],
  },
  fast: {
    provider: 'fixed',
    checks: [
      {
        name: 'error-rate',
        query:
          'errors{app="{{annotation.example.com/app}}",version="{{version}}"}',
        condition: '< 0.01',
        interval: '1s',
        count: 2,
        noData: 'fail',
      },
    ],
  },
};

async function start(
  databaseId: TestDatabaseId,
  features: Parameters<typeof startTestBackend>[0]['features'],
  config: object,
) {
  const knex = await databases.init(databaseId);
  const backend = await startTestBackend({
    features: [
      releaseLedgerPlugin,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: [entity] }),
      mockServices.rootConfig.factory({ data: config }),
      ...(features ?? []),
    ],
  });
  return { backend, knex };
}

describe.each(databases.eachSupportedId())(
  'gates wired into the plugin on %p',
  databaseId => {
    it("evaluates the entity's annotated gate with a module's provider on the scheduler, and writes the verdict to the ledger and the Slack outbox", async () => {
      const queries: string[] = [];
      const scheduler = capturingScheduler();
      const { backend, knex } = await start(
        databaseId,
        [fixedProvider('fixed', queries), scheduler.factory],
        { releaseLedger: { gates } },
      );
      try {
        const server = backend.server;
        await request(server)
          .post(`${api}/events`)
          .set('Authorization', service)
          .send({
            type: 'canary_started',
            releaseId: 'checkout@5',
            entityRef: 'component:default/checkout',
            version: '5.0.0',
            attributes: { weight: 5 },
          })
          .expect(201);
        const started = await request(server)
          .post(`${api}/releases/checkout@5/gates/evaluate`)
          .set('Authorization', service)
          .set('Content-Type', 'application/json')
          .send({});
        expect(started.status).toBe(202);
        expect(started.body.evaluation.gate).toBe('fast');

        // Every instance polls (claims keep them apart), every 5 s.
        expect(
          scheduler.schedules.get('release-ledger-gate-evaluations'),
        ).toMatchObject({ scope: 'local', frequency: { seconds: 5 } });
        // Two 1 s slots; then one tick of the worker takes both.
        await new Promise(resolve => setTimeout(resolve, 2_200));
        await scheduler.run('release-ledger-gate-evaluations');

        const shown = await request(server)
          .get(`${api}/releases/checkout@5/gates`)
          .set('Authorization', service);
        expect(shown.body.evaluations).toMatchObject([
          { gate: 'fast', state: 'passed', reason: 'all 1 key check passed' },
        ]);
        expect(queries).toEqual([
          'errors{app="co-1",version="5.0.0"}',
          'errors{app="co-1",version="5.0.0"}',
        ]);
        const id = started.body.evaluation.id;
        const release = await request(server)
          .get(`${api}/releases/checkout@5`)
          .set('Authorization', service);
        expect(
          release.body.events.map((e: { eventId: string }) => e.eventId),
        ).toEqual(
          expect.arrayContaining([
            `gate:${id}:gate_evaluated`,
            `gate:${id}:canary_passed`,
          ]),
        );
        // The Slack messages are projected from the verdict's events after
        // their commit (the deferred comms projector).
        await waitForProjections(server, service);
        const outbox = await knex('release_ledger_outbox')
          .whereIn('event_id', [
            `gate:${id}:gate_evaluated`,
            `gate:${id}:canary_passed`,
          ])
          .count({ n: '*' });
        expect(Number(outbox[0].n)).toBe(2);
      } finally {
        await backend.stop();
      }
    });

    it('refuses to start a gate on a release already promoted, with a 409 naming it, and starts nothing', async () => {
      const { backend, knex } = await start(
        databaseId,
        [fixedProvider('fixed'), capturingScheduler().factory],
        { releaseLedger: { gates } },
      );
      try {
        const server = backend.server;
        await request(server)
          .post(`${api}/events`)
          .set('Authorization', service)
          .send({
            events: [
              {
                type: 'canary_started',
                releaseId: 'checkout@6',
                entityRef: 'component:default/checkout',
                timestamp: '2026-11-20T10:00:00.000Z',
                attributes: { weight: 5 },
              },
              {
                type: 'promoted',
                releaseId: 'checkout@6',
                entityRef: 'component:default/checkout',
                timestamp: '2026-11-20T10:30:00.000Z',
              },
            ],
          })
          .expect(201);
        const refused = await request(server)
          .post(`${api}/releases/checkout@6/gates/evaluate`)
          .set('Authorization', service)
          .set('Content-Type', 'application/json')
          .send({});
        expect(refused.status).toBe(409);
        expect(refused.body.error.message).toBe(
          'releaseId: release checkout@6 was promoted at 2026-11-20T10:30:00.000Z; a gate can only judge a release before it is promoted or rolled back (replay judges past canaries)',
        );
        const rows = await knex('release_ledger_gate_evaluations').count({
          n: '*',
        });
        expect(Number(rows[0].n)).toBe(0);
      } finally {
        await backend.stop();
      }
    });

    it('registers each of several Prometheus connections as its own provider, named by gate sets', async () => {
      const regional = {
        checks: [
          {
            name: 'error-rate',
            query: 'errors{service="{{entity}}"}',
            condition: '< 0.01',
            noData: 'fail',
          },
        ],
      };
      const { backend } = await start(
        databaseId,
        [capturingScheduler().factory],
        {
          releaseLedger: {
            prometheus: [
              { id: 'prometheus-eu', url: 'http://127.0.0.1:9' },
              { id: 'prometheus-us', url: 'http://127.0.0.1:9' },
            ],
            gates: { fast: { ...regional, provider: 'prometheus-us' } },
          },
        },
      );
      try {
        await request(backend.server)
          .post(`${api}/events`)
          .set('Authorization', service)
          .send({
            type: 'canary_started',
            releaseId: 'checkout@7',
            entityRef: 'component:default/checkout',
            attributes: { weight: 5 },
          })
          .expect(201);
        const started = await request(backend.server)
          .post(`${api}/releases/checkout@7/gates/evaluate`)
          .set('Authorization', service)
          .set('Content-Type', 'application/json')
          .send({});
        expect(started.status).toBe(202);
        expect(started.body.evaluation).toMatchObject({
          gate: 'fast',
          provider: 'prometheus-us',
        });
      } finally {
        await backend.stop();
      }
      // A gate naming the single-connection id finds no such provider.
      await expect(
        start(databaseId, [], {
          releaseLedger: {
            prometheus: [{ id: 'prometheus-eu', url: 'http://127.0.0.1:9' }],
            gates: { fast: regional },
          },
        }),
      ).rejects.toThrow('releaseLedger.gates.fast.provider');
    });

    it('stops startup when two providers share an id', async () => {
      await expect(
        start(databaseId, [fixedProvider('prometheus')], {
          releaseLedger: { prometheus: { url: 'http://127.0.0.1:9' } },
        }),
      ).rejects.toThrow("two gate metric providers have the id 'prometheus'");
    });

    it('stops startup on a bad gate definition, naming its config path', async () => {
      await expect(
        start(databaseId, [fixedProvider('fixed')], {
          releaseLedger: {
            gates: {
              fast: { ...gates.fast, checks: [{ name: 'x', query: 'up' }] },
            },
          },
        }),
      ).rejects.toThrow(
        'releaseLedger.gates.fast.checks[0].condition: required',
      );
    });
  },
);
