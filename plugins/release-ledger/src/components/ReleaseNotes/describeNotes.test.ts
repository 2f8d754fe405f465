import { makeReleaseNotes } from '../../__testUtils__/fakeReleaseLedgerApi';
import { flaggedMessage, formatShare, notesSummary } from './describeNotes';

describe('formatShare', () => {
  it.each([
    [0, undefined, '0%'],
    [0.4, undefined, '40%'],
    [2 / 7, 0.25, '29%'],
    [1, 0.25, '100%'],
    // Rounded to a whole percent it would read as equal to the limit.
    [0.254, 0.25, '25.4%'],
    [0.246, 0.25, '24.6%'],
    [0.25, 0.25, '25%'],
  ])('%p with limit %p reads %p', (share, limit, expected) => {
    expect(formatShare(share, limit)).toBe(expected);
  });
});

describe('flaggedMessage', () => {
  it('says the share and the limit', () => {
    expect(
      flaggedMessage(
        makeReleaseNotes({
          nonConventionalShare: 0.4,
          maxNonConventionalShare: 0.25,
          flagged: true,
        }),
      ),
    ).toBe('40% of commits are not conventional (limit 25%)');
  });
});

describe('notesSummary', () => {
  const counts = { commits: 12, conventional: 9, nonConventional: 3 };

  it('counts commits, conventional ones and breaking ones', () => {
    expect(
      notesSummary(makeReleaseNotes({ counts: { ...counts, breaking: 2 } })),
    ).toBe('12 commits · 9 conventional · 2 breaking');
  });

  it('leaves out breaking when there are none, and says one commit', () => {
    expect(
      notesSummary(makeReleaseNotes({ counts: { ...counts, breaking: 0 } })),
    ).toBe('12 commits · 9 conventional');
    expect(
      notesSummary(
        makeReleaseNotes({
          counts: {
            commits: 1,
            conventional: 1,
            nonConventional: 0,
            breaking: 0,
          },
        }),
      ),
    ).toBe('1 commit · 1 conventional');
  });

  it('is undefined without commits', () => {
    expect(notesSummary(makeReleaseNotes())).toBeUndefined();
  });
});
