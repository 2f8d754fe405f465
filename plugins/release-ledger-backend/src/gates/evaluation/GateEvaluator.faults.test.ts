import { createLedgerStore } from '../../__testUtils__/ledgerStore';
import { mockServices } from '@backstage/backend-test-utils';
import { parseGateSets } from '@release-ledger/plugin-release-ledger-common';
import type { GateMetricProvider } from '@release-ledger/plugin-release-ledger-node';
import { createTestDatabases } from '../../__testUtils__/testLedger';
import { GateProviders } from '../providers/GateProviders';
import { EvaluationStore } from './EvaluationStore';
import { GateEvaluator } from './GateEvaluator';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const START = Date.UTC(2024, 5, 3, 12, 0, 0);

const definition = parseGateSets({
  g: {
    provider: 'broken',
    checks: [
      {
        name: 'error-rate',
        query: 'errors{service="{{entity}}"}',
        condition: '< 1',
        count: 5,
        errorLimit: 1,
        noData: 'fail',
      },
    ],
  },
}).g;

/** A module provider that breaks the contract by throwing. */
const broken: GateMetricProvider = {
  id: 'broken',
  async instantQuery() {
    throw new Error('socket hang up');
  },
  async rangeQuery() {
    throw new Error('socket hang up');
  },
  async firingAlerts() {
    throw new Error('socket hang up');
  },
};

describe.each(databases.eachSupportedId())(
  'GateEvaluator faults on %p',
  databaseId => {
    async function setUp(providers: GateProviders) {
      const knex = await databases.init(databaseId);
      const ledger = await createLedgerStore({
        database: mockServices.database({ knex }),
      });
      const clock = { ms: START };
      const evaluator = new GateEvaluator({
        evaluations: new EvaluationStore(knex),
        ledger,
        providers,
        logger: mockServices.logger.mock(),
        now: () => new Date(clock.ms),
      });
      await ledger.appendEvents([
        {
          eventId: 'c',
          type: 'canary_started',
          releaseId: 'checkout@1',
          entityRef: 'component:default/checkout',
          releaseEntityRef: 'component:default/checkout',
          timestamp: new Date(START).toISOString(),
          environment: 'production',
          attributes: { weight: 10 },
        },
      ]);
      const { evaluation } = await evaluator.start({
        releaseId: 'checkout@1',
        entityRef: 'component:default/checkout',
        environment: 'production',
        definition,
        variables: { entity: 'checkout' },
      });
      return { ledger, clock, evaluator, id: evaluation.id };
    }

    it('records a provider that throws as an error with its message, and goes inconclusive past the error limit', async () => {
      const providers = new GateProviders();
      providers.addProvider(broken);
      const { ledger, clock, evaluator, id } = await setUp(providers);
      clock.ms = START + 2 * 60_000;
      await evaluator.runDue();
      const [view] = await evaluator.forRelease('checkout@1');
      expect(view).toMatchObject({
        id,
        state: 'inconclusive',
        reason:
          "key check 'error-rate' inconclusive: 2 of 2 measurements errored (limit 1): provider 'broken' failed: socket hang up at 12:01 UTC, provider 'broken' failed: socket hang up at 12:02 UTC",
      });
      expect(view.checks[0].measurements[0]).toMatchObject({
        query: 'errors{service="checkout"}',
        result: { kind: 'error', errorType: 'invalid_response' },
        outcome: 'error',
      });
      const release = await ledger.getRelease('checkout@1');
      expect(
        release!.events.filter(e => e.type !== 'canary_started'),
      ).toMatchObject([
        {
          eventId: `gate:${id}:gate_evaluated`,
          attributes: { verdict: 'inconclusive' },
        },
      ]);
    });

    it('settles as inconclusive when its provider is no longer registered', async () => {
      const { ledger, clock, evaluator, id } = await setUp(new GateProviders());
      clock.ms = START + 60_000;
      expect(await evaluator.runDue()).toBe(1);
      const [view] = await evaluator.forRelease('checkout@1');
      expect(view).toMatchObject({
        state: 'inconclusive',
        reason: "no gate metric provider 'broken' is registered any more",
      });
      const release = await ledger.getRelease('checkout@1');
      expect(release!.events.map(e => e.eventId)).toContain(
        `gate:${id}:gate_evaluated`,
      );
    });

    it('claims nothing before the first measurement is due', async () => {
      const providers = new GateProviders();
      providers.addProvider(broken);
      const { clock, evaluator } = await setUp(providers);
      clock.ms = START + 59_000;
      expect(await evaluator.runDue()).toBe(0);
    });
  },
);
