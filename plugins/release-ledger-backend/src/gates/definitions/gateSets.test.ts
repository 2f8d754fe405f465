import { JsonValue } from '@backstage/types';
import { ConfigReader } from '@backstage/config';
import { DEFAULT_GATE_LIMITS, GateLimits } from './gateLimits';
import { chooseGate, readGateSets as readWithLimits } from './gateSets';

const check = {
  name: 'error-rate',
  query: 'sum(rate(errors_total{service="{{entity}}"}[{{interval}}]))',
  condition: '< 1',
  noData: 'fail',
};

function config(gates: JsonValue) {
  return new ConfigReader({ releaseLedger: { gates } });
}

const readGateSets = (
  c: ConfigReader,
  providerIds: string[],
  limits: GateLimits = DEFAULT_GATE_LIMITS,
) => readWithLimits(c, providerIds, limits);

describe('readGateSets', () => {
  it('reads the gate sets, none when absent', () => {
    expect(readGateSets(new ConfigReader({}), [])).toEqual(new Map());
    const sets = readGateSets(config({ standard: { checks: [check] } }), [
      'prometheus',
    ]);
    expect(sets.get('standard')).toMatchObject({
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

  it('stops startup when a gate has more checks than releaseLedger.gateLimits.maxChecksPerGate', () => {
    const checks = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ ...check, name: `c${i}` }));
    const limits = { ...DEFAULT_GATE_LIMITS, maxChecksPerGate: 3 };
    expect(
      readGateSets(
        config({ standard: { checks: checks(3) } }),
        ['prometheus'],
        limits,
      ).get('standard')?.checks,
    ).toHaveLength(3);
    expect(() =>
      readGateSets(
        config({ standard: { checks: checks(4) } }),
        ['prometheus'],
        limits,
      ),
    ).toThrow(
      'releaseLedger.gates.standard.checks: must have at most 3 checks (releaseLedger.gateLimits.maxChecksPerGate), got 4',
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

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    "finds no gate set named '%s', an object's inherited key",
    name => {
      expect(chooseGate(sets, { requested: name, entityRef })).toEqual({
        ok: false,
        message: `gate: unknown gate '${name}'; configured: default, strict`,
      });
      expect(
        chooseGate(sets, {
          entityRef,
          annotations: { 'release-ledger/gates': name },
        }),
      ).toEqual({
        ok: false,
        message: `gate: component:default/payments names gate set '${name}' in its release-ledger/gates annotation, which is not configured; configured: default, strict`,
      });
    },
  );

  it('finds a gate set named constructor when one is configured', () => {
    const own = readGateSets(config({ constructor: { checks: [check] } }), [
      'prometheus',
    ]);
    const choice = chooseGate(own, { requested: 'constructor', entityRef });
    expect(choice.ok && choice.gate.name).toBe('constructor');
  });

  it('refuses an entity without a gate set when there is no default', () => {
    expect(
      chooseGate(new Map([['strict', sets.get('strict')!]]), { entityRef }),
    ).toEqual({
      ok: false,
      message:
        'gate: component:default/payments has no gate set: give it the annotation release-ledger/gates, configure releaseLedger.gates.default, or name a gate in the request',
    });
  });
});
