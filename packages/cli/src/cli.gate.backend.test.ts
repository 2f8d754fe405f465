/*
 * `gate --wait` against the real ledger backend: its gate endpoints, its
 * evaluator and its verdict events, with a gate metric provider from a
 * backend module (the -node extension point) that answers from a script
 * instead of Prometheus, and a scheduler the test ticks on each CLI poll.
 */
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
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import releaseLedgerPlugin from '@release-ledger/plugin-release-ledger-backend';
import {
  GateMetricProvider,
  releaseLedgerGateProvidersExtensionPoint,
} from '@release-ledger/plugin-release-ledger-node';
import type { AddressInfo } from 'node:net';
import { run } from './program';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** The canary's error rate by version: `good` is healthy, `bad` is not, `quiet` has no traffic. */
const ERROR_RATE: Record<string, number> = {
  good: 0.001,
  bad: 0.034,
  quiet: NaN,
};

const scriptedProvider = createBackendModule({
  pluginId: 'release-ledger',
  moduleId: 'scripted-gates',
  register(env) {
    env.registerInit({
      deps: { gates: releaseLedgerGateProvidersExtensionPoint },
      async init({ gates }) {
        const provider: GateMetricProvider = {
          id: 'scripted',
          async instantQuery(query) {
            const version = /version="([^"]*)"/.exec(query)?.[1] ?? '';
            const value = ERROR_RATE[version];
            if (value === undefined) {
              return {
                kind: 'error',
                errorType: 'bad_query',
                message: `unknown version ${version}`,
              };
            }
            return Number.isNaN(value)
              ? { kind: 'no-data', cause: 'nan' }
              : { kind: 'value', value };
          },
          async rangeQuery() {
            return { kind: 'range', points: [] };
          },
          async firingAlerts() {
            return { kind: 'alerts', alerts: [] };
          },
        };
        gates.addProvider(provider);
      },
    });
  },
});

