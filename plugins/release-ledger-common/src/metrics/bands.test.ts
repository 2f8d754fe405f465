import { BAND_SETS, bandFor, resolveBandSet } from './bands';
import { bandSetSchema } from './bandSetSchema';

describe('bandFor', () => {
  // Units: deploy days per week, hours, fraction of deployments, hours.
  // Thresholds are inclusive; 7/30 is "once a month" on a 30-day month.
  it.each`
    set            | metric                   | value      | band
    ${'dora-2023'} | ${'deploymentFrequency'} | ${7}       | ${'elite'}
    ${'dora-2023'} | ${'deploymentFrequency'} | ${3}       | ${'elite'}
    ${'dora-2023'} | ${'deploymentFrequency'} | ${2.99}    | ${'high'}
    ${'dora-2023'} | ${'deploymentFrequency'} | ${1}       | ${'high'}
    ${'dora-2023'} | ${'deploymentFrequency'} | ${0.99}    | ${'medium'}
    ${'dora-2023'} | ${'deploymentFrequency'} | ${7 / 30}  | ${'medium'}
    ${'dora-2023'} | ${'deploymentFrequency'} | ${0.23}    | ${'low'}
    ${'dora-2023'} | ${'deploymentFrequency'} | ${0}       | ${'low'}
    ${'dora-2023'} | ${'leadTime'}            | ${0}       | ${'elite'}
    ${'dora-2023'} | ${'leadTime'}            | ${24}      | ${'elite'}
    ${'dora-2023'} | ${'leadTime'}            | ${24.01}   | ${'high'}
    ${'dora-2023'} | ${'leadTime'}            | ${168}     | ${'high'}
    ${'dora-2023'} | ${'leadTime'}            | ${168.01}  | ${'medium'}
    ${'dora-2023'} | ${'leadTime'}            | ${720}     | ${'medium'}
    ${'dora-2023'} | ${'leadTime'}            | ${720.01}  | ${'low'}
    ${'dora-2023'} | ${'changeFailureRate'}   | ${0}       | ${'elite'}
    ${'dora-2023'} | ${'changeFailureRate'}   | ${0.05}    | ${'elite'}
    ${'dora-2023'} | ${'changeFailureRate'}   | ${0.0501}  | ${'high'}
    ${'dora-2023'} | ${'changeFailureRate'}   | ${0.1}     | ${'high'}
    ${'dora-2023'} | ${'changeFailureRate'}   | ${0.15}    | ${'medium'}
    ${'dora-2023'} | ${'changeFailureRate'}   | ${0.1501}  | ${'low'}
    ${'dora-2023'} | ${'changeFailureRate'}   | ${1}       | ${'low'}
    ${'dora-2023'} | ${'timeToRestore'}       | ${1}       | ${'elite'}
    ${'dora-2023'} | ${'timeToRestore'}       | ${1.01}    | ${'high'}
    ${'dora-2023'} | ${'timeToRestore'}       | ${24}      | ${'high'}
    ${'dora-2023'} | ${'timeToRestore'}       | ${24.01}   | ${'medium'}
    ${'dora-2023'} | ${'timeToRestore'}       | ${168}     | ${'medium'}
    ${'dora-2023'} | ${'timeToRestore'}       | ${168.01}  | ${'low'}
    ${'dora-2021'} | ${'deploymentFrequency'} | ${3}       | ${'elite'}
    ${'dora-2021'} | ${'deploymentFrequency'} | ${2.99}    | ${'high'}
    ${'dora-2021'} | ${'deploymentFrequency'} | ${7 / 30}  | ${'high'}
    ${'dora-2021'} | ${'deploymentFrequency'} | ${0.23}    | ${'medium'}
    ${'dora-2021'} | ${'deploymentFrequency'} | ${7 / 180} | ${'medium'}
    ${'dora-2021'} | ${'deploymentFrequency'} | ${0.0388}  | ${'low'}
    ${'dora-2021'} | ${'leadTime'}            | ${1}       | ${'elite'}
    ${'dora-2021'} | ${'leadTime'}            | ${1.01}    | ${'high'}
    ${'dora-2021'} | ${'leadTime'}            | ${168}     | ${'high'}
    ${'dora-2021'} | ${'leadTime'}            | ${168.01}  | ${'medium'}
    ${'dora-2021'} | ${'leadTime'}            | ${4320}    | ${'medium'}
    ${'dora-2021'} | ${'leadTime'}            | ${4320.01} | ${'low'}
    ${'dora-2021'} | ${'changeFailureRate'}   | ${0.15}    | ${'elite'}
    ${'dora-2021'} | ${'changeFailureRate'}   | ${0.155}   | ${'high'}
    ${'dora-2021'} | ${'changeFailureRate'}   | ${0.3}     | ${'high'}
    ${'dora-2021'} | ${'changeFailureRate'}   | ${0.3001}  | ${'low'}
    ${'dora-2021'} | ${'timeToRestore'}       | ${1}       | ${'elite'}
    ${'dora-2021'} | ${'timeToRestore'}       | ${24}      | ${'high'}
    ${'dora-2021'} | ${'timeToRestore'}       | ${168}     | ${'medium'}
    ${'dora-2021'} | ${'timeToRestore'}       | ${168.01}  | ${'low'}
  `('$set: $metric $value is $band', ({ set, metric, value, band }) => {
    expect(bandFor(metric, value, resolveBandSet(set))).toBe(band);
  });

  it('refuses a value that is not a number', () => {
    expect(() => bandFor('leadTime', NaN, BAND_SETS['dora-2023'])).toThrow(
      'bandFor(leadTime): value must be a finite number, got NaN',
    );
  });

  it.each(Object.values(BAND_SETS))(
    'built-in set $name passes the custom set schema',
    ({ name, ...set }) => {
      expect(bandSetSchema.safeParse(set).success).toBe(true);
    },
  );
});

describe('resolveBandSet', () => {
  const strict = {
    ...BAND_SETS['dora-2023'],
    name: 'strict',
    leadTime: [{ band: 'elite' as const, max: 4 }],
  };

  it('defaults to dora-2023 and finds built-in and custom sets', () => {
    expect(resolveBandSet()).toBe(BAND_SETS['dora-2023']);
    expect(resolveBandSet('dora-2021')).toBe(BAND_SETS['dora-2021']);
    expect(resolveBandSet('strict', { strict })).toBe(strict);
  });

  it.each([
    'dora-1999',
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
  ])('names the unknown set %p and lists the known ones', name => {
    expect(() => resolveBandSet(name, { strict })).toThrow(
      new Error(
        `unknown band set '${name}'; known: dora-2023, dora-2021, strict`,
      ),
    );
  });
});
