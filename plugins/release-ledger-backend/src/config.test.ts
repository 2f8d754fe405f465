import { PR_TEMPLATE_FIELDS } from '@release-ledger/plugin-release-ledger-common';
import { ConfigReader } from '@backstage/config';
import { readReleaseLedgerConfig } from './config';

describe('readReleaseLedgerConfig', () => {
  it('starts with no releaseLedger section at all', () => {
    expect(readReleaseLedgerConfig(new ConfigReader({}))).toEqual({
      maxBodySize: '5mb',
      maxFutureSkewMs: 86_400_000,
      metrics: {
        bandSet: 'dora-2023',
        customBandSets: {},
        changeFailureRateTarget: 0.15,
        minSamples: 5,
        incidentAttributionWindowHours: 72,
      },
      projections: { lagWarningMs: 30_000 },
      eventLogOnly: false,
      requiredPrFields: [...PR_TEMPLATE_FIELDS],
    });
  });

  it('reads how many drains an instance runs', () => {
    expect(
      readReleaseLedgerConfig(
        new ConfigReader({
          releaseLedger: { projections: { drainConcurrency: 4 } },
        }),
      ).projections,
    ).toEqual({ lagWarningMs: 30_000, drainConcurrency: 4 });
  });

  it.each([
    [
      { projections: { drainConcurrency: 0 } },
      'releaseLedger.projections.drainConcurrency: must be a whole number from 1 to 16, got 0',
    ],
    [
      { projections: { lagWarningMs: 10 } },
      'releaseLedger.projections.lagWarningMs: must be a whole number of milliseconds of at least 1000, got 10',
    ],
    [
      { ingest: { maxBodySize: 'huge' } },
      "releaseLedger.ingest.maxBodySize: must be a size like 5mb or a number of bytes, got 'huge'",
    ],
    [
      { ingest: { maxFutureSkewMs: -5 } },
      'releaseLedger.ingest.maxFutureSkewMs: must be a whole number of milliseconds from 0 to 2592000000 (30 days), got -5',
    ],
    [
      { slack: { apiUrl: 'slack.com/api' } },
      "releaseLedger.slack.apiUrl: must be an http(s) URL, got 'slack.com/api'",
    ],
    [
      { metrics: { bandSet: 'dora-1999' } },
      "releaseLedger.metrics.bandSet: unknown band set 'dora-1999'; known: dora-2023, dora-2021",
    ],
    [
      { metrics: { changeFailureRateTarget: 15 } },
      'releaseLedger.metrics.changeFailureRateTarget: must be between 0 and 1, got 15',
    ],
    [
      { metrics: { minSamples: 0 } },
      'releaseLedger.metrics.minSamples: must be a whole number of at least 1, got 0',
    ],
    [
      { metrics: { incidentAttributionWindowHours: -1 } },
      'releaseLedger.metrics.incidentAttributionWindowHours: must be more than 0 and at most 2160 (90 days), got -1',
    ],
    [
      {
        metrics: {
          bandSets: {
            strict: {
              deploymentFrequency: [{ band: 'elite', min: 5 }],
              leadTime: [
                { band: 'elite', max: 24 },
                { band: 'high', max: 12 },
              ],
              changeFailureRate: [{ band: 'elite', max: 0.05 }],
              timeToRestore: [{ band: 'elite', max: 1 }],
            },
          },
        },
      },
      "releaseLedger.metrics.bandSets.strict.leadTime[1].max: must be greater than the previous step's max (24)",
    ],
  ])('refuses %j naming the key', (releaseLedger, message) => {
    expect(() =>
      readReleaseLedgerConfig(new ConfigReader({ releaseLedger })),
    ).toThrow(message);
  });

  it('accepts a custom band set and makes it selectable as the default', () => {
    const config = readReleaseLedgerConfig(
      new ConfigReader({
        releaseLedger: {
          metrics: {
            bandSet: 'strict',
            bandSets: {
              strict: {
                deploymentFrequency: [{ band: 'elite', min: 5 }],
                leadTime: [{ band: 'elite', max: 12 }],
                changeFailureRate: [{ band: 'elite', max: 0.02 }],
                timeToRestore: [{ band: 'elite', max: 0.5 }],
              },
            },
          },
        },
      }),
    );
    expect(config.metrics.bandSet).toBe('strict');
    expect(config.metrics.customBandSets.strict.leadTime).toEqual([
      { band: 'elite', max: 12 },
    ]);
  });

  it('accepts a byte count', () => {
    expect(
      readReleaseLedgerConfig(
        new ConfigReader({ releaseLedger: { ingest: { maxBodySize: 1024 } } }),
      ).maxBodySize,
    ).toBe('1024b');
  });
});
