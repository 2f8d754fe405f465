import { createLedgerStore } from '../../__testUtils__/ledgerStore';
import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import {
  GateDefinition,
  parseGateSets,
} from '@release-ledger/plugin-release-ledger-common';
import type { GateMetricProvider } from '@release-ledger/plugin-release-ledger-node';
import {
  CANARIES,
  Canary,
  canaryFamilies,
  CANARY_START,
  canaryTime,
  ERROR_RATIO_QUERY,
  prometheusAvailable,
  RunningPrometheus,
  startPrometheus,
  toOpenMetrics,
} from '@release-ledger/test-utils';
import { createTestDatabases } from '../../__testUtils__/testLedger';
import { DatabaseReleaseLedgerStore } from '../../ledger/DatabaseReleaseLedgerStore';
import { PrometheusClient } from '../prometheus';
import { GateProviders } from '../providers/GateProviders';
import { EvaluationStore, MEASUREMENTS_TABLE } from './EvaluationStore';
import { GateEvaluator } from './GateEvaluator';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const describeWithPrometheus = prometheusAvailable() ? describe : describe.skip;

function gate(
  errorRate: Record<string, unknown>,
  options: { dryRun?: boolean } = {},
): GateDefinition {
  return parseGateSets({
    standard: {
      ...options,
      checks: [
        {
          name: 'error-rate',
          query: ERROR_RATIO_QUERY,
          condition: '< 0.01',
          count: 5,
          failureLimit: 1,
          noData: 'inconclusive',
          ...errorRate,
        },
        {
          name: 'gate-alerts',
          kind: 'alert',
          labels: { service: '{{entity}}' },
        },
      ],
    },
  }).standard;
}

/** Counts every call, so a slot measured twice would show. */
function counting(provider: GateMetricProvider) {
  const calls: string[] = [];
  const counted: GateMetricProvider = {
    id: provider.id,
    instantQuery: (query, at, options) => {
      calls.push(`${query}@${at.toISOString()}`);
      return provider.instantQuery(query, at, options);
    },
    rangeQuery: (...args) => provider.rangeQuery(...args),
    firingAlerts: (matchers, at, options) => {
      calls.push(`${JSON.stringify(matchers)}@${at.toISOString()}`);
      return provider.firingAlerts(matchers, at, options);
    },
  };
  return { calls, provider: counted };
}

