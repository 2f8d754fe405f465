import {
  quotePromQLString,
  QueryTemplateError,
  QueryVariables,
  renderQuery,
  renderValueTemplate,
  validateQueryTemplate,
  validateValueTemplate,
} from './templates';

const vars: QueryVariables = {
  entity: 'payments',
  entityRef: 'component:default/payments',
  version: '1.42.0',
  environment: 'production',
  interval: '1m',
  annotations: {
    'prometheus.io/job': 'payments-api',
    'prometheus.io/metric': 'http_requests_total',
  },
};

const withAnnotation = (value: string): QueryVariables => ({
  ...vars,
  annotations: { 'prometheus.io/job': value },
});

describe('renderQuery', () => {
  it('fills every variable', () => {
    expect(
      renderQuery(
        'sum(rate({{annotation.prometheus.io/metric}}{job="{{annotation.prometheus.io/job}}",service="{{ entity }}",version="{{version}}",env="{{environment}}",ref="{{entityRef}}",code=~"5.."}[{{interval}}]))',
        vars,
      ),
    ).toBe(
      'sum(rate(http_requests_total{job="payments-api",service="payments",version="1.42.0",env="production",ref="component:default/payments",code=~"5.."}[1m]))',
    );
  });

  it.each`
    quoting               | template                                                   | value                        | rendered
    ${'double quotes'}    | ${'x{a="{{annotation.prometheus.io/job}}"}'}               | ${'"} or vector(1) #'}       | ${'x{a="\\"} or vector(1) #"}'}
    ${'double quotes'}    | ${'x{a="{{annotation.prometheus.io/job}}"}'}               | ${'a\\"} or vector(1) #'}    | ${'x{a="a\\\\\\"} or vector(1) #"}'}
    ${'double quotes'}    | ${'x{a="{{annotation.prometheus.io/job}}"}'}               | ${'a\n"} or vector(1)'}      | ${'x{a="a\\n\\"} or vector(1)"}'}
    ${'double quotes'}    | ${'x{a="{{annotation.prometheus.io/job}}"}'}               | ${'tab\there\r\u0000\u007f'} | ${'x{a="tab\\there\\r\\x00\\x7f"}'}
    ${'double quotes'}    | ${'x{a="{{annotation.prometheus.io/job}}"}'}               | ${"it's"}                    | ${'x{a="it\'s"}'}
    ${'single quotes'}    | ${"x{a='{{annotation.prometheus.io/job}}'}"}               | ${"'} or vector(1) #"}       | ${"x{a='\\'} or vector(1) #'}"}
    ${'single quotes'}    | ${"x{a='{{annotation.prometheus.io/job}}'}"}               | ${'say "hi"'}                | ${'x{a=\'say "hi"\'}'}
    ${'a regex matcher'}  | ${'x{a=~"{{annotation.prometheus.io/job}}"}'}              | ${'.*'}                      | ${'x{a=~"\\\\.\\\\*"}'}
    ${'a regex matcher'}  | ${'x{a!~ "{{annotation.prometheus.io/job}}"}'}             | ${'a|b'}                     | ${'x{a!~ "a\\\\|b"}'}
    ${'a regex matcher'}  | ${'x{a=~\n\t"{{annotation.prometheus.io/job}}"}'}          | ${'a.b'}                     | ${'x{a=~\n\t"a\\\\.b"}'}
    ${'no regex matcher'} | ${'x{a= ~"{{annotation.prometheus.io/job}}"}'}             | ${'a.b'}                     | ${'x{a= ~"a.b"}'}
    ${'no regex matcher'} | ${'x{a="b"}=~x + y{c="{{annotation.prometheus.io/job}}"}'} | ${'a.b'}                     | ${'x{a="b"}=~x + y{c="a.b"}'}
    ${'a raw string'}     | ${'x{a=`{{annotation.prometheus.io/job}}`}'}               | ${'"} or vector(1) #\\'}     | ${'x{a=`"} or vector(1) #\\`}'}
    ${'braces'}           | ${'x{a="{{annotation.prometheus.io/job}}"}'}               | ${'{{version}}'}             | ${'x{a="{{version}}"}'}
  `(
    'escapes a hostile value inside $quoting: $value',
    ({ template, value, rendered }) => {
      expect(renderQuery(template, withAnnotation(value))).toBe(rendered);
    },
  );

  it.each`
    where                    | template                                       | value
    ${'a selector'}          | ${'x{{annotation.prometheus.io/job}}'}         | ${'{a="b"} or vector(1)'}
    ${'a metric name'}       | ${'{{annotation.prometheus.io/job}}{a="b"}'}   | ${'up or vector(1)'}
    ${'a metric name'}       | ${'{{annotation.prometheus.io/job}}'}          | ${'up\nor vector(1)'}
    ${'a metric name'}       | ${'{{annotation.prometheus.io/job}}'}          | ${'up#'}
    ${'a metric name'}       | ${'{{annotation.prometheus.io/job}}'}          | ${'a-b'}
    ${'a comment'}           | ${'up # {{annotation.prometheus.io/job}}'}     | ${'x\nor vector(1)'}
    ${'code after a string'} | ${'x{a="b"} {{annotation.prometheus.io/job}}'} | ${'or vector(1)'}
    ${'a raw string'}        | ${'x{a=`{{annotation.prometheus.io/job}}`}'}   | ${'`} or vector(1) #'}
  `('rejects an unsafe value in $where: $value', ({ template, value }) => {
    expect(() => renderQuery(template, withAnnotation(value))).toThrow(
      QueryTemplateError,
    );
  });

  it('accepts a safe value outside quotes, such as a metric name', () => {
    expect(
      renderQuery(
        '{{annotation.prometheus.io/job}}',
        withAnnotation('job:requests:rate5m'),
      ),
    ).toBe('job:requests:rate5m');
  });

  it.each`
    problem                              | template                        | vars                                         | message
    ${'an unknown variable'}             | ${'x{a="{{team}}"}'}            | ${vars}                                      | ${'unknown variable {{team}}; known: {{entity}}, {{entityRef}}, {{version}}, {{environment}}, {{interval}}, {{annotation.<key>}}'}
    ${'a key on a plain variable'}       | ${'x{a="{{entity.name}}"}'}     | ${vars}                                      | ${'unknown variable {{entity.name}}'}
    ${'an annotation without key'}       | ${'x{a="{{annotation}}"}'}      | ${vars}                                      | ${'{{annotation}} needs a key'}
    ${'a missing annotation'}            | ${'x{a="{{annotation.team}}"}'} | ${vars}                                      | ${"{{annotation.team}}: the entity has no annotation 'team'"}
    ${'a missing value'}                 | ${'x{a="{{version}}"}'}         | ${{ ...vars, version: undefined }}           | ${'{{version}}: no value for this release'}
    ${'an empty value'}                  | ${'x{a="{{version}}"}'}         | ${{ ...vars, version: '' }}                  | ${'{{version}}: the value is empty'}
    ${'an interval that is no duration'} | ${'rate(x[{{interval}}])'}      | ${{ ...vars, interval: '1 minute' }}         | ${"{{interval}}: '1 minute' is not a PromQL duration like 1m or 30s"}
    ${'an injected interval'}            | ${'rate(x[{{interval}}])'}      | ${{ ...vars, interval: '1m]) or vector(1' }} | ${'is not a PromQL duration'}
    ${'an interval in quotes'}           | ${'x{a="{{interval}}"}'}        | ${{ ...vars, interval: '5' }}                | ${'is not a PromQL duration'}
    ${'an unclosed placeholder'}         | ${'x{a="{{entity"}'}            | ${vars}                                      | ${"unclosed '{{' at position 5"}
    ${'a malformed placeholder'}         | ${'x{a="{{ two words }}"}'}     | ${vars}                                      | ${'malformed placeholder {{ two words }}'}
    ${'an unterminated string'}          | ${'x{a="{{entity}}}'}           | ${vars}                                      | ${'unterminated string literal: missing closing "'}
    ${'a newline in a string'}           | ${'x{a="b\n"}'}                 | ${vars}                                      | ${'unterminated string literal: newline at position 6'}
  `('rejects $problem', ({ template, vars: values, message }) => {
    expect(() => renderQuery(template, values)).toThrow(message);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    "finds no annotation '%s' that the entity does not have (own keys only)",
    key => {
      expect(() =>
        renderQuery(`x{a="{{annotation.${key}}}"}`, {
          ...vars,
          annotations: JSON.parse('{"team":"payments"}'),
        }),
      ).toThrow(
        new QueryTemplateError(
          `{{annotation.${key}}}: the entity has no annotation '${key}'`,
        ),
      );
    },
  );

  it('leaves escaped quotes in the template alone', () => {
    expect(renderQuery('x{a="say \\"{{entity}}\\""}', vars)).toBe(
      'x{a="say \\"payments\\""}',
    );
  });
});

describe('validateQueryTemplate', () => {
  it('accepts a template without knowing the values', () => {
    expect(
      validateQueryTemplate('rate(x{a="{{annotation.team}}"}[{{interval}}])'),
    ).toBeUndefined();
  });

  it('names the problem', () => {
    expect(validateQueryTemplate('x{a="{{team}}"}')).toMatch(
      /^unknown variable \{\{team\}\}/,
    );
  });
});

describe('renderValueTemplate', () => {
  it('substitutes values as they are, for the consumer to escape', () => {
    expect(
      renderValueTemplate(
        '{{entity}}-{{annotation.prometheus.io/job}}',
        withAnnotation('"x"'),
      ),
    ).toBe('payments-"x"');
    expect(validateValueTemplate('{{team}}')).toMatch(/unknown variable/);
    expect(validateValueTemplate('{{entity}}"')).toBeUndefined();
  });
});

describe('quotePromQLString', () => {
  it('writes a double-quoted literal that cannot be escaped from', () => {
    expect(quotePromQLString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });
});
