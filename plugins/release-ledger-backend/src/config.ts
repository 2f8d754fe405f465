import type { Config } from '@backstage/config';
import {
  BAND_SETS,
  BandSet,
  DEFAULT_BAND_SET_NAME,
  DEFAULT_INCIDENT_ATTRIBUTION_HOURS,
  DEFAULT_MIN_SAMPLES,
  parseCustomBandSets,
  PR_TEMPLATE_FIELDS,
  prTemplateField,
  PrTemplateField,
} from '@release-ledger/plugin-release-ledger-common';

/** The parts of `releaseLedger` config this plugin reads, with defaults applied. */
export type ReleaseLedgerConfig = {
  maxBodySize: string;
  /** How far in the future an event's times may be (clock skew between pipelines). */
  maxFutureSkewMs: number;
  metrics: MetricsConfig;
  projections: ProjectionsConfig;
  /** `releaseLedger.benchmark.eventLogOnly`: bench:ingest's `store` target; never in production. */
  eventLogOnly: boolean;
  /** The PR template's required fields, checked in the body sent with `pr_merged`. */
  requiredPrFields: PrTemplateField[];
};

/** `releaseLedger.projections`, with defaults applied. */
export type ProjectionsConfig = {
  /** Age of the oldest unprojected event above which the lag is logged as a warning. */
  lagWarningMs: number;
  /** Drains per instance; unset: chosen by the database (2 on PostgreSQL, 1 on SQLite). */
  drainConcurrency?: number;
};

/** `releaseLedger.metrics`, with defaults applied. */
export type MetricsConfig = {
  /** Default band set name. */
  bandSet: string;
  /** Custom band sets from config, by name. */
  customBandSets: Record<string, BandSet>;
  changeFailureRateTarget: number;
  minSamples: number;
  incidentAttributionWindowHours: number;
};

const DEFAULT_CFR_TARGET = 0.15;

const DEFAULT_MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;
const MAX_FUTURE_SKEW_LIMIT_MS = 30 * 24 * 60 * 60 * 1000;

const SIZE = /^\d+(\.\d+)?\s*(b|kb|mb)$/i;

/**
 * Reads and checks `releaseLedger`; a wrong value stops startup with a
 * message naming the key rather than failing on first use.
 */
export function readReleaseLedgerConfig(config: Config): ReleaseLedgerConfig {
  const raw =
    config.getOptional<string | number>('releaseLedger.ingest.maxBodySize') ??
    '5mb';
  const maxBodySize = typeof raw === 'number' ? `${raw}b` : raw.trim();
  if (typeof raw === 'number' ? !(raw > 0) : !SIZE.test(maxBodySize)) {
    throw new Error(
      `releaseLedger.ingest.maxBodySize: must be a size like 5mb or a number of bytes, got '${raw}'`,
    );
  }
  const maxFutureSkewMs =
    config.getOptionalNumber('releaseLedger.ingest.maxFutureSkewMs') ??
    DEFAULT_MAX_FUTURE_SKEW_MS;
  if (
    !Number.isInteger(maxFutureSkewMs) ||
    maxFutureSkewMs < 0 ||
    maxFutureSkewMs > MAX_FUTURE_SKEW_LIMIT_MS
  ) {
    throw new Error(
      `releaseLedger.ingest.maxFutureSkewMs: must be a whole number of milliseconds from 0 to ${MAX_FUTURE_SKEW_LIMIT_MS} (30 days), got ${maxFutureSkewMs}`,
    );
  }
  const apiUrl = config.getOptionalString('releaseLedger.slack.apiUrl');
  if (apiUrl !== undefined && !isHttpUrl(apiUrl)) {
    throw new Error(
      `releaseLedger.slack.apiUrl: must be an http(s) URL, got '${apiUrl}'`,
    );
  }
  // releaseLedger.prometheus and .gates are read by src/gates at startup.
  const lagWarningMs =
    config.getOptionalNumber('releaseLedger.projections.lagWarningMs') ??
    30_000;
  if (!Number.isInteger(lagWarningMs) || lagWarningMs < 1000) {
    throw new Error(
      `releaseLedger.projections.lagWarningMs: must be a whole number of milliseconds of at least 1000, got ${lagWarningMs}`,
    );
  }
  const drainConcurrency = config.getOptionalNumber(
    'releaseLedger.projections.drainConcurrency',
  );
  if (
    drainConcurrency !== undefined &&
    (!Number.isInteger(drainConcurrency) ||
      drainConcurrency < 1 ||
      drainConcurrency > 16)
  ) {
    throw new Error(
      `releaseLedger.projections.drainConcurrency: must be a whole number from 1 to 16, got ${drainConcurrency}`,
    );
  }
  return {
    maxBodySize,
    maxFutureSkewMs,
    metrics: readMetricsConfig(config),
    projections: { lagWarningMs, drainConcurrency },
    eventLogOnly:
      config.getOptionalBoolean('releaseLedger.benchmark.eventLogOnly') ??
      false,
    requiredPrFields: readRequiredPrFields(config),
  };
}

/** `releaseLedger.pullRequests.requiredFields`; default risk, feature flags, rollback criteria. */
function readRequiredPrFields(config: Config): PrTemplateField[] {
  const specs = config.getOptionalStringArray(
    'releaseLedger.pullRequests.requiredFields',
  );
  if (!specs) return [...PR_TEMPLATE_FIELDS];
  return specs.map((spec, i) => {
    try {
      return prTemplateField(spec);
    } catch (error) {
      throw new Error(
        `releaseLedger.pullRequests.requiredFields[${i}]: ${
          (error as Error).message
        }`,
      );
    }
  });
}

function readMetricsConfig(config: Config): MetricsConfig {
  const customBandSets = parseCustomBandSets(
    config.getOptional('releaseLedger.metrics.bandSets') ?? {},
  );
  const known = [...Object.keys(BAND_SETS), ...Object.keys(customBandSets)];
  const bandSet =
    config.getOptionalString('releaseLedger.metrics.bandSet') ??
    DEFAULT_BAND_SET_NAME;
  if (!known.includes(bandSet)) {
    throw new Error(
      `releaseLedger.metrics.bandSet: unknown band set '${bandSet}'; known: ${known.join(
        ', ',
      )}`,
    );
  }
  const target =
    config.getOptionalNumber('releaseLedger.metrics.changeFailureRateTarget') ??
    DEFAULT_CFR_TARGET;
  if (!(target >= 0 && target <= 1)) {
    throw new Error(
      `releaseLedger.metrics.changeFailureRateTarget: must be between 0 and 1, got ${target}`,
    );
  }
  const minSamples =
    config.getOptionalNumber('releaseLedger.metrics.minSamples') ??
    DEFAULT_MIN_SAMPLES;
  if (!Number.isInteger(minSamples) || minSamples < 1) {
    throw new Error(
      `releaseLedger.metrics.minSamples: must be a whole number of at least 1, got ${minSamples}`,
    );
  }
  const windowHours =
    config.getOptionalNumber(
      'releaseLedger.metrics.incidentAttributionWindowHours',
    ) ?? DEFAULT_INCIDENT_ATTRIBUTION_HOURS;
  if (!(windowHours > 0 && windowHours <= 24 * 90)) {
    throw new Error(
      `releaseLedger.metrics.incidentAttributionWindowHours: must be more than 0 and at most 2160 (90 days), got ${windowHours}`,
    );
  }
  return {
    bandSet,
    customBandSets,
    changeFailureRateTarget: target,
    minSamples,
    incidentAttributionWindowHours: windowHours,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
