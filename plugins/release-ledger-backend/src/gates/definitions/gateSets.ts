import { Config } from '@backstage/config';
import {
  GateDefinition,
  parseGateSets,
  RELEASE_LEDGER_ANNOTATIONS,
} from '@release-ledger/plugin-release-ledger-common';

const KEY = 'releaseLedger.gates';

/** The gate set used for entities without a `release-ledger/gates` annotation. */
export const DEFAULT_GATE_SET = 'default';

export type GateSets = Readonly<Record<string, GateDefinition>>;

/**
 * Reads `releaseLedger.gates` and checks that every gate's provider is
 * registered, so a typo stops startup instead of the first canary.
 *
 * @throws Error naming the config path of every problem
 */
export function readGateSets(
  config: Config,
  providerIds: readonly string[],
): GateSets {
  const sets = parseGateSets(config.getOptional(KEY), KEY);
  const problems = Object.values(sets)
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
  const configured = Object.keys(sets);
  const known = configured.length
    ? `configured: ${configured.join(', ')}`
    : `none is configured under ${KEY}`;
  if (options.requested !== undefined) {
    const gate = sets[options.requested];
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
    const gate = sets[named];
    return gate
      ? { ok: true, gate }
      : {
          ok: false,
          message: `gate: ${options.entityRef} names gate set '${named}' in its ${annotation} annotation, which is not configured; ${known}`,
        };
  }
  const fallback = sets[DEFAULT_GATE_SET];
  return fallback
    ? { ok: true, gate: fallback }
    : {
        ok: false,
        message: `gate: ${options.entityRef} has no gate set: give it the annotation ${annotation}, configure ${KEY}.${DEFAULT_GATE_SET}, or name a gate in the request`,
      };
}
