import { bandFor, resolveBandSet } from './bands';
import { parseCustomBandSets } from './bandSetSchema';

const strict = {
  description: 'Our own targets',
  deploymentFrequency: [
    { band: 'elite', min: 5 },
    { band: 'high', min: 2 },
  ],
  leadTime: [
    { band: 'elite', max: 4 },
    { band: 'high', max: 24 },
  ],
  changeFailureRate: [
    { band: 'elite', max: 0.05 },
    { band: 'high', max: 0.1 },
  ],
  timeToRestore: [
    { band: 'elite', max: 1 },
    { band: 'high', max: 8 },
  ],
};

const at = 'releaseLedger.metrics.bandSets';

describe('parseCustomBandSets', () => {
  it('reads custom sets, names them after their key, and resolves them', () => {
    const sets = parseCustomBandSets({ strict });
    expect(sets).toEqual({ strict: { name: 'strict', ...strict } });
    const set = resolveBandSet('strict', sets);
    expect(bandFor('leadTime', 4, set)).toBe('elite');
    expect(bandFor('leadTime', 5, set)).toBe('high');
    expect(bandFor('leadTime', 25, set)).toBe('low');
    expect(bandFor('deploymentFrequency', 1.5, set)).toBe('low');
  });

  it('treats absent config as no custom sets', () => {
    expect(parseCustomBandSets(undefined)).toEqual({});
  });

  it.each`
    problem                        | sets                                                                                                     | message
    ${'not an object'}             | ${'strict'}                                                                                              | ${`${at}: must be an object of band sets by name`}
    ${'a built-in name'}           | ${{ 'dora-2023': strict }}                                                                               | ${`${at}.dora-2023: 'dora-2023' is a built-in band set; give your own set another name`}
    ${'an upper-case name'}        | ${{ Strict: strict }}                                                                                    | ${`${at}.Strict: must be a lower-case name like dora-2023`}
    ${'a missing metric'}          | ${{ strict: { ...strict, timeToRestore: undefined } }}                                                   | ${`${at}.strict.timeToRestore: must be a list of steps, best band first, e.g. [{ band: elite, max: 1 }]`}
    ${'an empty ladder'}           | ${{ strict: { ...strict, leadTime: [] } }}                                                               | ${`${at}.strict.leadTime: must be a list of steps, best band first, e.g. [{ band: elite, max: 24 }]`}
    ${'a misspelt metric'}         | ${{ strict: { ...strict, leadtime: [] } }}                                                               | ${`${at}.strict: unknown field(s) 'leadtime'; allowed: description, deploymentFrequency, leadTime, changeFailureRate, timeToRestore`}
    ${'an unknown band'}           | ${{ strict: { ...strict, leadTime: [{ band: 'great', max: 1 }] } }}                                      | ${`${at}.strict.leadTime[0].band: must be one of elite, high, medium, low`}
    ${'min where max belongs'}     | ${{ strict: { ...strict, leadTime: [{ band: 'elite', min: 1 }] } }}                                      | ${`${at}.strict.leadTime[0]: unknown field(s) 'min'; allowed: band, max (lower is better)`}
    ${'max where min belongs'}     | ${{ strict: { ...strict, deploymentFrequency: [{ band: 'elite', max: 1 }] } }}                           | ${`${at}.strict.deploymentFrequency[0].min: is required`}
    ${'a threshold as text'}       | ${{ strict: { ...strict, leadTime: [{ band: 'elite', max: '24h' }] } }}                                  | ${`${at}.strict.leadTime[0].max: must be a number`}
    ${'a negative threshold'}      | ${{ strict: { ...strict, timeToRestore: [{ band: 'elite', max: -1 }] } }}                                | ${`${at}.strict.timeToRestore[0].max: must not be negative`}
    ${'bands out of order'}        | ${{ strict: { ...strict, leadTime: [{ band: 'high', max: 4 }, { band: 'elite', max: 24 }] } }}           | ${`${at}.strict.leadTime[1].band: 'elite' cannot follow 'high'; list bands best first (elite, high, medium, low), each at most once`}
    ${'a band twice'}              | ${{ strict: { ...strict, leadTime: [{ band: 'high', max: 4 }, { band: 'high', max: 24 }] } }}            | ${`${at}.strict.leadTime[1].band: 'high' cannot follow 'high'`}
    ${'max not increasing'}        | ${{ strict: { ...strict, leadTime: [{ band: 'elite', max: 24 }, { band: 'high', max: 24 }] } }}          | ${`${at}.strict.leadTime[1].max: must be greater than the previous step's max (24)`}
    ${'min not decreasing'}        | ${{ strict: { ...strict, deploymentFrequency: [{ band: 'elite', min: 3 }, { band: 'high', min: 5 }] } }} | ${`${at}.strict.deploymentFrequency[1].min: must be less than the previous step's min (3)`}
    ${'a percentage for CFR'}      | ${{ strict: { ...strict, changeFailureRate: [{ band: 'elite', max: 15 }] } }}                            | ${`${at}.strict.changeFailureRate[0].max: is a fraction of deployments: write 15% as 0.15, got 15`}
    ${'a description not as text'} | ${{ strict: { ...strict, description: 7 } }}                                                             | ${`${at}.strict.description: must be a string`}
  `('names the path of $problem', ({ sets, message }) => {
    expect(() => parseCustomBandSets(sets)).toThrow(message);
  });

  it('reports every problem, one line each, under the given config path', () => {
    expect(() =>
      parseCustomBandSets(
        {
          strict: {
            ...strict,
            leadTime: [{ band: 'elite', max: 'soon' }],
            timeToRestore: undefined,
          },
        },
        'metrics.bandSets',
      ),
    ).toThrow(
      new Error(
        [
          'metrics.bandSets.strict.leadTime[0].max: must be a number',
          'metrics.bandSets.strict.timeToRestore: must be a list of steps, best band first, e.g. [{ band: elite, max: 1 }]',
        ].join('\n'),
      ),
    );
  });
});
