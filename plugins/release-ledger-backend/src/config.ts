import { Config } from '@backstage/config';

/** The parts of `releaseLedger` config this plugin reads, with defaults applied. */
export type ReleaseLedgerConfig = {
  maxBodySize: string;
};

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
  const apiUrl = config.getOptionalString('releaseLedger.slack.apiUrl');
  if (apiUrl !== undefined && !isHttpUrl(apiUrl)) {
    throw new Error(
      `releaseLedger.slack.apiUrl: must be an http(s) URL, got '${apiUrl}'`,
    );
  }
  const promUrl = config.getOptionalString('releaseLedger.prometheus.url');
  if (promUrl !== undefined && !isHttpUrl(promUrl)) {
    throw new Error(
      `releaseLedger.prometheus.url: must be an http(s) URL, got '${promUrl}'`,
    );
  }
  const bandSet = config.getOptionalString('releaseLedger.metrics.bandSet');
  if (bandSet !== undefined && !['dora-2023', 'dora-2021'].includes(bandSet)) {
    throw new Error(
      `releaseLedger.metrics.bandSet: unknown band set '${bandSet}'; known: dora-2023, dora-2021`,
    );
  }
  const target = config.getOptionalNumber(
    'releaseLedger.metrics.changeFailureRateTarget',
  );
  if (target !== undefined && !(target >= 0 && target <= 1)) {
    throw new Error(
      `releaseLedger.metrics.changeFailureRateTarget: must be between 0 and 1, got ${target}`,
    );
  }
  return { maxBodySize };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
