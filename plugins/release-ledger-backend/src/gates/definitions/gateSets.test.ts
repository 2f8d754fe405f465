import { JsonValue } from '@backstage/types';
import { ConfigReader } from '@backstage/config';
import { chooseGate, readGateSets } from './gateSets';

const check = {
  name: 'error-rate',
  query: 'sum(rate(errors_total{service="{{entity}}"}[{{interval}}]))',
  condition: '< 1',
  noData: 'fail',
};

function config(gates: JsonValue) {
  return new ConfigReader({ releaseLedger: { gates } });
}

describe('readGateSets', () => {
  it('reads the gate sets, none when absent', () => {
    expect(readGateSets(new ConfigReader({}), [])).toEqual({});
    const sets = readGateSets(config({ standard: { checks: [check] } }), [
      'prometheus',
    ]);
    expect(sets.standard).toMatchObject({
      name: 'standard',
      provider: 'prometheus',
      checks: [{ name: 'error-rate', count: 5 }],
    });
  });

  it('names the config path of a bad definition', () => {
    expect(() =>
      readGateSets(
        config({ standard: { checks: [{ ...check, noData: undefined }] } }),
        ['prometheus'],
      ),
    ).toThrow(
      'releaseLedger.gates.standard.checks[0].noData: required, one of fail|pass|inconclusive',
    );
  });

  it('stops startup when a gate names a provider that is not registered', () => {
    expect(() =>
      readGateSets(config({ standard: { checks: [check] } }), []),
    ).toThrow(
      "releaseLedger.gates.standard.provider: no gate metric provider 'prometheus' is registered; registered: none (configure releaseLedger.prometheus, or install a provider module)",
    );
    expect(() =>
      readGateSets(config({ dd: { provider: 'datadog', checks: [check] } }), [
        'prometheus',
      ]),
    ).toThrow(
      "releaseLedger.gates.dd.provider: no gate metric provider 'datadog' is registered; registered: prometheus",
    );
  });
});

describe('chooseGate', () => {
  const sets = readGateSets(
    config({
      default: { checks: [check] },
      strict: { checks: [check] },
    }),
    ['prometheus'],
  );
  const entityRef = 'component:default/payments';

  it.each`
    requested    | annotations                               | gate
    ${'strict'}  | ${undefined}                              | ${'strict'}
    ${'default'} | ${{ 'release-ledger/gates': 'strict' }}   | ${'default'}
    ${undefined} | ${{ 'release-ledger/gates': ' strict ' }} | ${'strict'}
    ${undefined} | ${{}}                                     | ${'default'}
    ${undefined} | ${undefined}                              | ${'default'}
  `(
    'chooses $gate for request $requested and annotations $annotations',
    ({ requested, annotations, gate }) => {
      const choice = chooseGate(sets, { requested, annotations, entityRef });
      expect(choice.ok && choice.gate.name).toBe(gate);
    },
  );

  it('refuses unknown gates, naming the field', () => {
    expect(chooseGate(sets, { requested: 'nope', entityRef })).toEqual({
      ok: false,
      message: "gate: unknown gate 'nope'; configured: default, strict",
    });
    expect(
      chooseGate(sets, {
        entityRef,
        annotations: { 'release-ledger/gates': 'nope' },
      }),
    ).toEqual({
      ok: false,
      message:
        "gate: component:default/payments names gate set 'nope' in its release-ledger/gates annotation, which is not configured; configured: default, strict",
    });
  });

  it('refuses an entity without a gate set when there is no default', () => {
    expect(chooseGate({ strict: sets.strict }, { entityRef })).toEqual({
      ok: false,
      message:
        'gate: component:default/payments has no gate set: give it the annotation release-ledger/gates, configure releaseLedger.gates.default, or name a gate in the request',
    });
  });
});
