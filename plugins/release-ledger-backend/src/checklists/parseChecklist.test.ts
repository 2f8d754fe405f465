import fs from 'node:fs';
import path from 'node:path';
import {
  ChecklistParseError,
  MAX_CHECKLIST_BYTES,
  MAX_CHECKLIST_ITEMS,
  parseChecklist,
} from './parseChecklist';

const texts = (markdown: string) =>
  parseChecklist(markdown).sections.map(s => ({
    phase: s.phase,
    items: s.items.map(i => i.text),
  }));

describe('parseChecklist', () => {
  it('reads the default template: three sections with owners, the seed’s items, required ones marked', () => {
    const template = fs.readFileSync(
      path.resolve(__dirname, '../../templates/RELEASE_CHECKLIST.md'),
      'utf8',
    );
    const checklist = parseChecklist(template);
    expect(checklist.title).toBe('Release checklist');
    expect(
      checklist.sections.map(s => [s.phase, s.title, s.ownerRole]),
    ).toEqual([
      ['pre', 'Pre-release', 'release engineer'],
      ['during', 'During release', 'on-call'],
      ['post', 'Post-release', 'on-call → PM'],
    ]);
    expect(checklist.sections.map(s => s.items.length)).toEqual([6, 5, 4]);
    expect(
      checklist.sections[0].items.filter(i => i.required).map(i => i.id),
    ).toEqual([
      'pre.validate-the-changelog-generated-from-conventional-commits-c',
      'pre.confirm-feature-flags-default-off-for-risky-paths',
      'pre.verify-database-migrations-are-backwards-compatible-and-behi',
    ]);
    // The note to editors at the top is a comment: none of it is read.
    expect(checklist.warnings).toEqual([]);
  });

  it('ships the same template in examples/', () => {
    const read = (p: string) =>
      fs.readFileSync(path.resolve(__dirname, p), 'utf8');
    expect(read('../../../../examples/RELEASE_CHECKLIST.md')).toBe(
      read('../../templates/RELEASE_CHECKLIST.md'),
    );
  });

  it('reads nested items, every list marker, ticked boxes and text continued on the next lines', () => {
    const markdown = [
      '## Before the release',
      '',
      '- [ ] Database',
      '  - [ ] Migrations are backwards-compatible',
      '    * [x] Checked on a copy of production',
      '+ [ ] Flags',
      '1. [ ] Numbered item',
      '2) [ ] Other numbering',
      '- [ ] An item whose text',
      '  goes on here',
      'and lazily here.',
      '',
      'A paragraph that is not part of any item.',
      '### Database (a subsection keeps its items in the section)',
      '- [ ] Backup taken',
    ].join('\n');
    expect(texts(markdown)).toEqual([
      {
        phase: 'pre',
        items: [
          'Database',
          'Migrations are backwards-compatible',
          'Checked on a copy of production',
          'Flags',
          'Numbered item',
          'Other numbering',
          'An item whose text goes on here and lazily here.',
          'Backup taken',
        ],
      },
    ]);
  });

  it('skips fenced code blocks, with either fence and longer closing fences', () => {
    const markdown = [
      '## Pre-release',
      '- [ ] Real item',
      '```md',
      '## Post-release',
      '- [ ] Not an item: it is an example in a code block',
      '```',
      '~~~~',
      '- [ ] Not an item either',
      '```',
      '- [ ] Still inside: a ``` fence does not close a ~~~~ one',
      '~~~~~',
      '- [ ] Second real item',
    ].join('\n');
    expect(texts(markdown)).toEqual([
      { phase: 'pre', items: ['Real item', 'Second real item'] },
    ]);
  });

  it('reads CRLF and CR line endings and a byte-order mark like LF', () => {
    const lines = [
      '# Checklist',
      '## Post-release (owner: PM)',
      '- [ ] Summary posted (required)',
      '- [ ] Digest sent',
    ];
    const expected = parseChecklist(lines.join('\n'));
    expect(parseChecklist(`\uFEFF${lines.join('\r\n')}`)).toEqual(expected);
    expect(parseChecklist(lines.join('\r'))).toEqual(expected);
    expect(expected.sections[0]).toMatchObject({
      phase: 'post',
      ownerRole: 'PM',
      items: [
        { text: 'Summary posted', required: true, line: 3 },
        { text: 'Digest sent', required: false, line: 4 },
      ],
    });
  });

  it('reads headings in other languages by their marker, and unicode item text with stable ids', () => {
    const markdown = [
      '# Liste de contrôle',
      '## Avant la mise en production (owner: ingénieur de release) <!-- release-ledger: pre -->',
      '- [ ] Vérifier les migrations <!-- required -->',
      '- [ ] Vérifier les migrations',
      '## リリース中 <!-- release-ledger: during -->',
      '- [ ] カナリアを 10% でデプロイする 🚀',
      '## Nach dem Release <!-- release-ledger: post-release -->',
      '- [ ] Zusammenfassung posten',
    ].join('\n');
    const checklist = parseChecklist(markdown);
    expect(
      checklist.sections.map(s => ({
        phase: s.phase,
        title: s.title,
        owner: s.ownerRole,
        items: s.items.map(i => [i.id, i.text, i.required]),
      })),
    ).toEqual([
      {
        phase: 'pre',
        title: 'Avant la mise en production',
        owner: 'ingénieur de release',
        items: [
          ['pre.verifier-les-migrations', 'Vérifier les migrations', true],
          ['pre.verifier-les-migrations-2', 'Vérifier les migrations', false],
        ],
      },
      {
        phase: 'during',
        title: 'リリース中',
        owner: undefined,
        items: [
          [
            'during.カナリアを-10-でデプロイする',
            'カナリアを 10% でデプロイする 🚀',
            false,
          ],
        ],
      },
      {
        phase: 'post',
        title: 'Nach dem Release',
        owner: undefined,
        items: [
          ['post.zusammenfassung-posten', 'Zusammenfassung posten', false],
        ],
      },
    ]);
  });

  it('puts the sections in phase order and merges a repeated phase into the first, with a warning', () => {
    const checklist = parseChecklist(
      [
        '## Post-release',
        '- [ ] c',
        '## Pre-release',
        '- [ ] a',
        '## Pre-deployment',
        '- [ ] b',
      ].join('\n'),
    );
    expect(
      checklist.sections.map(s => [s.phase, s.items.map(i => i.text)]),
    ).toEqual([
      ['pre', ['a', 'b']],
      ['post', ['c']],
    ]);
    expect(checklist.warnings).toEqual([
      'line 5: a second pre-release section; its items are added to the first',
    ]);
  });

  it('warns about plain bullets in a section and items outside any section, and ends a section at a sibling heading', () => {
    const checklist = parseChecklist(
      [
        '- [ ] Before any section',
        '## Pre-release',
        '- A plain bullet, not an item',
        '- [ ] An item',
        '## Links',
        '- [ ] After a heading that is not a phase',
      ].join('\n'),
    );
    expect(checklist.sections).toEqual([
      {
        phase: 'pre',
        title: 'Pre-release',
        items: [
          { id: 'pre.an-item', text: 'An item', required: false, line: 4 },
        ],
      },
    ]);
    expect(checklist.warnings).toEqual([
      '1 list line(s) in the sections have no "[ ]" and are not items',
      '2 item(s) outside a pre/during/post-release section are not read',
    ]);
  });

  it('refuses a file without any section, saying how to write one', () => {
    expect(() => parseChecklist('# Notes\n- [ ] something\n')).toThrow(
      /no pre-release, during-release or post-release section: start each with a heading such as "## Pre-release \(owner: release engineer\)"/,
    );
  });

  it('refuses a huge file and a file with too many items, with a clear message', () => {
    const huge = `## Pre-release\n${'- [ ] item\n'.repeat(
      MAX_CHECKLIST_BYTES / 10,
    )}`;
    expect(() => parseChecklist(huge)).toThrow(ChecklistParseError);
    expect(() => parseChecklist(huge)).toThrow(
      `the checklist is ${Math.ceil(
        huge.length / 1024,
      )} KiB; at most 64 KiB is read`,
    );
    // Bytes, not characters: 30,000 three-byte characters are 88 KiB.
    expect(() =>
      parseChecklist(`## Pre-release\n${'デ'.repeat(30_000)}`),
    ).toThrow('the checklist is 88 KiB');
    const long = `## Pre-release\n${Array.from(
      { length: MAX_CHECKLIST_ITEMS + 1 },
      (_, i) => `- [ ] item ${i}`,
    ).join('\n')}`;
    expect(() => parseChecklist(long)).toThrow(
      `line ${MAX_CHECKLIST_ITEMS + 2}: more than ${MAX_CHECKLIST_ITEMS} items`,
    );
  });
});
