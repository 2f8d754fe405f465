import type { Config } from '@backstage/config';
import {
  GateDefinition,
  parseGateSets,
  RELEASE_LEDGER_ANNOTATIONS,
} from '@release-ledger/plugin-release-ledger-common';
import { GateLimits, tooManyChecks } from './gateLimits';

const KEY = 'releaseLedger.gates';

/** The gate set used for entities without a `release-ledger/gates` annotation. */
export const DEFAULT_GATE_SET = 'default';

/**
 * Gate sets by name. A Map, so a name from a request or an annotation finds
 * only configured sets, never an object's inherited keys (`constructor`).
 */
export type GateSets = ReadonlyMap<string, GateDefinition>;

/**
 * Reads `releaseLedger.gates` and checks that every gate's provider is
 * registered and that it stays within the gate limits, so a typo stops
 * startup instead of the first canary.
 *
 * @throws Error naming the config path of every problem
 */
export function readGateSets(
  config: Config,
  providerIds: readonly string[],
  limits: GateLimits,
): GateSets {
  const raw = config.getOptional(KEY);
  // Counted before parsing, so an oversized set is not parsed check by check.
  const oversized =
    raw && typeof raw === 'object'
      ? Object.entries(raw).flatMap(([name, gate]) => {
          const problem = tooManyChecks(
            `${KEY}.${name}.checks`,
            (gate as { checks?: unknown } | null)?.checks,
            limits,
          );
          return problem ? [problem] : [];
        })
      : [];
  if (oversized.length) throw new Error(oversized.join('\n'));
  const sets = new Map(Object.entries(parseGateSets(raw, KEY)));
  const problems = [...sets.values()]
    .filter(gate => !providerIds.includes(gate.provider))
    .map(
      gate =>
        `${KEY}.${gate.name}.provider: no gate metric provider '${
          gate.provider
        }' is registered; registered: ${
          providerIds.length
            ? providerIds.join(', ')
            : 'none (configure releaseLedger.prometheus, or install a provider module)'
        }`,
    );
  if (problems.length) throw new Error(problems.join('\n'));
  return sets;
}

/** Which gate set guards an entity's releases, or why none does. */
export type GateChoice =
  | { ok: true; gate: GateDefinition }
  | { ok: false; message: string };

/**
 * The gate to evaluate: the one asked for by name; else the one the
 * entity's `release-ledger/gates` annotation names; else the set named
 * `default` when configured. The message of a refusal starts with the
 * request field it concerns (`gate: …`).
 */
export function chooseGate(
  sets: GateSets,
  options: {
    requested?: string;
    entityRef: string;
    annotations?: Record<string, string>;
  },
): GateChoice {
  const configured = [...sets.keys()];
  const known = configured.length
    ? `configured: ${configured.join(', ')}`
    : `none is configured under ${KEY}`;
  if (options.requested !== undefined) {
    const gate = sets.get(options.requested);
    return gate
      ? { ok: true, gate }
      : {
          ok: false,
          message: `gate: unknown gate '${options.requested}'; ${known}`,
        };
  }
  const annotation = RELEASE_LEDGER_ANNOTATIONS.gates;
  const named = options.annotations?.[annotation]?.trim();
  if (named) {
    const gate = sets.get(named);
    return gate
      ? { ok: true, gate }
      : {
          ok: false,
          message: `gate: ${options.entityRef} names gate set '${named}' in its ${annotation} annotation, which is not configured; ${known}`,
        };
  }
  const fallback = sets.get(DEFAULT_GATE_SET);
  return fallback
    ? { ok: true, gate: fallback }
    : {
        ok: false,
        message: `gate: ${options.entityRef} has no gate set: give it the annotation ${annotation}, configure ${KEY}.${DEFAULT_GATE_SET}, or name a gate in the request`,
      };
}
