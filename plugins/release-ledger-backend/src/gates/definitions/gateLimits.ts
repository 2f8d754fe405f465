import type { Config } from '@backstage/config';

const KEY = 'releaseLedger.gateLimits';

/**
 * How much work one gate may ask for: a gate's checks, and the measurements
 * one replay takes (all on one request, so they are bounded).
 */
export type GateLimits = {
  maxChecksPerGate: number;
  maxMeasurementsPerReplay: number;
};

export const DEFAULT_GATE_LIMITS: GateLimits = {
  maxChecksPerGate: 50,
  maxMeasurementsPerReplay: 10_000,
};

/**
 * Reads `releaseLedger.gateLimits`.
 *
 * @throws Error naming the key of a value that is not a whole number of at least 1
 */
export function readGateLimits(config: Config): GateLimits {
  const read = (name: keyof GateLimits): number => {
    const key = `${KEY}.${name}`;
    // getOptionalNumber names the key when the value is not a number at all.
    const value = config.getOptionalNumber(key) ?? DEFAULT_GATE_LIMITS[name];
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(
        `${key}: must be a whole number of at least 1, got ${value}`,
      );
    }
    return value;
  };
  return {
    maxChecksPerGate: read('maxChecksPerGate'),
    maxMeasurementsPerReplay: read('maxMeasurementsPerReplay'),
  };
}

/**
 * Why a gate has too many checks, starting with `field`, or undefined.
 * Takes the raw list so an oversized request is refused before it is parsed.
 */
export function tooManyChecks(
  field: string,
  checks: unknown,
  limits: GateLimits,
): string | undefined {
  if (!Array.isArray(checks) || checks.length <= limits.maxChecksPerGate) {
    return undefined;
  }
  return `${field}: must have at most ${limits.maxChecksPerGate} checks (${KEY}.maxChecksPerGate), got ${checks.length}`;
}

/** Why a replay would take too many measurements, starting with `field`, or undefined. */
export function tooManyMeasurements(
  field: string,
  measurements: number,
  limits: GateLimits,
): string | undefined {
  if (measurements <= limits.maxMeasurementsPerReplay) return undefined;
  return `${field}: a replay may take at most ${limits.maxMeasurementsPerReplay} measurements (${KEY}.maxMeasurementsPerReplay); these checks would take ${measurements} over the canary window (each check its count, or as many intervals as fit in the window)`;
}
