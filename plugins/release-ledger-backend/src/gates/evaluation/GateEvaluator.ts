import { LoggerService } from '@backstage/backend-plugin-api';
import {
  classifyMeasurement,
  evaluateGate,
  GateDefinition,
  GateMeasurement,
  QueryVariables,
  GateEvaluation,
} from '@release-ledger/plugin-release-ledger-common';
import { randomUUID } from 'node:crypto';
import type { ReleaseLedgerStore } from '../../ledger/ReleaseLedgerStore';
import type { GateProviders } from '../providers/GateProviders';
import {
  EvaluationStore,
  StoredEvaluation,
  StoredMeasurement,
} from './EvaluationStore';
import { verdictView } from './evaluationView';
import { gateEvents } from './gateEvents';
import { measureCheck, renderCheck } from './measureCheck';
import { advance, nextSlot, Slot } from './schedule';

/** How long a claim holds an evaluation; renewed before each measurement. */
const LEASE_MS = 60_000;
/** A measurement must end this long before its lease does. */
const LEASE_MARGIN_MS = 10_000;
/** Evaluations one run claims, and measures side by side. */
const CLAIM_BATCH = 20;
const CONCURRENCY = 4;

/** An evaluation with its verdict and evidence, as the API answers it. */

export type GateEvaluatorOptions = {
  evaluations: EvaluationStore;
  ledger: ReleaseLedgerStore;
  providers: GateProviders;
  logger: LoggerService;
  /** The clock; tests evaluate "at" fixed past times. */
  now?: () => Date;
  /** Identifies this instance's claims. */
  owner?: string;
  /** Evaluations one run claims (default 20). */
  claimBatch?: number;
};

/**
 * Runs gate evaluations: starts them, takes each check's measurements on
 * its interval (whichever instance claims the evaluation), and when the
 * gate settles writes its verdict to the ledger as events — through the
 * store, like POST /events, so the timeline, Slack and metrics see them.
 */
export class GateEvaluator {
  readonly #evaluations: EvaluationStore;
  readonly #ledger: ReleaseLedgerStore;
  readonly #providers: GateProviders;
  readonly #logger: LoggerService;
  readonly #now: () => Date;
  readonly #owner: string;
  readonly #claimBatch: number;

  constructor(options: GateEvaluatorOptions) {
    this.#evaluations = options.evaluations;
    this.#ledger = options.ledger;
    this.#providers = options.providers;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#owner = options.owner ?? randomUUID();
    this.#claimBatch = options.claimBatch ?? CLAIM_BATCH;
  }

