import {
  describeViolation,
  evaluateCondition,
  formatCondition,
  formatGateValue,
  GateCondition,
  parseCondition,
} from './conditions';

describe('parseCondition', () => {
  it.each`
    input                                  | condition
    ${'< 0.01'}                            | ${{ op: '<', value: 0.01 }}
    ${'<= 300'}                            | ${{ op: '<=', value: 300 }}
    ${'> 0'}                               | ${{ op: '>', value: 0 }}
    ${'>= 0.99'}                           | ${{ op: '>=', value: 0.99 }}
    ${'>=0.99'}                            | ${{ op: '>=', value: 0.99 }}
    ${'  < -1 '}                           | ${{ op: '<', value: -1 }}
    ${'< 1e-3'}                            | ${{ op: '<', value: 0.001 }}
    ${'< .5'}                              | ${{ op: '<', value: 0.5 }}
    ${'between 0.9 and 1.0'}               | ${{ op: 'between', min: 0.9, max: 1 }}
    ${'BETWEEN 1 AND 1'}                   | ${{ op: 'between', min: 1, max: 1 }}
    ${{ op: '<', value: 0.01 }}            | ${{ op: '<', value: 0.01 }}
    ${{ op: '>=', value: 0.99 }}           | ${{ op: '>=', value: 0.99 }}
    ${{ min: 0.9, max: 1 }}                | ${{ op: 'between', min: 0.9, max: 1 }}
    ${{ op: 'between', min: 0.9, max: 1 }} | ${{ op: 'between', min: 0.9, max: 1 }}
  `('reads $input', ({ input, condition }) => {
    expect(parseCondition(input)).toEqual(condition);
  });

  it.each`
    input                              | message
    ${'0.01'}                          | ${"must be like '< 0.01'"}
    ${'== 1'}                          | ${"got '== 1'"}
    ${'< 1%'}                          | ${"got '< 1%'"}
    ${'< 0.01 or vector(1)'}           | ${'must be like'}
    ${'between 1 and'}                 | ${'must be like'}
    ${'between 2 and 1'}               | ${'range must go from low to high, got 2 to 1'}
    ${'< 1e999'}                       | ${'1e999 is not a finite number'}
    ${{ min: 2, max: 1 }}              | ${'range must go from low to high'}
    ${{ op: '=', value: 1 }}           | ${'must be like'}
    ${{ op: '<', value: '0.01' }}      | ${'value must be a finite number, got 0.01'}
    ${{ op: '<', value: 1, extra: 1 }} | ${'must be like'}
    ${{ min: 0.9 }}                    | ${'must be like'}
    ${{ min: 0.9, max: Infinity }}     | ${'max must be a finite number'}
    ${0.01}                            | ${'got 0.01'}
    ${null}                            | ${'got null'}
    ${['<', 1]}                        | ${'must be like'}
  `('rejects $input', ({ input, message }) => {
    expect(() => parseCondition(input)).toThrow(message);
  });

  it.each(['< 0.01', '<= 300', '> -2', '>= 0.99', 'between 0.9 and 1'])(
    'formats %s back to the text it reads',
    text => {
      expect(formatCondition(parseCondition(text))).toBe(text);
    },
  );
});

describe('evaluateCondition', () => {
  const range: GateCondition = { op: 'between', min: 0.9, max: 1 };
  it.each`
    value       | condition                    | passes
    ${0.009}    | ${{ op: '<', value: 0.01 }}  | ${true}
    ${0.01}     | ${{ op: '<', value: 0.01 }}  | ${false}
    ${0.01}     | ${{ op: '<=', value: 0.01 }} | ${true}
    ${0.011}    | ${{ op: '<=', value: 0.01 }} | ${false}
    ${1}        | ${{ op: '>', value: 0 }}     | ${true}
    ${0}        | ${{ op: '>', value: 0 }}     | ${false}
    ${0.99}     | ${{ op: '>=', value: 0.99 }} | ${true}
    ${0.98}     | ${{ op: '>=', value: 0.99 }} | ${false}
    ${0.9}      | ${range}                     | ${true}
    ${1}        | ${range}                     | ${true}
    ${0.89}     | ${range}                     | ${false}
    ${1.01}     | ${range}                     | ${false}
    ${Infinity} | ${{ op: '<', value: 0.01 }}  | ${false}
    ${NaN}      | ${{ op: '<', value: 0.01 }}  | ${false}
    ${NaN}      | ${{ op: '>=', value: 0 }}    | ${false}
  `('$value against $condition.op: $passes', ({ value, condition, passes }) => {
    expect(evaluateCondition(value, condition)).toBe(passes);
  });
});

describe('describeViolation', () => {
  it.each`
    value        | condition                              | text
    ${0.034}     | ${{ op: '<', value: 0.01 }}            | ${'0.034 > 0.01'}
    ${0.01}      | ${{ op: '<', value: 0.01 }}            | ${'0.01 = 0.01'}
    ${0.0100004} | ${{ op: '<', value: 0.01 }}            | ${'0.0100004 > 0.01'}
    ${312.4567}  | ${{ op: '<=', value: 300 }}            | ${'312.457 > 300'}
    ${0.98}      | ${{ op: '>=', value: 0.99 }}           | ${'0.98 < 0.99'}
    ${0.85}      | ${{ op: 'between', min: 0.9, max: 1 }} | ${'0.85 < 0.9 (min)'}
    ${1.2}       | ${{ op: 'between', min: 0.9, max: 1 }} | ${'1.2 > 1 (max)'}
    ${Infinity}  | ${{ op: '<', value: 0.01 }}            | ${'+Inf > 0.01'}
  `('$value: $text', ({ value, condition, text }) => {
    expect(describeViolation(value, condition)).toBe(text);
  });
});

describe('formatGateValue', () => {
  it.each`
    value          | text
    ${0.03412345}  | ${'0.03412'}
    ${0.000012346} | ${'0.00001235'}
    ${123456.7891} | ${'123456.789'}
    ${-Infinity}   | ${'-Inf'}
    ${NaN}         | ${'NaN'}
  `('$value as $text', ({ value, text }) => {
    expect(formatGateValue(value)).toBe(text);
  });
});
