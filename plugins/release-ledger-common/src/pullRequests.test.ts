import fs from 'node:fs';
import path from 'node:path';
import {
  PR_TEMPLATE_FIELDS,
  prTemplateField,
  readPrTemplateFields,
} from './pullRequests';

const TEMPLATE = fs.readFileSync(
  path.resolve(__dirname, '../../../examples/PULL_REQUEST_TEMPLATE.md'),
  'utf8',
);

/** The example template with text written under the given headings. */
function fromTemplate(answers: Record<string, string>): string {
  let body = TEMPLATE;
  for (const [heading, text] of Object.entries(answers)) {
    body = body.replace(`## ${heading}\n`, `## ${heading}\n\n${text}\n`);
  }
  return body;
}

function missingNames(
  body: string,
  fields?: Parameters<typeof readPrTemplateFields>[1],
) {
  return readPrTemplateFields(body, fields).missing.map(m => m.field);
}

describe('readPrTemplateFields', () => {
  it('reports all three required fields of the untouched example template', () => {
    const reading = readPrTemplateFields(TEMPLATE);
    expect(reading.fields).toEqual({});
    expect(reading.missing).toEqual([
      {
        field: 'risk',
        label: 'Risk',
        problem: expect.stringMatching(/^is missing: nothing is written/),
      },
      {
        field: 'flags',
        label: 'Feature flags',
        problem: expect.stringMatching(/^is missing: nothing is written/),
      },
      {
        field: 'rollback',
        label: 'Rollback criteria',
        problem: expect.stringMatching(/^is missing: nothing is written/),
      },
    ]);
  });

  it('reads the example template filled in', () => {
    const body = fromTemplate({
      Summary: 'Rounds refunds half-even.',
      Risk: 'Medium: changes how refunds are rounded',
      'Feature flags': '`payments.new-rounding` (off)',
      'Rollback criteria':
        '- refund error rate above 0.5% for 10 minutes\n- any refund off by more than 1 cent',
    });
    expect(readPrTemplateFields(body)).toEqual({
      fields: {
        risk: 'medium',
        flags: '`payments.new-rounding` (off)',
        rollback:
          '- refund error rate above 0.5% for 10 minutes\n- any refund off by more than 1 cent',
      },
      missing: [],
    });
  });

  it('reads the same body with CRLF line ends', () => {
    const body = fromTemplate({
      Risk: 'low',
      'Feature flags': 'none',
      'Rollback criteria': 'p99 latency above 800ms',
    }).replace(/\n/g, '\r\n');
    expect(readPrTemplateFields(body)).toEqual({
      fields: {
        risk: 'low',
        flags: 'none',
        rollback: 'p99 latency above 800ms',
      },
      missing: [],
    });
  });

  it.each([
    [
      'headings of other levels with colons and explanations',
      '# Risk:\nhigh\n#### Feature flags (if any)\nNone\n### Rollback criteria — when do we roll back?\nerror budget burn > 2x',
    ],
    [
      'bold labels with the colon inside',
      '**Risk:** high\n**Feature flags:** none\n**Rollback criteria:** error budget burn > 2x',
    ],
    [
      'bold labels with the colon outside',
      '**Risk**: High\n**Feature flags**: N/A\n**Rollback criteria**: error budget burn > 2x',
    ],
    [
      'plain label lines',
      'Risk: HIGH\nFeature flags: n/a\nRollback criteria: error budget burn > 2x',
    ],
    [
      'a list of labels under another heading',
      '## Checklist\n- Risk: high\n- Flags: none\n- Rollback: error budget burn > 2x\n\n## Notes\nnothing',
    ],
    [
      'headings with emoji and emphasis',
      '## ⚠️ Risk\n**high**\n## 🚩 _Feature flags_\nnone\n## ↩️ Rollback criteria\nerror budget burn > 2x',
    ],
    [
      'bold labels alone on their line, answered below',
      '**Risk**\n\nhigh\n\n**Feature flags**\n\nnone\n\n**Rollback criteria**\n\n- error budget burn > 2x',
    ],
    [
      'ticked checkboxes',
      '## Risk\n- [ ] low\n- [ ] medium\n- [x] high\n## Feature flags\n* [X] none\n## Rollback criteria\n- [x] error budget burn > 2x\n- [ ] manual judgement',
    ],
    [
      'answers on the heading line',
      '## Risk: high\n## Feature flags: none\n## Rollback criteria: error budget burn > 2x',
    ],
  ])('reads %s', (_, body) => {
    const reading = readPrTemplateFields(body);
    expect(reading.missing).toEqual([]);
    expect(reading.fields.risk).toBe('high');
    expect(reading.fields.flags.toLowerCase()).toMatch(/^(none|n\/a)$/);
    expect(reading.fields.rollback).toMatch(/error budget burn > 2x$/);
  });

  it('keeps the whole section under a heading, sub-headings and other labels included', () => {
    const body = [
      '## Rollback criteria',
      'Roll back when either holds for 10 minutes:',
      '',
      '- 5xx rate above 1%',
      '**Owner:** @payments-oncall',
      '### How',
      '`kubectl argo rollouts undo payments`',
      '## Testing',
      'unit tests',
    ].join('\n');
    expect(readPrTemplateFields(body, ['rollback']).fields.rollback).toBe(
      [
        'Roll back when either holds for 10 minutes:',
        '- 5xx rate above 1%',
        '**Owner:** @payments-oncall',
        '### How',
        '`kubectl argo rollouts undo payments`',
      ].join('\n'),
    );
  });

  it("a label's answer ends at the paragraph, or continues as a list", () => {
    const body = [
      '**Rollback criteria:**',
      '',
      '- 5xx rate above 1%',
      '',
      '- p99 above 2s',
      '',
      'Unrelated closing words.',
    ].join('\n');
    expect(readPrTemplateFields(body, ['rollback']).fields.rollback).toBe(
      '- 5xx rate above 1%\n- p99 above 2s',
    );
  });

  it('ignores headings and labels inside code blocks', () => {
    const body = [
      '## Summary',
      '```md',
      '## Risk',
      'low',
      'Rollback criteria: none needed',
      '```',
      '~~~',
      '**Feature flags:** none',
      '~~~',
    ].join('\n');
    expect(missingNames(body)).toEqual(['risk', 'flags', 'rollback']);
  });

  it('keeps code blocks as part of an answer', () => {
    const body =
      '## Rollback criteria\n```\n## not a heading\nerror rate > 1%\n```';
    expect(readPrTemplateFields(body, ['rollback']).fields.rollback).toBe(
      '```\n## not a heading\nerror rate > 1%\n```',
    );
  });

  it('ignores other sections and does not read unknown labels as fields', () => {
    const body = [
      'Note: risk is low',
      'Riskiness: low',
      '## Risky bits',
      'low',
      '## Risk',
      'low',
    ].join('\n');
    const reading = readPrTemplateFields(body, ['risk']);
    expect(reading).toEqual({ fields: { risk: 'low' }, missing: [] });
  });

  describe('counts as missing', () => {
    it.each([
      [
        'no such section',
        '## Summary\nstuff',
        /^is missing: add a "## Risk" section \(or a "Risk:" line\)/,
      ],
      [
        'an empty section',
        '## Risk\n\n## Testing\nyes',
        /^is missing: nothing is written under it/,
      ],
      [
        'only a comment',
        '## Risk\n<!-- low / medium / high -->\n',
        /^is missing: nothing is written under it/,
      ],
      [
        'an unclosed comment',
        '## Risk\n<!-- low / medium / high\nlow',
        /^is missing: nothing is written under it/,
      ],
      [
        'a label with nothing after it',
        '**Risk:**\n\n**Testing:** yes',
        /^is missing: nothing is written/,
      ],
      [
        'only a thematic break',
        '## Risk\n\n---\n\n## Testing',
        /^is missing: nothing is written/,
      ],
      [
        'unticked checkboxes',
        '## Risk\n- [ ] low\n- [ ] medium\n- [ ] high',
        /^is missing: none of its checkboxes is ticked/,
      ],
      [
        'the untouched choice',
        'Risk: low / medium / high',
        /^is missing: pick one of low, medium, high$/,
      ],
      [
        'a choice written with or',
        '## Risk\nLow or High',
        /^is missing: pick one of low, medium, high$/,
      ],
      [
        'TBD',
        '## Risk\nTBD',
        /^is missing: "TBD" is the template's placeholder/,
      ],
      [
        'an angle-bracket placeholder',
        '## Risk\n<low|medium|high>',
        /^is missing: "<low\|medium\|high>" is the template's placeholder/,
      ],
    ])('risk: %s', (_, body, problem) => {
      const reading = readPrTemplateFields(body, ['risk']);
      expect(reading.fields).toEqual({});
      expect(reading.missing).toEqual([
        {
          field: 'risk',
          label: 'Risk',
          problem: expect.stringMatching(problem),
        },
      ]);
    });

    it.each([
      ['moderate', 'must be one of low, medium, high (got "moderate")'],
      ['medium-high', 'must be one of low, medium, high (got "medium-high")'],
      ['n/a', 'must be one of low, medium, high (got "n/a")'],
      [
        '- [x] low\n- [ ] medium\n- [x] high',
        'must be one of low, medium, high: tick one (ticked: low, high)',
      ],
    ])('risk: "%s" is not one of the allowed values', (answer, problem) => {
      expect(
        readPrTemplateFields(`## Risk\n${answer}`, ['risk']).missing,
      ).toEqual([{ field: 'risk', label: 'Risk', problem }]);
    });

    it.each(['n/a', 'N/A', 'None', 'none.', '-', 'Not applicable', '_n/a_'])(
      'rollback criteria "%s" (but feature flags may say it)',
      answer => {
        const body = `## Feature flags\n${answer}\n## Rollback criteria\n${answer}`;
        const reading = readPrTemplateFields(body, ['flags', 'rollback']);
        expect(reading.fields).toEqual({ flags: answer });
        expect(reading.missing).toEqual([
          {
            field: 'rollback',
            label: 'Rollback criteria',
            problem: expect.stringMatching(
              /^is missing: ".+" is not an answer here; write what would make you roll back/,
            ),
          },
        ]);
      },
    );

    it("the template's own text, when the template is given", () => {
      const template =
        '## Rollback criteria\nDescribe when you would roll back.\n';
      const reading = readPrTemplateFields(template, ['rollback'], {
        template,
      });
      expect(reading.missing).toEqual([
        {
          field: 'rollback',
          label: 'Rollback criteria',
          problem: expect.stringMatching(
            /^is missing: it still has the template's text/,
          ),
        },
      ]);
      expect(
        readPrTemplateFields(
          '## Rollback criteria\nerror rate above 1%',
          ['rollback'],
          { template },
        ).fields,
      ).toEqual({ rollback: 'error rate above 1%' });
    });
  });

  it('takes the first answered section when a field appears twice', () => {
    const body =
      '## Risk\n<!-- pick one -->\n\n## Summary\nRisk: high, touches billing';
    expect(readPrTemplateFields(body, ['risk'])).toEqual({
      fields: { risk: 'high' },
      missing: [],
    });
  });

  it('a section stops at the next required field even at a deeper level', () => {
    const body =
      '## Risk\nlow\n### Feature flags\nnone\n#### Rollback\nerror rate > 1%';
    expect(readPrTemplateFields(body).fields).toEqual({
      risk: 'low',
      flags: 'none',
      rollback: 'error rate > 1%',
    });
  });

  it('checks custom fields by name and label the same way', () => {
    const body = [
      '## How it was tested',
      '- [ ] unit tests',
      '- [ ] staging',
      '## Migration',
      'adds a nullable column; no backfill',
      '## Risk',
      'low',
    ].join('\n');
    const reading = readPrTemplateFields(body, [
      'risk',
      'testing=How it was tested',
      'Migration',
      { name: 'docs', label: 'Docs', allowNone: true },
    ]);
    expect(reading.fields).toEqual({
      risk: 'low',
      migration: 'adds a nullable column; no backfill',
    });
    expect(reading.missing).toEqual([
      {
        field: 'testing',
        label: 'How it was tested',
        problem: 'is missing: none of its checkboxes is ticked',
      },
      {
        field: 'docs',
        label: 'Docs',
        problem: 'is missing: add a "## Docs" section (or a "Docs:" line)',
      },
    ]);
  });

  it('checks nothing when no field is required', () => {
    expect(readPrTemplateFields('', [])).toEqual({ fields: {}, missing: [] });
  });
});

describe('prTemplateField', () => {
  it.each([
    ['risk', PR_TEMPLATE_FIELDS[0]],
    ['Risk', PR_TEMPLATE_FIELDS[0]],
    ['flags', PR_TEMPLATE_FIELDS[1]],
    ['Feature flags', PR_TEMPLATE_FIELDS[1]],
    ['rollback', PR_TEMPLATE_FIELDS[2]],
    ['rollback=Rollback criteria', PR_TEMPLATE_FIELDS[2]],
    ['rollback=Rollback plan', { name: 'rollback', label: 'Rollback plan' }],
    [
      'testing=How it was tested',
      { name: 'testing', label: 'How it was tested' },
    ],
    ['  Data migration ', { name: 'data-migration', label: 'Data migration' }],
  ])('%s', (spec, field) => {
    expect(prTemplateField(spec)).toEqual(field);
  });

  it.each(['', '  ', '=Label', 'name=', '!!!'])('refuses "%s"', spec => {
    expect(() => prTemplateField(spec)).toThrow(/required field|needs a name/);
  });
});
