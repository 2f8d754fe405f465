import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { RuleConfigSeverity } from '@commitlint/types';
import {
  ReleaseNoteEntry,
  ReleaseNotes,
  ReleaseNoteSectionKind,
} from '@release-ledger/plugin-release-ledger-common';
import {
  buildReleaseNotes,
  BuildReleaseNotesInput,
  ReleaseNotesCommit,
} from './buildReleaseNotes';
import { DEFAULT_COMMITLINT_RULES } from './lintCommits';
import fixture from './__fixtures__/commits.json';

/**
 * The fixture: a few hundred mainline commits, newest first, each labelled
 * by hand with where the notes must put it (`section: null` for commits in
 * no section: not conventional, or reverted within the release).
 */
type Labelled = {
  expect: {
    section: ReleaseNoteSectionKind | null;
    conventional: boolean;
    subject?: string;
    pr?: number;
    breakingNote?: string;
    reverts?: { inRelease: boolean; sha: string };
  };
  commit: ReleaseNotesCommit;
};
const labelled = fixture as Labelled[];
const commits = labelled.map(l => l.commit);

const build = (overrides: Partial<BuildReleaseNotesInput> = {}) =>
  buildReleaseNotes({
    releaseId: 'portal@2024.12.09.1',
    commits,
    maxNonConventionalShare: 0.25,
    lintRules: DEFAULT_COMMITLINT_RULES,
    ...overrides,
  });

const allEntries = (notes: ReleaseNotes) => [
  ...notes.sections.flatMap(s => s.entries),
  ...notes.nonConventional,
];
const entryOf = (notes: ReleaseNotes, subject: string): ReleaseNoteEntry => {
  const commit = commits.find(c => c.subject === subject);
  const entry = allEntries(notes).find(e => e.sha === commit?.sha);
  if (!entry) throw new Error(`no entry for ${subject}`);
  return entry;
};
const rulesOf = (entry: ReleaseNoteEntry) =>
  entry.findings.map(f => f.rule).sort();

const commit = (subject: string, more: Partial<ReleaseNotesCommit> = {}) => ({
  sha: createHash('sha1').update(subject).digest('hex'),
  subject,
  ...more,
});

