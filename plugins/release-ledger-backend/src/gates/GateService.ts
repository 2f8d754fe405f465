import type {
  GateEvaluationStarted,
  GateReplay,
  ReleaseGates,
} from '@release-ledger/plugin-release-ledger-common';
import { parseEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  GateDefinition,
  parseGateDefinition,
  QueryVariables,
  ReleaseWithEvents,
} from '@release-ledger/plugin-release-ledger-common';
import { z } from 'zod/v3';
import type { ReleaseLedgerStore } from '../ledger/ReleaseLedgerStore';
import {
  GateLimits,
  tooManyChecks,
  tooManyMeasurements,
} from './definitions/gateLimits';
import { chooseGate, GateSets } from './definitions/gateSets';
import { GateEvaluator } from './evaluation/GateEvaluator';
import { renderCheck } from './evaluation/measureCheck';
import type { GateProviders } from './providers/GateProviders';
import { canaryWindow, replayGate, slotsInWindow } from './replay/replayGate';
import { Turns } from './replay/Turns';

/**
 * Replays one instance runs at a time; more wait their turn. Each is
 * bounded by the gate limits, this bounds their sum (memory, and the range
 * queries Prometheus answers side by side).
 */
const REPLAYS_AT_ONCE = 2;

const gateName = z
  .string({ invalid_type_error: 'must be the name of a gate set' })
  .min(1, 'must be the name of a gate set')
  .max(200, 'must be at most 200 characters');

const evaluateBody = z.object({ gate: gateName.optional() }).strict();
const replayBody = z
  .object({
    gate: gateName.optional(),
    definition: z.record(z.unknown()).optional(),
  })
  .strict();

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    throw new InputError(
      `${issue.keys[0]}: unknown field; allowed: ${Object.keys(
        (schema as unknown as z.AnyZodObject).shape,
      ).join(', ')}`,
    );
  }
  throw new InputError(`${issue.path.join('.') || 'body'}: ${issue.message}`);
}

/**
 * What the HTTP API asks of gates: start an evaluation of a release, show
 * its evaluations, replay a gate over a past canary. Chooses the gate set
 * and fills the query variables from the release and its catalog entity.
 */
