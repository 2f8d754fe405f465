import { ConfigReader } from '@backstage/config';
import { readReleaseLedgerConfig } from './config';

describe('readReleaseLedgerConfig', () => {
  it('starts with no releaseLedger section at all', () => {
    expect(readReleaseLedgerConfig(new ConfigReader({}))).toEqual({
      maxBodySize: '5mb',
    });
  });

  it.each([
    [
      { ingest: { maxBodySize: 'huge' } },
      "releaseLedger.ingest.maxBodySize: must be a size like 5mb or a number of bytes, got 'huge'",
    ],
    [
      { slack: { apiUrl: 'slack.com/api' } },
      "releaseLedger.slack.apiUrl: must be an http(s) URL, got 'slack.com/api'",
    ],
    [
      { prometheus: { url: 'ftp://prom' } },
      "releaseLedger.prometheus.url: must be an http(s) URL, got 'ftp://prom'",
    ],
    [
      { metrics: { bandSet: 'dora-1999' } },
      "releaseLedger.metrics.bandSet: unknown band set 'dora-1999'; known: dora-2023, dora-2021",
    ],
    [
      { metrics: { changeFailureRateTarget: 15 } },
      'releaseLedger.metrics.changeFailureRateTarget: must be between 0 and 1, got 15',
    ],
  ])('refuses %j naming the key', (releaseLedger, message) => {
    expect(() =>
      readReleaseLedgerConfig(new ConfigReader({ releaseLedger })),
    ).toThrow(message);
  });

  it('accepts a byte count', () => {
    expect(
      readReleaseLedgerConfig(
        new ConfigReader({ releaseLedger: { ingest: { maxBodySize: 1024 } } }),
      ),
    ).toEqual({ maxBodySize: '1024b' });
  });
});