/** Keeps the scheduled tasks so that each CLI poll can run one tick. */
function capturingScheduler() {
  const tasks = new Map<string, SchedulerServiceTaskFunction>();
  const factory = createServiceFactory({
    service: coreServices.scheduler,
    deps: {},
    factory: () => ({
      async scheduleTask({ fn, id }) {
        tasks.set(id, fn);
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
  const tickAll = async () => {
    for (const fn of tasks.values()) {
      await fn(new AbortController().signal);
    }
  };
  return { factory, tickAll };
}

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: {
      'backstage.io/managed-by-location':
        'url:https://github.com/acme/payments/blob/main/catalog-info.yaml',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-payments' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-payments' }],
};

const errorRate = {
  name: 'error-rate',
  query:
    'sum(rate(http_requests_errors_total{app="payments-api",version="{{version}}"}[{{interval}}]))',
  condition: '< 0.01',
  interval: '1s',
  count: 2,
  noData: 'inconclusive',
};

describe('release-ledger gate against the ledger backend', () => {
  let baseUrl: string;
  let stop: () => Promise<void>;
  let tickAll: () => Promise<void>;
  const service = mockCredentials.service.header();

  beforeAll(async () => {
    const scheduler = capturingScheduler();
    tickAll = scheduler.tickAll;
    const knex = await databases.init('SQLITE_3');
    const backend = await startTestBackend({
      features: [
        releaseLedgerPlugin,
        scriptedProvider,
        scheduler.factory,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: [entity] }),
        // The repository's RELEASE_CHECKLIST.md, as Backstage's UrlReader reads it.
        mockServices.urlReader.mock({
          readUrl: async () => ({
            buffer: async () =>
              Buffer.from(
                '## Pre-release\n- [ ] Flags default OFF (required)\n- [ ] Staging dry run\n',
              ),
          }),
        }).factory,
        mockServices.rootConfig.factory({
          data: {
            integrations: { github: [{ host: 'github.com' }] },
            releaseLedger: {
              gates: {
                default: { provider: 'scripted', checks: [errorRate] },
                shadow: {
                  provider: 'scripted',
                  dryRun: true,
                  checks: [errorRate],
                },
              },
            },
          },
        }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    baseUrl = `http://localhost:${port}`;
    stop = () => backend.stop();
  });

  afterAll(async () => {
    await stop?.();
  });

  async function startCanary(releaseId: string, version: string) {
    const res = await fetch(`${baseUrl}/api/release-ledger/events`, {
      method: 'POST',
      headers: { Authorization: service, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: 'canary_started',
        releaseId,
        entityRef: 'component:default/payments-api',
        version,
        attributes: { weight: 10 },
      }),
    });
    expect(res.status).toBe(201);
  }

  /** Runs `gate --wait`; each poll really waits (the checks measure every 1 s) and then ticks the scheduler. */
  async function cli(args: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await run(args, {
      env: { RELEASE_LEDGER_URL: baseUrl, RELEASE_LEDGER_TOKEN: service },
      stdout: t => stdout.push(t),
      stderr: t => stderr.push(t),
      sleep: async () => {},
    });
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  }

  async function gate(releaseId: string, extra: string[] = []) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await run(
      ['gate', '--release', releaseId, '--wait', '--poll', '1s', ...extra],
      {
        env: { RELEASE_LEDGER_URL: baseUrl, RELEASE_LEDGER_TOKEN: service },
        stdout: t => stdout.push(t),
        stderr: t => stderr.push(t),
        sleep: async ms => {
          await new Promise(resolve => setTimeout(resolve, ms + 100));
          await tickAll();
        },
      },
    );
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  }

  async function eventTypes(releaseId: string): Promise<string[]> {
    const res = await fetch(
      `${baseUrl}/api/release-ledger/releases/${encodeURIComponent(releaseId)}`,
      { headers: { Authorization: service } },
    );
    const release = await res.json();
    return release.events.map((e: { type: string }) => e.type);
  }

  it('exits 0 when the canary passes, with the evidence, and the verdict is in the ledger', async () => {
    await startCanary('payments-api@good', 'good');
    const result = await gate('payments-api@good');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("gate 'default' for payments-api@good");
    expect(result.stdout).toMatch(
      /\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}0\.001 +< 0\.01 +pass/,
    );
    expect(result.stdout).toContain(
      'query: sum(rate(http_requests_errors_total{app="payments-api",version="good"}[1s]))',
    );
    expect(result.stdout).toContain('verdict: PASSED');
    expect(result.stdout).toContain('gate passed: promote (exit 0)');
    expect(await eventTypes('payments-api@good')).toEqual(
      expect.arrayContaining(['gate_evaluated', 'canary_passed']),
    );
  });

  it('exits 3 while required checklist items are open, naming them, and 0 once they are ticked', async () => {
    const post = async (body: object) => {
      const res = await fetch(`${baseUrl}/api/release-ledger/events`, {
        method: 'POST',
        headers: { Authorization: service, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
    };
    await post({
      type: 'release_started',
      releaseId: 'payments-api@held',
      entityRef: 'component:default/payments-api',
      version: 'good',
      attributes: { commit: 'abcdef1234' },
    });
    // The checklist is pinned right after the start.
    for (let i = 0; ; i++) {
      const res = await fetch(
        `${baseUrl}/api/release-ledger/releases/payments-api@held/checklist`,
        { headers: { Authorization: service } },
      );
      if (res.status === 200 && (await res.json()).state === 'pinned') break;
      if (i > 200) throw new Error('the checklist was never pinned');
      await new Promise(r => setTimeout(r, 25));
    }
    await startCanary('payments-api@held', 'good');

    const held = await gate('payments-api@held');
    expect(held.code).toBe(3);
    expect(held.stdout).toContain('verdict: PASSED');
    expect(held.stdout).toContain(
      [
        'checklist: 1 required pre-release item(s) not ticked:',
        '  - Flags default OFF (pre.flags-default-off)',
        'gate passed, but the release is held by its checklist: tick the items, then run the gate again (exit 3)',
      ].join('\n'),
    );

    // The ledger's own gates answer holds the release the same way.
    const promotion = async () =>
      (
        await (
          await fetch(
            `${baseUrl}/api/release-ledger/releases/payments-api@held/gates`,
            { headers: { Authorization: service } },
          )
        ).json()
      ).promotion;
    expect(await promotion()).toEqual({
      promotable: false,
      gate: 'passed',
      openChecklistItems: [
        { id: 'pre.flags-default-off', text: 'Flags default OFF' },
      ],
    });

    // Ticked with the CLI: a typo names the items there are.
    const typo = await cli(['check', 'payments-api@held', 'pre.flags']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      "no item 'pre.flags' in the checklist of payments-api@held; its items: pre.flags-default-off",
    );
    const ticked = await cli([
      'check',
      'payments-api@held',
      'pre.flags-default-off',
      '--by',
      'ana',
    ]);
    expect(ticked.code).toBe(0);
    expect(ticked.stdout).toMatch(
      /^created checklist_item_checked payments-api@held/,
    );
    const shown = await cli(['checklist', 'payments-api@held']);
    expect(shown.code).toBe(0);
    // Who ticked it (this test's mock credentials are a user's, recorded
    // as themselves whatever --by says) and when.
    expect(shown.stdout).toMatch(
      /\[x\] Flags default OFF \(required\) {2}pre\.flags-default-off — user:default\/mock, 20\d\d-/,
    );
    expect(shown.stdout).toContain('no required pre-release item is open');
    const free = await gate('payments-api@held');
    expect(free.code).toBe(0);
    expect(free.stdout).toContain('gate passed: promote (exit 0)');
    expect(await promotion()).toEqual({
      promotable: true,
      gate: 'passed',
      openChecklistItems: [],
    });
  });

  it('exits 1 when the canary fails, naming the violation', async () => {
    await startCanary('payments-api@bad', 'bad');
    const result = await gate('payments-api@bad');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/0\.034 +< 0\.01 +fail/);
    expect(result.stdout).toContain('verdict: FAILED');
    expect(result.stdout).toContain('0.034 > 0.01');
    expect(await eventTypes('payments-api@bad')).toEqual(
      expect.arrayContaining(['gate_evaluated', 'gate_failed']),
    );
  });

  it('exits 2 when the canary has no traffic and no data is inconclusive', async () => {
    await startCanary('payments-api@quiet', 'quiet');
    const result = await gate('payments-api@quiet');
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('no data (NaN)');
    expect(result.stdout).toContain('verdict: INCONCLUSIVE');
  });

  it('exits 0 on a failing dry-run gate and shows its real verdict', async () => {
    await startCanary('payments-api@bad-shadow', 'bad');
    const result = await gate('payments-api@bad-shadow', ['--gate', 'shadow']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('verdict: FAILED (enforced: PASSED)');
  });

  it('exits 2 with the server message for a gate set that does not exist', async () => {
    await startCanary('payments-api@nogate', 'good');
    const result = await gate('payments-api@nogate', ['--gate', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nope');
  });

  it('exits 2 at --timeout while the checks are still measuring', async () => {
    await startCanary('payments-api@slow', 'good');
    const stdout: string[] = [];
    let now = Date.now();
    const code = await run(
      [
        'gate',
        '--release',
        'payments-api@slow',
        '--wait',
        '--timeout',
        '1s',
        '--poll',
        '1s',
      ],
      {
        env: { RELEASE_LEDGER_URL: baseUrl, RELEASE_LEDGER_TOKEN: service },
        stdout: t => stdout.push(t),
        stderr: () => {},
        now: () => now,
        // virtual time, and no scheduler tick: nothing gets measured
        sleep: async ms => {
          now += ms;
        },
      },
    );
    expect(code).toBe(2);
    expect(stdout.join('\n')).toContain('gate still running after --timeout');
  });
});