export class GateService {
  readonly #ledger: ReleaseLedgerStore;
  readonly #sets: GateSets;
  readonly #limits: GateLimits;
  readonly #replays = new Turns(REPLAYS_AT_ONCE);
  readonly #providers: GateProviders;
  readonly #evaluator: GateEvaluator;
  readonly #annotationsOf: (
    entityRef: string,
  ) => Promise<Record<string, string> | undefined>;
  readonly #now: () => Date;

  constructor(options: {
    ledger: ReleaseLedgerStore;
    sets: GateSets;
    limits: GateLimits;
    providers: GateProviders;
    evaluator: GateEvaluator;
    /** The entity's annotations from the catalog; undefined when it is gone. */
    annotationsOf: (
      entityRef: string,
    ) => Promise<Record<string, string> | undefined>;
    now?: () => Date;
  }) {
    this.#ledger = options.ledger;
    this.#sets = options.sets;
    this.#limits = options.limits;
    this.#providers = options.providers;
    this.#evaluator = options.evaluator;
    this.#annotationsOf = options.annotationsOf;
    this.#now = options.now ?? (() => new Date());
  }

  /** Starts the release's gate, or answers the evaluation already running. */
  async startEvaluation(
    releaseId: string,
    body: unknown,
  ): Promise<GateEvaluationStarted> {
    const { gate: requested } = parseBody(evaluateBody, body);
    const release = await this.#release(releaseId);
    const annotations = (await this.#annotationsOf(release.entityRef)) ?? {};
    const choice = chooseGate(this.#sets, {
      requested,
      entityRef: release.entityRef,
      annotations,
    });
    if (!choice.ok) throw new InputError(choice.message);
    const decided = pastCanary(release);
    if (decided) {
      // A gate judges a running canary; use replay to judge a past one.
      throw new ConflictError(
        `releaseId: release ${releaseId} was ${decided}; a gate can only judge a release before it is promoted or rolled back (replay judges past canaries)`,
      );
    }
    const variables = this.#variables(release, annotations);
    checkRenders(choice.gate, variables, release, 'gate');
    return this.#evaluator.start({
      releaseId,
      entityRef: release.entityRef,
      ...(release.version !== undefined ? { version: release.version } : {}),
      environment: release.environment,
      definition: choice.gate,
      variables,
    });
  }

  /** The release's evaluations; the router adds the promotion decision (it needs the checklist too). */
  async evaluations(
    releaseId: string,
  ): Promise<Omit<ReleaseGates, 'promotion'>> {
    await this.#release(releaseId);
    return {
      releaseId,
      evaluations: await this.#evaluator.forRelease(releaseId),
    };
  }

  /**
   * Replays a gate — a configured one by name, the entity's, or a changed
   * definition sent in the body — over the release's canary window.
   */
  async replay(
    releaseId: string,
    body: unknown,
    options: {
      /** Aborted when the caller has gone away: no more measurements are taken. */
      signal?: AbortSignal;
    } = {},
  ): Promise<GateReplay> {
    const { gate: requested, definition: raw } = parseBody(replayBody, body);
    const release = await this.#release(releaseId);
    const annotations = (await this.#annotationsOf(release.entityRef)) ?? {};
    let definition: GateDefinition;
    let field = 'gate';
    if (raw !== undefined) {
      field = 'definition';
      const tooMany = tooManyChecks(
        'definition.checks',
        raw.checks,
        this.#limits,
      );
      if (tooMany) throw new InputError(tooMany);
      try {
        definition = parseGateDefinition(
          requested ?? 'replay',
          raw,
          'definition',
        );
      } catch (error) {
        throw new InputError((error as Error).message);
      }
    } else {
      const choice = chooseGate(this.#sets, {
        requested,
        entityRef: release.entityRef,
        annotations,
      });
      if (!choice.ok) throw new InputError(choice.message);
      definition = choice.gate;
    }
    const provider = this.#providers.get(definition.provider);
    if (!provider) {
      throw new InputError(
        `${
          field === 'definition' ? 'definition.provider' : field
        }: no gate metric provider '${
          definition.provider
        }' is registered; registered: ${
          this.#providers.ids().join(', ') || 'none'
        }`,
      );
    }
    const window = canaryWindow(release, this.#now());
    if (!window) {
      throw new InputError(
        `releaseId: release ${releaseId} has no canary_started event, so there is no canary window to replay`,
      );
    }
    const measurements = definition.checks.reduce(
      (sum, check) => sum + slotsInWindow(check, window),
      0,
    );
    const tooMuch = tooManyMeasurements(
      field === 'definition' ? 'definition.checks' : field,
      measurements,
      this.#limits,
    );
    if (tooMuch) throw new InputError(tooMuch);
    const variables = this.#variables(release, annotations);
    checkRenders(definition, variables, release, field);
    const result = await this.#replays.run(() =>
      replayGate({
        provider,
        definition,
        variables,
        window,
        signal: options.signal,
      }),
    );
    return { releaseId, replay: true, ...result };
  }

  async #release(releaseId: string): Promise<ReleaseWithEvents> {
    const release = await this.#ledger.getRelease(releaseId);
    if (!release) throw new NotFoundError(`release ${releaseId} not found`);
    return release;
  }

  #variables(
    release: ReleaseWithEvents,
    annotations: Record<string, string>,
  ): QueryVariables {
    return {
      entity: parseEntityRef(release.entityRef).name,
      entityRef: release.entityRef,
      ...(release.version !== undefined ? { version: release.version } : {}),
      environment: release.environment,
      annotations,
    };
  }
}

/** How a release left its canary, e.g. `promoted at …`; undefined while in it. */
function pastCanary(release: ReleaseWithEvents): string | undefined {
  if (release.rolledBackAt) return `rolled back at ${release.rolledBackAt}`;
  if (release.promotedAt) return `promoted at ${release.promotedAt}`;
  if (release.finishedAt) return `finished at ${release.finishedAt}`;
  return undefined;
}

/** A check that cannot be rendered for this release is refused up front. */
function checkRenders(
  gate: GateDefinition,
  variables: QueryVariables,
  release: ReleaseWithEvents,
  field: string,
): void {
  for (const check of gate.checks) {
    const rendered = renderCheck(check, variables);
    if (rendered.kind === 'invalid') {
      throw new InputError(
        `${field}: check '${check.name}' of gate '${gate.name}' cannot be measured for release ${release.releaseId}: ${rendered.message}`,
      );
    }
  }
}
