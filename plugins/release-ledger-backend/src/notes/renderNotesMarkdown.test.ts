import {
  ReleaseNoteEntry,
  ReleaseNotes,
} from '@release-ledger/plugin-release-ledger-common';
import { escapeMarkdown, renderNotesMarkdown } from './renderNotesMarkdown';

const entry = (e: Partial<ReleaseNoteEntry>): ReleaseNoteEntry => ({
  sha: '9f2c1ab0d4e5f60718293a4b5c6d7e8f90a1b2c3',
  subject: 'something',
  breaking: false,
  findings: [],
  ...e,
});

const notesOf = (n: Partial<ReleaseNotes>): ReleaseNotes => ({
  releaseId: 'payments@1.42.0',
  sections: [],
  nonConventional: [],
  counts: { commits: 0, conventional: 0, nonConventional: 0, breaking: 0 },
  nonConventionalShare: 0,
  maxNonConventionalShare: 0.25,
  flagged: false,
  ...n,
});

describe('renderNotesMarkdown', () => {
  it('writes a changelog section the way conventional-changelog does', () => {
    const notes = notesOf({
      sections: [
        {
          kind: 'breaking',
          title: 'Breaking changes',
          entries: [
            entry({
              sha: 'aaaaaaa1111',
              type: 'feat',
              scope: 'backend',
              subject: 'drop support for Node 18',
              breaking: true,
              breakingNote:
                'the backend requires Node 20.\nSet `engines` accordingly.',
              prNumber: 1500,
              url: 'https://github.com/org/repo/pull/1500',
            }),
            entry({
              sha: 'aaaaaaa2222',
              type: 'fix',
              subject: 'reject unsigned tokens',
              breaking: true,
              breakingNote: 'reject unsigned tokens',
            }),
          ],
        },
        {
          kind: 'features',
          title: 'Features',
          entries: [
            entry({
              sha: 'bbbbbbb1111',
              type: 'feat',
              scope: 'api',
              subject: 'add pagination',
              prNumber: 123,
              url: 'https://github.com/org/repo/pull/123',
            }),
            entry({
              sha: 'bbbbbbb2222',
              type: 'feat',
              subject: 'add 日本語',
              prNumber: 124,
            }),
          ],
        },
        {
          kind: 'reverts',
          title: 'Reverts',
          entries: [
            entry({
              sha: 'ccccccc1111',
              type: 'revert',
              subject: 'feat(search): add fuzzy matching (#1410)',
              prNumber: 1422,
              reverts: { sha: 'ddddddd', inRelease: true },
            }),
            entry({
              sha: 'ccccccc2222',
              type: 'revert',
              subject: 'fix(auth): refresh token on 401',
              reverts: { sha: 'eeeeeee', inRelease: false },
            }),
          ],
        },
      ],
      nonConventional: [
        entry({ sha: 'fffffff1111', subject: 'Update README.md' }),
      ],
      counts: { commits: 8, conventional: 7, nonConventional: 1, breaking: 2 },
      nonConventionalShare: 1 / 8,
    });
    expect(
      renderNotesMarkdown(notes, {
        title: '1.42.0',
        date: '2026-11-27T10:00:00Z',
      }),
    ).toBe(
      [
        '## 1.42.0 (2026-11-27)',
        '',
        '### Breaking changes',
        '',
        '* **backend:** drop support for Node 18 ([#1500](https://github.com/org/repo/pull/1500)) (aaaaaaa)',
        '',
        '  the backend requires Node 20.',
        '  Set \\`engines\\` accordingly.',
        '* reject unsigned tokens (aaaaaaa)',
        '',
        '### Features',
        '',
        '* **api:** add pagination ([#123](https://github.com/org/repo/pull/123)) (bbbbbbb)',
        '* add 日本語 (#124) (bbbbbbb)',
        '',
        '### Reverts',
        '',
        '* feat(search): add fuzzy matching (#1410) (#1422) (ccccccc) · added and reverted in this release',
        '* fix(auth): refresh token on 401 (ccccccc)',
        '',
        '### Not conventional',
        '',
        '* Update README.md (fffffff)',
        '',
      ].join('\n'),
    );
  });

  it('warns when too many commits are not conventional, and says when commits were left out', () => {
    const markdown = renderNotesMarkdown(
      notesOf({
        nonConventional: [entry({ subject: 'wip' })],
        counts: {
          commits: 3,
          conventional: 2,
          nonConventional: 1,
          breaking: 0,
        },
        nonConventionalShare: 1 / 3,
        maxNonConventionalShare: 0.25,
        flagged: true,
        truncated: { sent: 3, total: 1200 },
      }),
      { title: 'v2' },
    );
    expect(markdown.split('\n').slice(0, 5)).toEqual([
      '## v2',
      '',
      '> **Warning:** 1 of 3 commits (33.3%) are not conventional commits, more than the 25% allowed.',
      '',
      '_The newest 3 of 1200 commits._',
    ]);
    expect(
      renderNotesMarkdown(notesOf({ nonConventionalShare: 0.25 }), {
        title: 'v2',
      }),
    ).not.toContain('Warning');
  });

  it('says when a release has no commits', () => {
    expect(
      renderNotesMarkdown(notesOf({}), { title: 'v1', date: '2026-01-02' }),
    ).toBe('## v1 (2026-01-02)\n\nNo commits.\n');
  });

  it('shows text from commits as written: no links, images, HTML or headings', () => {
    const markdown = renderNotesMarkdown(
      notesOf({
        sections: [
          {
            kind: 'features',
            title: 'Features',
            entries: [
              entry({
                type: 'feat',
                scope: 'ui*',
                subject:
                  'click [here](https://evil.example) ![x](https://evil.example/x.png) <img src=x onerror=alert(1)> **now** _x_ `y` a|b ~~z~~ &lt; \\',
                prNumber: 7,
                url: ['javascript', 'alert(1)'].join(':'),
              }),
            ],
          },
        ],
        nonConventional: [
          entry({ subject: '# Heading' }),
          entry({ subject: '> quote' }),
          entry({ subject: '- item' }),
          entry({ subject: '1. first' }),
          entry({ subject: 'two\nlines' }),
        ],
      }),
      { title: '[v1](https://evil.example)' },
    );
    expect(markdown.split('\n')).toEqual([
      '## \\[v1\\](https\\://evil.example)',
      '',
      '### Features',
      '',
      '* **ui\\*:** click \\[here\\](https\\://evil.example) !\\[x\\](https\\://evil.example/x.png) \\<img src=x onerror=alert(1)\\> \\*\\*now\\*\\* \\_x\\_ \\`y\\` a\\|b \\~\\~z\\~\\~ \\&lt; \\\\ (#7) (9f2c1ab)',
      '',
      '### Not conventional',
      '',
      '* \\# Heading (9f2c1ab)',
      '* \\> quote (9f2c1ab)',
      '* \\- item (9f2c1ab)',
      '* 1\\. first (9f2c1ab)',
      '* two lines (9f2c1ab)',
      '',
    ]);
  });

  it('keeps a PR link inside its parentheses', () => {
    const markdown = renderNotesMarkdown(
      notesOf({
        sections: [
          {
            kind: 'fixes',
            title: 'Fixes',
            entries: [
              entry({
                type: 'fix',
                subject: 'x',
                prNumber: 9,
                url: 'https://git.example/pr/9) [evil](https://evil.example',
              }),
            ],
          },
        ],
      }),
      { title: 'v1' },
    );
    expect(markdown).toContain(
      '* x ([#9](https://git.example/pr/9%29%20[evil]%28https://evil.example)) (9f2c1ab)',
    );
  });
});

describe('escapeMarkdown', () => {
  it.each([
    ['plain text, with: punctuation!', 'plain text, with: punctuation!'],
    ['v1.2.3 (beta)', 'v1.2.3 (beta)'],
    ['+ plus', '\\+ plus'],
    ['===', '\\==='],
    ['- - -', '\\- - -'],
    ['=== not an underline', '=== not an underline'],
    ['-1 degree', '-1 degree'],
    ['#hashtag', '#hashtag'],
    ['1.42.0', '1.42.0'],
    ['  ## indented', '  \\## indented'],
    ['12) twelve', '12\\) twelve'],
    ['a <b> & c', 'a \\<b\\> \\& c'],
    // Bare URLs would become links in GitHub-flavoured renderers.
    ['see https://x.example/a', 'see https\\://x.example/a'],
    ['www.x.example and WWW.Y.example', 'www\\.x.example and WWW\\.Y.example'],
  ])('%p → %p', (text, escaped) => {
    expect(escapeMarkdown(text)).toBe(escaped);
  });
});
