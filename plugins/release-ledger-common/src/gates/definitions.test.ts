import { parseGateDefinition, parseGateSets } from './definitions';

const errorRate = {
  name: 'error-rate',
  query:
    'sum(rate(http_requests_total{service="{{entity}}",code=~"5.."}[{{interval}}])) / sum(rate(http_requests_total{service="{{entity}}"}[{{interval}}]))',
  condition: '< 0.01',
  noData: 'inconclusive',
};

const gateAlerts = {
  name: 'gate-alerts',
  kind: 'alert',
  labels: { service: '{{entity}}' },
};

const at = 'releaseLedger.gates';

describe('parseGateSets', () => {
  it('applies the defaults and names each set after its key', () => {
    expect(
      parseGateSets({ standard: { checks: [errorRate, gateAlerts] } }),
    ).toEqual({
      standard: {
        name: 'standard',
        dryRun: false,
        provider: 'prometheus',
        checks: [
          {
            name: 'error-rate',
            kind: 'query',
            query: errorRate.query,
            condition: { op: '<', value: 0.01 },
            noData: 'inconclusive',
            interval: '1m',
            intervalMs: 60_000,
            count: 5,
            failureLimit: 0,
            consecutiveSuccesses: 1,
            errorLimit: 2,
            key: true,
            dryRun: false,
          },
          {
            name: 'gate-alerts',
            kind: 'alert',
            labels: { service: '{{entity}}' },
            noData: 'pass',
            interval: '1m',
            intervalMs: 60_000,
            count: 5,
            failureLimit: 0,
            consecutiveSuccesses: 1,
            errorLimit: 2,
            key: true,
            dryRun: false,
          },
        ],
      },
    });
  });

  it('keeps every configured value', () => {
    const [check] = parseGateSets({
      strict: {
        dryRun: true,
        provider: 'thanos',
        checks: [
          {
            ...errorRate,
            condition: { min: 0.9, max: 1 },
            interval: '30s',
            count: 10,
            failureLimit: 2,
            consecutiveSuccesses: 3,
            errorLimit: 0,
            noData: 'fail',
            key: true,
            dryRun: true,
          },
        ],
      },
    }).strict.checks;
    expect(check).toMatchObject({
      condition: { op: 'between', min: 0.9, max: 1 },
      interval: '30s',
      intervalMs: 30_000,
      count: 10,
      failureLimit: 2,
      consecutiveSuccesses: 3,
      errorLimit: 0,
      noData: 'fail',
      dryRun: true,
    });
  });

  it('treats absent config as no gate sets', () => {
    expect(parseGateSets(undefined)).toEqual({});
  });

  const gate = (check: object) => ({
    standard: { checks: [errorRate, check] },
  });
  const c1 = `${at}.standard.checks[1]`;

  it.each`
    problem                           | sets                                                                    | message
    ${'not an object'}                | ${'standard'}                                                           | ${`${at}: must be an object of gate sets by name`}
    ${'an upper-case gate name'}      | ${{ Standard: { checks: [errorRate] } }}                                | ${`${at}.Standard: must be a lower-case name like standard`}
    ${'no checks'}                    | ${{ standard: {} }}                                                     | ${`${at}.standard.checks: required, a list of checks`}
    ${'an empty check list'}          | ${{ standard: { checks: [] } }}                                         | ${`${at}.standard.checks: must list at least one check`}
    ${'a misspelt gate field'}        | ${{ standard: { checks: [errorRate], dryrun: true } }}                  | ${`${at}.standard: unknown field(s) 'dryrun'; allowed: dryRun, provider, checks`}
    ${'a missing noData'}             | ${gate({ ...errorRate, noData: undefined })}                            | ${`${c1}.noData: required, one of fail|pass|inconclusive`}
    ${'an unknown noData'}            | ${gate({ ...errorRate, noData: 'ignore' })}                             | ${`${c1}.noData: must be one of fail|pass|inconclusive, got "ignore"`}
    ${'a missing query'}              | ${gate({ ...errorRate, query: undefined })}                             | ${`${c1}.query: required for query checks: a PromQL query template`}
    ${'a query with unknown vars'}    | ${gate({ ...errorRate, query: 'x{a="{{team}}"}' })}                     | ${`${c1}.query: unknown variable {{team}}`}
    ${'a missing condition'}          | ${gate({ ...errorRate, condition: undefined })}                         | ${`${c1}.condition: required for query checks, e.g. '< 0.01' or 'between 0.9 and 1'`}
    ${'a bad condition'}              | ${gate({ ...errorRate, condition: '== 1' })}                            | ${`${c1}.condition: must be like`}
    ${'an unknown kind'}              | ${gate({ ...errorRate, kind: 'slo' })}                                  | ${`${c1}.kind: must be query or alert`}
    ${'a missing name'}               | ${gate({ ...errorRate, name: undefined })}                              | ${`${c1}.name: required, a name like error-rate`}
    ${'a duplicate name'}             | ${gate(errorRate)}                                                      | ${`${c1}.name: 'error-rate' is used by another check of this gate`}
    ${'a numeric interval'}           | ${gate({ ...errorRate, name: 'b', interval: 60 })}                      | ${`${c1}.interval: must be a duration like 1m or 30s`}
    ${'a non-PromQL interval'}        | ${gate({ ...errorRate, name: 'b', interval: '1 minute' })}              | ${`${c1}.interval: must be a PromQL duration of at least 1s, like 1m or 30s`}
    ${'a sub-second interval'}        | ${gate({ ...errorRate, name: 'b', interval: '500ms' })}                 | ${`${c1}.interval: must be a PromQL duration of at least 1s`}
    ${'a zero count'}                 | ${gate({ ...errorRate, name: 'b', count: 0 })}                          | ${`${c1}.count: must be at least 1`}
    ${'a fractional count'}           | ${gate({ ...errorRate, name: 'b', count: 2.5 })}                        | ${`${c1}.count: must be a whole number`}
    ${'a negative errorLimit'}        | ${gate({ ...errorRate, name: 'b', errorLimit: -1 })}                    | ${`${c1}.errorLimit: must be at least 0`}
    ${'a failureLimit ≥ count'}       | ${gate({ ...errorRate, name: 'b', failureLimit: 5 })}                   | ${`${c1}.failureLimit: must be less than count (5), or the check can never fail`}
    ${'consecutiveSuccesses > count'} | ${gate({ ...errorRate, name: 'b', count: 2, consecutiveSuccesses: 3 })} | ${`${c1}.consecutiveSuccesses: must be at most count (2), or the check can never pass`}
    ${'a key flag as text'}           | ${gate({ ...errorRate, name: 'b', key: 'yes' })}                        | ${`${c1}.key: must be true or false`}
    ${'a misspelt check field'}       | ${gate({ ...errorRate, name: 'b', nodata: 'fail' })}                    | ${`${c1}: unknown field(s) 'nodata'; allowed: name, kind, query, condition, labels`}
    ${'labels on a query check'}      | ${gate({ ...errorRate, name: 'b', labels: { a: 'b' } })}                | ${`${c1}.labels: only alert checks have labels`}
    ${'an alert without labels'}      | ${gate({ ...gateAlerts, labels: undefined })}                           | ${`${c1}.labels: required for alert checks, e.g. { service: '{{entity}}' }`}
    ${'an alert with a query'}        | ${gate({ ...gateAlerts, query: 'up' })}                                 | ${`${c1}.query: not used by alert checks`}
    ${'an alert with noData'}         | ${gate({ ...gateAlerts, noData: 'fail' })}                              | ${`${c1}.noData: not used by alert checks: no firing alert is always a pass`}
    ${'a bad alert label name'}       | ${gate({ ...gateAlerts, labels: { 'app.kubernetes.io/name': 'x' } })}   | ${`${c1}.labels: 'app.kubernetes.io/name' is not a Prometheus label name`}
    ${'release_gate in labels'}       | ${gate({ ...gateAlerts, labels: { release_gate: 'false' } })}           | ${`${c1}.labels: 'release_gate' is set by the ledger; leave it out`}
    ${'an unknown var in labels'}     | ${gate({ ...gateAlerts, labels: { team: '{{team}}' } })}                | ${`${c1}.labels: team: unknown variable {{team}}`}
    ${'no key check'}                 | ${{ standard: { checks: [{ ...errorRate, key: false }] } }}             | ${`${at}.standard.checks: needs at least one key check (key: true) that is not dryRun`}
    ${'only dry-run key checks'}      | ${{ standard: { checks: [{ ...errorRate, dryRun: true }] } }}           | ${'to try a gate without blocking, set dryRun on the gate'}
  `('names the path of $problem', ({ sets, message }) => {
    expect(() => parseGateSets(sets)).toThrow(message);
  });

  it('accepts a dry-run gate of dry-run checks', () => {
    const sets = parseGateSets({
      trial: { dryRun: true, checks: [{ ...errorRate, dryRun: true }] },
    });
    expect(sets.trial.dryRun).toBe(true);
  });

  it('reports every problem, one line each', () => {
    expect(() =>
      parseGateSets({
        standard: {
          checks: [
            errorRate,
            { ...errorRate, name: 'latency', noData: undefined, count: 'five' },
          ],
        },
      }),
    ).toThrow(
      new Error(
        [
          `${at}.standard.checks[1].count: must be a whole number`,
          // noData is checked once the fields themselves are valid
        ].join('\n'),
      ),
    );
    expect(() =>
      parseGateSets({
        standard: {
          checks: [{ ...errorRate, noData: undefined, condition: undefined }],
        },
      }),
    ).toThrow(
      new Error(
        [
          `${at}.standard.checks[0].condition: required for query checks, e.g. '< 0.01' or 'between 0.9 and 1'`,
          `${at}.standard.checks[0].noData: required, one of fail|pass|inconclusive`,
        ].join('\n'),
      ),
    );
  });
});

describe('parseGateDefinition', () => {
  it('reads one gate under the given path', () => {
    expect(parseGateDefinition('replay', { checks: [errorRate] }).name).toBe(
      'replay',
    );
    expect(() =>
      parseGateDefinition(
        'replay',
        { checks: [{ ...errorRate, noData: undefined }] },
        'gate',
      ),
    ).toThrow(
      new Error(
        'gate.checks[0].noData: required, one of fail|pass|inconclusive',
      ),
    );
  });
});