  /**
   * Starts evaluating `definition` for a release, or answers the evaluation
   * of that gate already running for it.
   */
  async start(options: {
    releaseId: string;
    entityRef: string;
    version?: string;
    environment: string;
    definition: GateDefinition;
    variables: QueryVariables;
  }): Promise<{ evaluation: GateEvaluation; created: boolean }> {
    const startedAtMs = this.#now().getTime();
    const first = nextSlot(options.definition, startedAtMs, {});
    const delayMs = this.#delayOf(options.definition);
    const { evaluation, created } = await this.#evaluations.start({
      id: randomUUID(),
      releaseId: options.releaseId,
      gate: options.definition.name,
      definition: options.definition,
      entityRef: options.entityRef,
      ...(options.version !== undefined ? { version: options.version } : {}),
      environment: options.environment,
      variables: options.variables,
      dryRun: options.definition.dryRun,
      startedAt: new Date(startedAtMs).toISOString(),
      nextDueAt: new Date((first?.atMs ?? startedAtMs) + delayMs).toISOString(),
    });
    return { evaluation: await this.view(evaluation), created };
  }

  /** The latest evaluation of each gate of a release, with every measurement. */
  async forRelease(releaseId: string): Promise<GateEvaluation[]> {
    const latest = await this.#evaluations.latestForRelease(releaseId);
    return Promise.all(latest.map(e => this.view(e)));
  }

  async view(evaluation: StoredEvaluation): Promise<GateEvaluation> {
    const measurements = await this.#evaluations.measurements(evaluation.id);
    const verdict = verdictView(evaluation.definition, measurements);
    const settled = evaluation.state !== 'running';
    return {
      ...verdict,
      id: evaluation.id,
      releaseId: evaluation.releaseId,
      gate: evaluation.gate,
      dryRun: evaluation.dryRun,
      // Once settled, the stored verdict is the one the ledger recorded.
      state: evaluation.state,
      ...(settled
        ? {
            enforced: evaluation.dryRun ? 'passed' : evaluation.state,
            reason: evaluation.reason ?? verdict.reason,
          }
        : {}),
      entityRef: evaluation.entityRef,
      ...(evaluation.version !== undefined
        ? { version: evaluation.version }
        : {}),
      environment: evaluation.environment,
      startedAt: evaluation.startedAt,
      ...(evaluation.nextDueAt ? { nextDueAt: evaluation.nextDueAt } : {}),
      ...(evaluation.finishedAt ? { finishedAt: evaluation.finishedAt } : {}),
    };
  }

  /**
   * Claims the evaluations with a measurement due and takes every due
   * measurement of each. Answers how many evaluations it advanced.
   */
  async runDue(): Promise<number> {
    const now = this.#now();
    const ids = await this.#evaluations.claimDue(
      this.#owner,
      this.#claimBatch,
      now.toISOString(),
      new Date(now.getTime() + LEASE_MS).toISOString(),
    );
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        try {
          await this.#advance(id);
        } catch (error) {
          this.#logger.warn(`gate evaluation ${id} failed to advance`, {
            error: String(error),
          });
          // Retried once the lease runs out.
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker),
    );
    return ids.length;
  }

  /** How long after a moment the gate's provider holds all its samples. */
  #delayOf(definition: GateDefinition): number {
    return this.#providers.get(definition.provider)?.ingestionDelayMs ?? 0;
  }

  async #advance(id: string): Promise<void> {
    const evaluation = await this.#evaluations.get(id);
    if (!evaluation || evaluation.state !== 'running') return;
    const { definition } = evaluation;
    const startedAtMs = Date.parse(evaluation.startedAt);
    const provider = this.#providers.get(definition.provider);
    const stored = await this.#evaluations.measurements(id);
    const measurements: Record<string, GateMeasurement[]> = stored;

    const movedOn = await this.#releaseMovedOn(evaluation.releaseId);
    if (movedOn) {
      // The pipeline decided without the gate; measuring on would judge a
      // canary that no longer runs. The timeline keeps that it never settled.
      await this.#settle(
        evaluation,
        measurements,
        'inconclusive',
        `stopped before it settled: the release was ${movedOn.what} at ${movedOn.at}`,
        movedOn.at,
      );
      return;
    }

    if (!provider) {
      // Config changed since the start; nothing can measure it any more.
      await this.#settle(
        evaluation,
        measurements,
        'inconclusive',
        `no gate metric provider '${definition.provider}' is registered any more`,
      );
      return;
    }
    const rendered = new Map(
      definition.checks.map(c => [
        c.name,
        renderCheck(c, evaluation.variables),
      ]),
    );
    const measure = async (
      slot: Slot,
    ): Promise<StoredMeasurement | undefined> => {
      const now = this.#now();
      const renewed = await this.#evaluations.renewLease(
        id,
        this.#owner,
        now.toISOString(),
        new Date(now.getTime() + LEASE_MS).toISOString(),
      );
      if (!renewed) return undefined; // another instance has it now
      const check = definition.checks.find(c => c.name === slot.check)!;
      const at = new Date(slot.atMs);
      const budget = LEASE_MS - LEASE_MARGIN_MS;
      const signal = AbortSignal.timeout(budget);
      let taken: GateMeasurement;
      try {
        taken = await measureCheck(provider, rendered.get(check.name)!, at, {
          signal,
        });
      } catch (error) {
        // Providers reject only on our abort (it outlived the lease); a
        // module that breaks that contract still leaves evidence, as an error.
        taken = {
          at: at.toISOString(),
          query: rendered.get(check.name)!.query,
          result: signal.aborted
            ? {
                kind: 'error',
                errorType: 'timeout',
                message: `no answer within ${budget / 1000} s`,
              }
            : {
                kind: 'error',
                errorType: 'invalid_response',
                message: `provider '${provider.id}' failed: ${
                  (error as Error)?.message ?? String(error)
                }`,
              },
        };
      }
      const measurement: StoredMeasurement = {
        ...taken,
        check: check.name,
        seq: slot.seq,
        outcome: classifyMeasurement(check, taken),
        measuredAt: this.#now().toISOString(),
      };
      const recorded = await this.#evaluations.recordMeasurement(
        id,
        measurement,
      );
      return recorded ? measurement : undefined;
    };

    // A moment is measured once its samples are all in (ingestion delay).
    const delayMs = this.#delayOf(definition);
    const result = await advance(
      definition,
      startedAtMs,
      measurements,
      this.#now().getTime() - delayMs,
      measure,
    );
    if (result.settled) {
      const state = result.verdict.state;
      if (state !== 'running') {
        await this.#settle(
          evaluation,
          measurements,
          state,
          result.verdict.reason,
        );
      }
      return;
    }
    // Unsettled always owes a slot; it is due at its time.
    const next =
      result.next ?? nextSlot(definition, startedAtMs, measurements)!;
    await this.#evaluations.release(
      id,
      this.#owner,
      new Date(next.atMs + delayMs).toISOString(),
      result.verdict.reason,
    );
  }

  /**
   * How the release left its canary when it was promoted, rolled back or
   * finished; undefined while the canary may still be judged.
   */
  async #releaseMovedOn(
    releaseId: string,
  ): Promise<{ what: string; at: string } | undefined> {
    const release = await this.#ledger.getRelease(releaseId);
    if (!release) return undefined;
    if (release.rolledBackAt) {
      return { what: 'rolled back', at: release.rolledBackAt };
    }
    if (release.promotedAt) return { what: 'promoted', at: release.promotedAt };
    if (release.finishedAt) return { what: 'finished', at: release.finishedAt };
    return undefined;
  }

  /** Writes the verdict events (idempotent ids), then closes the evaluation. */
  async #settle(
    evaluation: StoredEvaluation,
    measurements: Record<string, GateMeasurement[]>,
    state: 'passed' | 'failed' | 'inconclusive',
    reason: string,
    /** When it stopped, for a gate stopped before its deciding measurement. */
    stoppedAt?: string,
  ): Promise<void> {
    const verdict = { ...evaluateGate(evaluation.definition, measurements) };
    verdict.state = state;
    verdict.enforced = evaluation.dryRun ? 'passed' : state;
    verdict.reason = reason;
    // A loop, not Math.max(...times): a long gate has too many to spread.
    let lastMs: number | undefined;
    for (const taken of Object.values(measurements)) {
      for (const m of taken) {
        lastMs = Math.max(lastMs ?? -Infinity, Date.parse(m.at));
      }
    }
    const settledAt =
      stoppedAt ?? new Date(lastMs ?? this.#now().getTime()).toISOString();
    await this.#ledger.appendEvents(
      gateEvents({
        id: evaluation.id,
        releaseId: evaluation.releaseId,
        entityRef: evaluation.entityRef,
        environment: evaluation.environment,
        version: evaluation.version,
        definition: evaluation.definition,
        verdict,
        measurements,
        settledAt,
      }),
    );
    await this.#evaluations.finish(
      evaluation.id,
      state,
      reason,
      this.#now().toISOString(),
    );
  }
}