describeWithPrometheus('GateEvaluator against a real Prometheus', () => {
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheus(toOpenMetrics(canaryFamilies()));
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function setUp(
      id: TestDatabaseId,
      providerOverride?: GateMetricProvider,
    ) {
      const knex = await databases.init(id);
      const ledger = await createLedgerStore({
        database: mockServices.database({ knex }),
      });
      const clock = { ms: CANARY_START };
      const providers = new GateProviders();
      providers.addProvider(
        providerOverride ??
          new PrometheusClient({ url: prometheus.url, timeoutMs: 10_000 }),
      );
      const evaluator = (owner: string, claimBatch?: number) =>
        new GateEvaluator({
          evaluations: new EvaluationStore(knex),
          ledger,
          providers,
          logger: mockServices.logger.mock(),
          now: () => new Date(clock.ms),
          owner,
          claimBatch,
        });
      return { knex, ledger, clock, evaluator };
    }

    /** A release of the canary that started its canary at 12:00. */
    async function release(
      ledger: DatabaseReleaseLedgerStore,
      canary: Canary,
      releaseId = `${canary.service}@${canary.version}`,
    ) {
      const entityRef = `component:default/${canary.service}`;
      const base = {
        releaseId,
        entityRef,
        releaseEntityRef: entityRef,
        environment: 'production',
        version: canary.version,
      };
      await ledger.appendEvents([
        {
          ...base,
          eventId: `${releaseId}-started`,
          type: 'release_started',
          timestamp: new Date(CANARY_START - 5 * 60_000).toISOString(),
          attributes: {},
        },
        {
          ...base,
          eventId: `${releaseId}-canary`,
          type: 'canary_started',
          timestamp: new Date(CANARY_START).toISOString(),
          attributes: { weight: 10 },
        },
      ]);
      return {
        releaseId,
        entityRef,
        version: canary.version,
        environment: 'production',
        variables: {
          entity: canary.service,
          entityRef,
          version: canary.version,
          environment: 'production',
          annotations: {},
        },
      };
    }

    /** Runs the worker every 5 s of canary time, as the scheduler would. */
    async function runUntilSettled(
      evaluator: GateEvaluator,
      clock: { ms: number },
      isSettled: () => Promise<boolean>,
    ) {
      for (let t = 5_000; t <= 20 * 60_000; t += 5_000) {
        clock.ms = CANARY_START + t;
        await evaluator.runDue();
        if (await isSettled()) return;
      }
    }

    async function evaluate(canary: Canary, definition: GateDefinition) {
      const { ledger, clock, evaluator } = await setUp(databaseId);
      const worker = evaluator('instance-a');
      const target = await release(ledger, canary);
      const { evaluation, created } = await worker.start({
        ...target,
        definition,
      });
      expect(created).toBe(true);
      await runUntilSettled(worker, clock, async () =>
        (
          await worker.forRelease(target.releaseId)
        ).every(e => e.state !== 'running'),
      );
      const [view] = await worker.forRelease(target.releaseId);
      const stored = await ledger.getRelease(target.releaseId);
      const gateEvents = stored!.events.filter(
        e => !['release_started', 'canary_started'].includes(e.type),
      );
      return { view, gateEvents, evaluationId: evaluation.id, ledger, worker };
    }

    it('passes the healthy canary, measuring each check once a minute from 12:01, and records gate_evaluated and canary_passed', async () => {
      const { view, gateEvents, evaluationId } = await evaluate(
        CANARIES.healthy,
        gate({}),
      );
      expect(view).toMatchObject({
        id: evaluationId,
        gate: 'standard',
        state: 'passed',
        enforced: 'passed',
        reason: 'all 2 key checks passed',
        finishedAt: canaryTime(5).toISOString(),
      });
      const errorRate = view.checks[0];
      expect(errorRate.measurements.map(m => m.at)).toEqual(
        [1, 2, 3, 4, 5].map(minute => canaryTime(minute).toISOString()),
      );
      expect(errorRate.measurements[0]).toMatchObject({
        seq: 1,
        query:
          'sum(rate(http_requests_total{service="payments",version="2.0.0",code=~"5.."}[1m])) / sum(rate(http_requests_total{service="payments",version="2.0.0"}[1m]))',
        result: { kind: 'value' },
        valueText: '0.002',
        outcome: 'pass',
      });
      expect(view.checks[1].measurements[0]).toMatchObject({
        query:
          'ALERTS{alertstate="firing",release_gate="true",service="payments"}',
        result: { kind: 'value', value: 0 },
        outcome: 'pass',
      });
      expect(gateEvents.map(e => [e.eventId, e.type, e.timestamp])).toEqual([
        [
          `gate:${evaluationId}:gate_evaluated`,
          'gate_evaluated',
          canaryTime(5).toISOString(),
        ],
        [
          `gate:${evaluationId}:canary_passed`,
          'canary_passed',
          canaryTime(5).toISOString(),
        ],
      ]);
      expect(gateEvents[0].attributes).toMatchObject({
        gate: 'standard',
        verdict: 'pass',
        reason: 'all 2 key checks passed',
        dryRun: false,
        measurements: [
          {
            check: 'error-rate',
            condition: '< 0.01',
            result: 'passed',
          },
          {
            check: 'gate-alerts',
            value: 0,
            condition: 'no release_gate alert firing',
            result: 'passed',
          },
        ],
      });
    });

    it('fails the failing canary at 12:02 and records gate_failed', async () => {
      const { view, gateEvents, evaluationId } = await evaluate(
        CANARIES.failing,
        gate({}),
      );
      const reason =
        "key check 'error-rate' failed: 2 of 2 measurements failed (limit 1): 0.05 > 0.01 at 12:01 UTC, 0.05 > 0.01 at 12:02 UTC";
      expect(view).toMatchObject({ state: 'failed', reason });
      expect(gateEvents.map(e => [e.type, e.timestamp])).toEqual([
        ['gate_evaluated', canaryTime(2).toISOString()],
        ['gate_failed', canaryTime(2).toISOString()],
      ]);
      expect(gateEvents[1]).toMatchObject({
        eventId: `gate:${evaluationId}:gate_failed`,
        attributes: { gate: 'standard', reason },
      });
      expect(gateEvents[0].attributes).toMatchObject({ verdict: 'fail' });
    });

    it.each`
      noData            | state             | types
      ${'inconclusive'} | ${'inconclusive'} | ${['gate_evaluated']}
      ${'fail'}         | ${'failed'}       | ${['gate_evaluated', 'gate_failed']}
      ${'pass'}         | ${'passed'}       | ${['gate_evaluated', 'canary_passed']}
    `(
      'judges the canary without traffic by its noData policy $noData',
      async ({ noData, state, types }) => {
        const { view, gateEvents } = await evaluate(
          CANARIES.noTraffic,
          gate({ noData }),
        );
        expect(view.state).toBe(state);
        expect(view.checks[0].measurements[0]).toMatchObject({
          result: { kind: 'no-data', cause: 'nan' },
        });
        expect(gateEvents.map(e => e.type)).toEqual(types);
      },
    );

    it('fails the flapping canary that never passes twice in a row', async () => {
      const { view, gateEvents } = await evaluate(
        CANARIES.flapping,
        gate({ failureLimit: 2, consecutiveSuccesses: 2, noData: 'fail' }),
      );
      expect(view).toMatchObject({
        state: 'failed',
        reason:
          "key check 'error-rate' failed: needs the last 2 measurement(s) to pass in a row, got 1: 0.03 > 0.01 at 12:04 UTC; 2 failed (limit 2)",
      });
      expect(view.checks[0].measurements.map(m => m.outcome)).toEqual([
        'pass',
        'fail',
        'pass',
        'fail',
        'pass',
      ]);
      expect(gateEvents.map(e => e.type)).toEqual([
        'gate_evaluated',
        'gate_failed',
      ]);
    });

    it('records a dry-run gate that fails without gate_failed', async () => {
      const { view, gateEvents } = await evaluate(
        CANARIES.failing,
        gate({}, { dryRun: true }),
      );
      expect(view).toMatchObject({
        state: 'failed',
        enforced: 'passed',
        dryRun: true,
      });
      expect(gateEvents.map(e => e.type)).toEqual(['gate_evaluated']);
      expect(gateEvents[0].attributes).toMatchObject({
        verdict: 'fail',
        dryRun: true,
      });
      expect(String(gateEvents[0].attributes.reason)).toMatch(
        /^dry run, not enforced: key check 'error-rate' failed/,
      );
    });

    it("keeps Prometheus' message for a broken query and is inconclusive past the error limit", async () => {
      const { view, gateEvents } = await evaluate(
        CANARIES.healthy,
        gate({
          query:
            'sum(rate(http_requests_total{service="{{entity}}"}[{{interval}}])',
        }),
      );
      expect(view.state).toBe('inconclusive');
      expect(view.checks[0].measurements[0]).toMatchObject({
        result: { kind: 'error', errorType: 'bad_query', httpStatus: 400 },
        outcome: 'error',
      });
      expect(view.checks[0].measurements[0].result).toMatchObject({
        message: expect.stringMatching(/parse error/),
      });
      expect(gateEvents.map(e => e.type)).toEqual(['gate_evaluated']);
      expect(gateEvents[0].attributes).toMatchObject({
        verdict: 'inconclusive',
      });
    });

    it('answers the running evaluation when the gate is started again, and starts afresh once it settled', async () => {
      const { ledger, clock, evaluator } = await setUp(databaseId);
      const worker = evaluator('instance-a');
      const target = await release(ledger, CANARIES.failing);
      const first = await worker.start({ ...target, definition: gate({}) });
      const again = await worker.start({ ...target, definition: gate({}) });
      expect(again).toMatchObject({
        created: false,
        evaluation: { id: first.evaluation.id, state: 'running' },
      });
      await runUntilSettled(worker, clock, async () =>
        (
          await worker.forRelease(target.releaseId)
        ).every(e => e.state !== 'running'),
      );
      const third = await worker.start({ ...target, definition: gate({}) });
      expect(third.created).toBe(true);
      expect(third.evaluation.id).not.toBe(first.evaluation.id);
      // The latest evaluation of the gate is the one shown.
      expect(
        (await worker.forRelease(target.releaseId)).map(e => e.id),
      ).toEqual([third.evaluation.id]);
    });

    it("measures a moment only once the provider's ingestion delay has passed", async () => {
      const { ledger, clock, evaluator } = await setUp(
        databaseId,
        new PrometheusClient({
          url: prometheus.url,
          timeoutMs: 10_000,
          ingestionDelayMs: 30_000,
        }),
      );
      const worker = evaluator('instance-a');
      const target = await release(ledger, CANARIES.healthy);
      const { evaluation } = await worker.start({
        ...target,
        definition: gate({}),
      });
      // 12:01 is the first moment measured; due once its samples are in.
      expect(evaluation.nextDueAt).toBe(
        new Date(canaryTime(1).getTime() + 30_000).toISOString(),
      );
      clock.ms = canaryTime(1).getTime() + 29_000;
      expect(await worker.runDue()).toBe(0);
      expect(
        (await worker.forRelease(target.releaseId))[0].checks[0].measurements,
      ).toEqual([]);
      clock.ms = canaryTime(1).getTime() + 30_000;
      expect(await worker.runDue()).toBe(1);
      const [view] = await worker.forRelease(target.releaseId);
      expect(view.checks[0].measurements.map(m => m.at)).toEqual([
        canaryTime(1).toISOString(),
      ]);
      expect(view.nextDueAt).toBe(
        new Date(canaryTime(2).getTime() + 30_000).toISOString(),
      );
    });

    it.each`
      type             | what
      ${'promoted'}    | ${'promoted'}
      ${'rolled_back'} | ${'rolled back'}
    `(
      'stops a running evaluation within one poll when the release is $what, recording that it never settled',
      async ({ type, what }) => {
        const { knex, ledger, clock, evaluator } = await setUp(databaseId);
        const worker = evaluator('instance-a');
        const target = await release(ledger, CANARIES.healthy);
        const { evaluation } = await worker.start({
          ...target,
          definition: gate({}),
        });
        for (const minute of [1, 2]) {
          clock.ms = canaryTime(minute).getTime();
          await worker.runDue();
        }
        const decidedAt = new Date(canaryTime(2).getTime() + 10_000);
        await ledger.appendEvents([
          {
            releaseId: target.releaseId,
            entityRef: target.entityRef,
            releaseEntityRef: target.entityRef,
            environment: 'production',
            eventId: `${target.releaseId}-${type}`,
            type,
            timestamp: decidedAt.toISOString(),
            attributes: {},
          },
        ]);
        // The next measurement (12:03) is not due yet; the stop is.
        clock.ms = decidedAt.getTime() + 5_000;
        expect(await worker.runDue()).toBe(1);
        const reason = `stopped before it settled: the release was ${what} at ${decidedAt.toISOString()}`;
        const [view] = await worker.forRelease(target.releaseId);
        expect(view).toMatchObject({
          id: evaluation.id,
          state: 'inconclusive',
          reason,
        });
        expect(view.checks[0].measurements).toHaveLength(2);
        const stored = await ledger.getRelease(target.releaseId);
        const verdicts = stored!.events.filter(e => e.type.startsWith('gate_'));
        expect(verdicts.map(e => [e.type, e.timestamp])).toEqual([
          ['gate_evaluated', decidedAt.toISOString()],
        ]);
        expect(verdicts[0].attributes).toMatchObject({
          verdict: 'inconclusive',
          reason,
        });
        // Nothing more is measured.
        clock.ms = canaryTime(10).getTime();
        expect(await worker.runDue()).toBe(0);
        const rows = await knex(MEASUREMENTS_TABLE)
          .where('evaluation_id', evaluation.id)
          .count({ n: '*' });
        expect(Number(rows[0].n)).toBe(4);
      },
    );

    it('lets two instances share the work without ever measuring a slot twice', async () => {
      const real = new PrometheusClient({
        url: prometheus.url,
        timeoutMs: 10_000,
      });
      const { calls, provider } = counting(real);
      const { knex, ledger, clock, evaluator } = await setUp(
        databaseId,
        provider,
      );
      // One evaluation per claim, so both instances get some.
      const a = evaluator('instance-a', 1);
      const b = evaluator('instance-b', 1);
      const releases = await Promise.all(
        [1, 2, 3, 4, 5, 6].map(n =>
          release(ledger, CANARIES.healthy, `payments@2.0.0-${n}`),
        ),
      );
      for (const target of releases) {
        await a.start({ ...target, definition: gate({}) });
      }
      for (let t = 5_000; t <= 10 * 60_000; t += 5_000) {
        clock.ms = CANARY_START + t;
        // Each instance polls twice at once, as overlapping ticks would.
        const runs = await Promise.all([
          a.runDue(),
          b.runDue(),
          a.runDue(),
          b.runDue(),
        ]);
        expect(runs.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(6);
      }
      const views = (
        await Promise.all(releases.map(r => a.forRelease(r.releaseId)))
      ).flat();
      expect(views.map(v => v.state)).toEqual(Array(6).fill('passed'));
      const rows = await knex(MEASUREMENTS_TABLE).count({ n: '*' });
      // 6 evaluations × 2 checks × 5 measurements, each asked exactly once.
      expect(Number(rows[0].n)).toBe(60);
      expect(calls).toHaveLength(60);
      const measuredBy = await knex('release_ledger_gate_evaluations')
        .select('id')
        .whereNotNull('finished_at');
      expect(measuredBy).toHaveLength(6);
      // Events once per evaluation, whoever settled it.
      for (const r of releases) {
        const stored = await ledger.getRelease(r.releaseId);
        expect(
          stored!.events.filter(e => e.type === 'gate_evaluated'),
        ).toHaveLength(1);
      }
    });
  });
});
