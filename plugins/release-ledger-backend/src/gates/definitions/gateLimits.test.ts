import { ConfigReader } from '@backstage/config';
import { JsonValue } from '@backstage/types';
import {
  readGateLimits,
  tooManyChecks,
  tooManyMeasurements,
} from './gateLimits';

const config = (gateLimits: JsonValue) =>
  new ConfigReader({ releaseLedger: { gateLimits } });

describe('readGateLimits', () => {
  it('has defaults, and reads configured limits', () => {
    expect(readGateLimits(new ConfigReader({}))).toEqual({
      maxChecksPerGate: 50,
      maxMeasurementsPerReplay: 10_000,
    });
    expect(
      readGateLimits(
        config({ maxChecksPerGate: 10, maxMeasurementsPerReplay: 500 }),
      ),
    ).toEqual({ maxChecksPerGate: 10, maxMeasurementsPerReplay: 500 });
  });

  it.each`
    key                           | value    | message
    ${'maxChecksPerGate'}         | ${0}     | ${'releaseLedger.gateLimits.maxChecksPerGate: must be a whole number of at least 1, got 0'}
    ${'maxMeasurementsPerReplay'} | ${2.5}   | ${'releaseLedger.gateLimits.maxMeasurementsPerReplay: must be a whole number of at least 1, got 2.5'}
    ${'maxChecksPerGate'}         | ${'ten'} | ${'releaseLedger.gateLimits.maxChecksPerGate'}
  `(
    'stops startup on $key: $value, naming the key',
    ({ key, value, message }) => {
      expect(() => readGateLimits(config({ [key]: value }))).toThrow(message);
    },
  );
});

describe('the limits', () => {
  const limits = { maxChecksPerGate: 2, maxMeasurementsPerReplay: 100 };

  it('refuse a gate with more checks than the limit, naming the field and the key', () => {
    expect(tooManyChecks('definition.checks', [1, 2], limits)).toBeUndefined();
    expect(tooManyChecks('definition.checks', 'not a list', limits)).toBe(
      undefined,
    );
    expect(tooManyChecks('definition.checks', [1, 2, 3], limits)).toBe(
      'definition.checks: must have at most 2 checks (releaseLedger.gateLimits.maxChecksPerGate), got 3',
    );
  });

  it('refuse a replay of more measurements than the limit', () => {
    expect(tooManyMeasurements('gate', 100, limits)).toBeUndefined();
    expect(tooManyMeasurements('gate', 101, limits)).toMatch(
      /^gate: a replay may take at most 100 measurements \(releaseLedger\.gateLimits\.maxMeasurementsPerReplay\); these checks would take 101 /,
    );
  });
});