describe('buildReleaseNotes on the fixture', () => {
  let notes: ReleaseNotes;
  beforeAll(async () => {
    notes = await build();
  });

  it('is a few hundred commits with every kind labelled', () => {
    expect(commits.length).toBeGreaterThanOrEqual(250);
    const kinds = new Set(labelled.map(l => l.expect.section));
    expect([...kinds].sort()).toEqual(
      [
        'breaking',
        'features',
        'fixes',
        'others',
        'performance',
        'reverts',
        null,
      ].sort(),
    );
  });

  it('puts each commit in the section it is labelled with, newest first', () => {
    const expected = (
      [
        'breaking',
        'features',
        'fixes',
        'performance',
        'reverts',
        'others',
      ] as const
    ).map(kind => ({
      kind,
      shas: labelled
        .filter(l => l.expect.section === kind)
        .map(l => l.commit.sha),
    }));
    expect(
      notes.sections.map(s => ({
        kind: s.kind,
        shas: s.entries.map(e => e.sha),
      })),
    ).toEqual(expected);
    expect(notes.sections.map(s => s.title)).toEqual([
      'Breaking changes',
      'Features',
      'Fixes',
      'Performance',
      'Reverts',
      'Other changes',
    ]);
  });

  it('lists and counts the commits that are not conventional', () => {
    const expected = labelled.filter(l => !l.expect.conventional);
    expect(notes.nonConventional.map(e => e.sha)).toEqual(
      expected.map(l => l.commit.sha),
    );
    expect(notes.nonConventional.every(e => e.type === undefined)).toBe(true);
    expect(notes.counts).toEqual({
      commits: commits.length,
      conventional: commits.length - expected.length,
      nonConventional: expected.length,
      breaking: labelled.filter(l => l.expect.section === 'breaking').length,
    });
    expect(notes.nonConventionalShare).toBeCloseTo(
      expected.length / commits.length,
      10,
    );
    expect(notes.maxNonConventionalShare).toBe(0.25);
    expect(notes.flagged).toBe(expected.length / commits.length > 0.25);
    expect(notes.truncated).toBeUndefined();
  });

  it('shows the labelled subject and PR, taking GitHub’s (#123) off squash subjects', () => {
    const bySha = new Map(allEntries(notes).map(e => [e.sha, e]));
    const shown = labelled.filter(l => bySha.has(l.commit.sha));
    const withSubject = shown.filter(l => l.expect.subject !== undefined);
    expect(withSubject.length).toBeGreaterThanOrEqual(20);
    expect(withSubject.map(l => bySha.get(l.commit.sha)!.subject)).toEqual(
      withSubject.map(l => l.expect.subject),
    );
    const withPr = shown.filter(l => l.expect.pr !== undefined);
    expect(withPr.map(l => bySha.get(l.commit.sha)!.prNumber)).toEqual(
      withPr.map(l => l.expect.pr),
    );
    // A revert shows the header it quotes as quoted, PR number and all.
    const squashed = shown.filter(
      l =>
        / \(#\d+\)$/.test(l.commit.subject) &&
        !l.commit.isMerge &&
        !l.commit.subject.startsWith('Revert "'),
    );
    expect(squashed.length).toBeGreaterThan(150);
    expect(
      squashed.map(l => {
        const e = bySha.get(l.commit.sha)!;
        return `${e.subject} (#${e.prNumber})`;
      }),
    ).toEqual(
      squashed.map(l =>
        l.commit.subject.replace(/^\w+(?:\([^()]*\))?!?: /, ''),
      ),
    );
    expect(shown.map(l => bySha.get(l.commit.sha)!.author)).toEqual(
      shown.map(l => l.commit.author),
    );
    // Spot checks, written out.
    expect(
      entryOf(
        notes,
        labelled.find(l =>
          l.commit.subject.startsWith('feat(i18n): add 日本語'),
        )!.commit.subject,
      ),
    ).toMatchObject({
      type: 'feat',
      scope: 'i18n',
      subject: 'add 日本語 translations for the catalog page',
    });
  });

  it('reads breaking changes from `!` and from BREAKING CHANGE / BREAKING-CHANGE footers, once each', () => {
    const breaking = notes.sections.find(s => s.kind === 'breaking')!;
    const bySha = new Map(breaking.entries.map(e => [e.sha, e]));
    for (const { commit: c, expect: want } of labelled) {
      if (want.section !== 'breaking') continue;
      expect(bySha.get(c.sha)).toMatchObject({
        breaking: true,
        breakingNote: want.breakingNote,
      });
    }
    const elsewhere = notes.sections
      .filter(s => s.kind !== 'breaking')
      .flatMap(s => s.entries);
    expect(elsewhere.filter(e => e.breaking)).toEqual([]);
    // A body that mentions breaking changes without the footer is not breaking.
    const mention = entryOf(
      notes,
      labelled.find(l =>
        l.commit.subject.startsWith('fix(config): keep unknown keys'),
      )!.commit.subject,
    );
    expect(mention.breaking).toBe(false);
  });

  it('groups reverts, and leaves out of the other sections what a revert in the release takes back', () => {
    const reverts = notes.sections.find(s => s.kind === 'reverts')!;
    const bySha = new Map(reverts.entries.map(e => [e.sha, e]));
    for (const { commit: c, expect: want } of labelled) {
      if (!want.reverts) continue;
      expect(bySha.get(c.sha)?.reverts).toMatchObject(want.reverts);
      expect(bySha.get(c.sha)?.type).toBe('revert');
    }
    const shown = new Set(
      notes.sections.flatMap(s => s.entries.map(e => e.sha)),
    );
    const takenBack = labelled
      .filter(l => l.expect.reverts?.inRelease)
      .map(l => l.expect.reverts!.sha);
    expect(takenBack.length).toBeGreaterThanOrEqual(5);
    for (const sha of takenBack) expect(shown.has(sha)).toBe(false);
    // Revert of a revert: the original feature ships.
    const darkMode = commits.find(
      c => c.subject === 'feat(ui): dark mode toggle (#1300)',
    )!;
    expect(
      notes.sections
        .find(s => s.kind === 'features')!
        .entries.some(e => e.sha === darkMode.sha),
    ).toBe(true);
  });

  it('gives each entry its commitlint findings', () => {
    const subjectOf = (start: string) =>
      labelled.find(l => l.commit.subject.startsWith(start))!.commit.subject;
    expect(rulesOf(entryOf(notes, subjectOf('Feat: Add bulk edit')))).toEqual([
      'subject-case',
      'type-case',
      'type-enum',
    ]);
    expect(rulesOf(entryOf(notes, subjectOf('feature(catalog):')))).toEqual([
      'type-enum',
    ]);
    expect(
      rulesOf(
        entryOf(notes, subjectOf('feat(scaffolder): add a new step type')),
      ),
    ).toEqual(['header-max-length']);
    expect(
      rulesOf(entryOf(notes, subjectOf('fix(techdocs): Fix broken image'))),
    ).toEqual(['subject-case', 'subject-full-stop']);
    expect(entryOf(notes, subjectOf('feature(catalog):')).findings[0]).toEqual({
      level: 'error',
      rule: 'type-enum',
      message:
        'type must be one of [build, chore, ci, docs, feat, fix, perf, refactor, revert, style, test]',
    });
    // `!` is understood: no type-empty / subject-empty.
    expect(entryOf(notes, subjectOf('fix(auth)!: reject')).findings).toEqual(
      [],
    );
    // A merge commit is linted by its PR title.
    const untitledMerge = labelled.find(
      l => l.commit.isMerge && l.commit.body === 'Update dependencies',
    )!.commit.subject;
    expect(rulesOf(entryOf(notes, untitledMerge))).toEqual([
      'subject-empty',
      'type-empty',
    ]);
    // What git or GitHub wrote is not held against the author.
    expect(entryOf(notes, "Merge branch 'release-1.30'").findings).toEqual([]);
    expect(entryOf(notes, 'Revert "Update logo"').findings).toEqual([]);
    // Non-conventional ones have findings too.
    expect(rulesOf(entryOf(notes, subjectOf('Fixed bug')))).toEqual([
      'subject-empty',
      'type-empty',
    ]);
  });

  it('links PRs with prUrl, keeping only http(s) links', async () => {
    const linked = await build({
      prUrl: n =>
        n % 2
          ? `https://github.com/backstage/backstage/pull/${n}`
          : `javascript:alert(${n})`,
    });
    const withPr = allEntries(linked).filter(e => e.prNumber !== undefined);
    expect(withPr.length).toBeGreaterThan(100);
    for (const e of withPr) {
      expect(e.url).toBe(
        e.prNumber! % 2
          ? `https://github.com/backstage/backstage/pull/${e.prNumber}`
          : undefined,
      );
    }
  });

  it('says when the event carried only the newest commits of the range', async () => {
    expect((await build({ commitCount: 1200 })).truncated).toEqual({
      sent: commits.length,
      total: 1200,
    });
    expect((await build({ commitCount: commits.length })).truncated).toBe(
      undefined,
    );
  });
});

describe('buildReleaseNotes', () => {
  const lintRules = DEFAULT_COMMITLINT_RULES;
  const four = [
    commit('feat(api): add a thing (#4)'),
    commit('fix: handle a thing (#3)'),
    commit('docs: describe the thing'),
    commit('Update README.md'),
  ];

  it.each([
    [0.25, false],
    [0.2499, true],
    [0, true],
    [1, false],
  ])(
    'flags a share of 1/4 only above the maximum (max %p → %p)',
    async (max, flagged) => {
      const notes = await buildReleaseNotes({
        releaseId: 'r',
        commits: four,
        maxNonConventionalShare: max,
        lintRules,
      });
      expect(notes.nonConventionalShare).toBe(0.25);
      expect(notes.flagged).toBe(flagged);
    },
  );

  it('answers empty notes for a release without commits', async () => {
    expect(
      await buildReleaseNotes({
        releaseId: 'r',
        commits: [],
        commitCount: 0,
        maxNonConventionalShare: 0,
        lintRules,
      }),
    ).toEqual({
      releaseId: 'r',
      sections: [],
      nonConventional: [],
      counts: { commits: 0, conventional: 0, nonConventional: 0, breaking: 0 },
      nonConventionalShare: 0,
      maxNonConventionalShare: 0,
      flagged: false,
    });
  });

  it.each([-0.1, 1.5, NaN])('refuses a maximum share of %p', async max => {
    await expect(
      buildReleaseNotes({
        releaseId: 'r',
        commits: four,
        maxNonConventionalShare: max,
        lintRules,
      }),
    ).rejects.toThrow(/maxNonConventionalShare must be between 0 and 1/);
  });

  it('lints with the given rules instead of the defaults', async () => {
    const sample = [
      commit('feature(catalog): new entity page'),
      commit('fix(techdocs): Fix broken image paths'),
      commit('feat(search): highlight the matching terms in the results list'),
    ];
    const defaults = await buildReleaseNotes({
      releaseId: 'r',
      commits: sample,
      maxNonConventionalShare: 1,
      lintRules,
    });
    // Entries are listed by section: features, fixes, others.
    expect(
      allEntries(defaults).map(e => [e.subject, e.findings.map(f => f.rule)]),
    ).toEqual([
      ['highlight the matching terms in the results list', []],
      ['Fix broken image paths', ['subject-case']],
      ['new entity page', ['type-enum']],
    ]);

    const custom = await buildReleaseNotes({
      releaseId: 'r',
      commits: sample,
      maxNonConventionalShare: 1,
      lintRules: {
        ...DEFAULT_COMMITLINT_RULES,
        'type-enum': [
          RuleConfigSeverity.Error,
          'always',
          ['feat', 'feature', 'fix'],
        ],
        'subject-case': [RuleConfigSeverity.Disabled],
        'header-max-length': [RuleConfigSeverity.Warning, 'always', 50],
      },
    });
    const bySubject = new Map(
      allEntries(custom).map(e => [e.subject, e.findings]),
    );
    expect(bySubject.get('new entity page')).toEqual([]);
    expect(bySubject.get('Fix broken image paths')).toEqual([]);
    expect(
      bySubject.get('highlight the matching terms in the results list'),
    ).toEqual([
      {
        level: 'warning',
        rule: 'header-max-length',
        message:
          'header must not be longer than 50 characters, current length is 62',
      },
    ]);
  });

  it('rejects a rule set commitlint refuses, naming the rule', async () => {
    await expect(
      buildReleaseNotes({
        releaseId: 'r',
        commits: four,
        maxNonConventionalShare: 1,
        lintRules: { 'no-such-rule': [2, 'always'] } as any,
      }),
    ).rejects.toThrow(/no-such-rule/);
  });

  it('does not count GitHub’s (#123) against the header length', async () => {
    const header = `feat(api): ${'a'.repeat(89)}`;
    expect(header).toHaveLength(100);
    const notes = await buildReleaseNotes({
      releaseId: 'r',
      commits: [commit(`${header} (#12345)`), commit(`${header}b (#12346)`)],
      maxNonConventionalShare: 1,
      lintRules,
    });
    expect(notes.sections[0].entries.map(rulesOf)).toEqual([
      [],
      ['header-max-length'],
    ]);
  });

  it('reads a merge commit by its PR title and the rest of its body', async () => {
    const notes = await buildReleaseNotes({
      releaseId: 'r',
      commits: [
        commit('Merge pull request #88 from org/feat/x', {
          isMerge: true,
          body: '\nfeat(api): Add X\n\nBREAKING CHANGE: the old X is gone',
        }),
      ],
      maxNonConventionalShare: 1,
      lintRules,
    });
    expect(notes.sections).toEqual([
      {
        kind: 'breaking',
        title: 'Breaking changes',
        entries: [
          expect.objectContaining({
            type: 'feat',
            scope: 'api',
            subject: 'Add X',
            breaking: true,
            breakingNote: 'the old X is gone',
            prNumber: 88,
          }),
        ],
      },
    ]);
    expect(rulesOf(notes.sections[0].entries[0])).toEqual(['subject-case']);
  });

  it('reads the scope up to its closing parenthesis', async () => {
    const notes = await buildReleaseNotes({
      releaseId: 'r',
      commits: [commit('fix(parser): accept (nested): colons')],
      maxNonConventionalShare: 1,
      lintRules,
    });
    expect(notes.sections[0].entries[0]).toMatchObject({
      type: 'fix',
      scope: 'parser',
      subject: 'accept (nested): colons',
    });
  });

  it('prefers the PR number the CLI sent', async () => {
    const notes = await buildReleaseNotes({
      releaseId: 'r',
      commits: [commit('fix: x (#12)', { prNumber: 13 })],
      maxNonConventionalShare: 1,
      lintRules,
    });
    expect(notes.sections[0].entries[0]).toMatchObject({
      subject: 'x',
      prNumber: 13,
    });
  });

  it('keeps a revert whose commit is not in the release, naming the commit', async () => {
    const notes = await buildReleaseNotes({
      releaseId: 'r',
      commits: [
        commit('Revert "feat: add x"', {
          body: 'This reverts commit 1234567890abcdef1234567890abcdef12345678.',
        }),
        commit('feat: add x'), // same header, but not the commit named
      ],
      maxNonConventionalShare: 1,
      lintRules,
    });
    expect(
      notes.sections.map(s => [s.kind, s.entries.map(e => e.subject)]),
    ).toEqual([
      ['features', ['add x']],
      ['reverts', ['feat: add x']],
    ]);
    expect(notes.sections[1].entries[0].reverts).toEqual({
      sha: '1234567890abcdef1234567890abcdef12345678',
      header: 'feat: add x',
      inRelease: false,
    });
  });

  it('matches a revert without a commit id by the header it quotes, only among older commits', async () => {
    const notes = await buildReleaseNotes({
      releaseId: 'r',
      commits: [
        commit('feat: add y (#9)', { sha: 'aaaaaaa1' }), // newer: a re-land
        commit('Revert "feat: add y (#7)" (#8)', { sha: 'aaaaaaa2' }),
        commit('feat: add y (#7)', { sha: 'aaaaaaa3' }),
      ],
      maxNonConventionalShare: 1,
      lintRules,
    });
    expect(
      notes.sections.map(s => [s.kind, s.entries.map(e => e.sha)]),
    ).toEqual([
      ['features', ['aaaaaaa1']],
      ['reverts', ['aaaaaaa2']],
    ]);
  });

  it('never lists a commit in two sections, whatever part of the fixture a release holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray(labelled, { maxLength: 25 }), async part => {
        const notes = await buildReleaseNotes({
          releaseId: 'r',
          commits: part.map(l => l.commit),
          maxNonConventionalShare: 0.5,
          lintRules,
        });
        const shown = notes.sections.flatMap(s => s.entries.map(e => e.sha));
        expect(new Set(shown).size).toBe(shown.length);
        expect(notes.counts.conventional + notes.counts.nonConventional).toBe(
          part.length,
        );
        // Every commit is shown, listed as not conventional, or taken back by a shown revert.
        const takenBack = notes.sections
          .flatMap(s => s.entries)
          .filter(e => e.reverts?.inRelease)
          .map(e => e.reverts!.sha);
        const accounted = new Set([
          ...shown,
          ...notes.nonConventional.map(e => e.sha),
          ...takenBack,
        ]);
        for (const l of part) expect(accounted.has(l.commit.sha)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
