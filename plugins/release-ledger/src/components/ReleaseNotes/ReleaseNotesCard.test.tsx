import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import type {
  ReleaseNoteEntry,
  ReleaseNotes,
} from '@release-ledger/plugin-release-ledger-common';
import {
  FakeReleaseLedgerApi,
  makeRelease,
  makeReleaseNotes,
  responseError,
} from '../../__testUtils__/fakeReleaseLedgerApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { ReleaseNotesCard } from './ReleaseNotesCard';

const RELEASE = 'payments-api@1.42.0';

function entry(overrides: Partial<ReleaseNoteEntry>): ReleaseNoteEntry {
  return {
    sha: '9f2c1ab0d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8',
    subject: 'a change',
    breaking: false,
    findings: [],
    ...overrides,
  };
}

const notes: ReleaseNotes = makeReleaseNotes({
  releaseId: RELEASE,
  sections: [
    {
      kind: 'breaking',
      title: 'Breaking changes',
      entries: [
        entry({
          sha: 'b1b2b3b4b5b6b7b8',
          type: 'feat',
          scope: 'api',
          subject: 'drop the v1 refunds endpoint',
          breaking: true,
          breakingNote: 'Clients must call /v2/refunds.',
          prNumber: 4700,
          url: 'https://github.com/acme/payments-api/pull/4700',
        }),
      ],
    },
    {
      kind: 'features',
      title: 'Features',
      entries: [
        entry({
          sha: 'a1a2a3a4a5a6a7a8a9',
          type: 'feat',
          scope: 'refunds',
          subject: 'add idempotency keys',
          prNumber: 4711,
          url: 'https://github.com/acme/payments-api/pull/4711',
          findings: [
            {
              level: 'warning',
              rule: 'body-leading-blank',
              message: 'body must have leading blank line',
            },
          ],
        }),
        entry({
          sha: 'c1c2c3c4c5c6c7c8',
          type: 'feat',
          subject: 'Export ledger as CSV',
          prNumber: 4712,
          findings: [
            {
              level: 'error',
              rule: 'subject-case',
              message:
                'subject must not be sentence-case, start-case, pascal-case, upper-case',
            },
          ],
        }),
      ],
    },
    {
      kind: 'reverts',
      title: 'Reverts',
      entries: [
        entry({
          sha: 'd1d2d3d4d5d6d7d8',
          type: 'revert',
          subject: 'feat: cache exchange rates',
          reverts: { sha: 'e1e2e3e4e5', inRelease: true },
        }),
      ],
    },
    {
      kind: 'others',
      title: 'Other changes',
      entries: [
        entry({
          sha: 'f1f2f3f4f5f6f7f8',
          type: 'chore',
          subject: 'bump node to 22',
        }),
      ],
    },
  ],
  nonConventional: [
    entry({
      sha: '0a0b0c0d0e0f',
      subject: 'WIP fix things',
      findings: [
        {
          level: 'error',
          rule: 'type-empty',
          message: 'type may not be empty',
        },
      ],
    }),
    entry({
      sha: '1a1b1c1d1e1f',
      subject: 'Update README.md',
      findings: [
        {
          level: 'error',
          rule: 'type-empty',
          message: 'type may not be empty',
        },
      ],
    }),
  ],
  counts: { commits: 7, conventional: 5, nonConventional: 2, breaking: 1 },
  nonConventionalShare: 2 / 7,
  maxNonConventionalShare: 0.25,
  flagged: true,
});

function apiWith(value: ReleaseNotes = notes) {
  const api = new FakeReleaseLedgerApi([makeRelease({ releaseId: RELEASE })]);
  api.releaseNotes.set(RELEASE, value);
  return api;
}

describe('ReleaseNotesCard', () => {
  it('shows each section with its entries: scope, subject, PR link and short sha', async () => {
    const api = apiWith();
    await renderWithApis(<ReleaseNotesCard releaseId={RELEASE} />, { api });

    const features = await screen.findByRole('region', { name: 'Features' });
    expect(
      within(features).getByRole('heading', { name: 'Features (2)' }),
    ).toBeInTheDocument();
    // The entries; their findings are lists of their own.
    const [refunds, csv] = Array.from(
      within(features).getByRole('list', { name: 'Features' }).children,
    ) as HTMLElement[];
    expect(within(refunds).getByText('refunds:').tagName).toBe('STRONG');
    expect(refunds).toHaveTextContent('refunds: add idempotency keys');
    expect(
      within(refunds).getByRole('link', { name: /^#4711/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/payments-api/pull/4711');
    expect(within(refunds).getByText('a1a2a3a')).toHaveAttribute(
      'title',
      'a1a2a3a4a5a6a7a8a9',
    );
    // Without a URL the PR number is text, not a link.
    expect(csv).toHaveTextContent('Export ledger as CSV#4712');
    expect(within(csv).queryByRole('link')).not.toBeInTheDocument();

    expect(
      screen.getByText('7 commits · 5 conventional · 1 breaking'),
    ).toBeInTheDocument();
    expect(api.notesCalls).toEqual([RELEASE]);
  });

  it('shows breaking notes, reverts within the release, and the type where sections mix types', async () => {
    await renderWithApis(<ReleaseNotesCard releaseId={RELEASE} />, {
      api: apiWith(),
    });

    const breaking = await screen.findByRole('region', {
      name: 'Breaking changes',
    });
    expect(breaking).toHaveTextContent('featapi: drop the v1 refunds endpoint');
    expect(
      within(breaking).getByText('Clients must call /v2/refunds.'),
    ).toBeInTheDocument();

    const reverts = screen.getByRole('region', { name: 'Reverts' });
    expect(reverts).toHaveTextContent('feat: cache exchange rates');
    expect(
      within(reverts).getByText('added and reverted in this release'),
    ).toBeInTheDocument();

    const others = screen.getByRole('region', { name: 'Other changes' });
    expect(others).toHaveTextContent('chorebump node to 22');
    // A feature's type is its section's title.
    expect(
      within(screen.getByRole('region', { name: 'Features' })).queryByText(
        'feat',
      ),
    ).not.toBeInTheDocument();
  });

  it('shows each commit’s commitlint findings, errors apart from warnings', async () => {
    await renderWithApis(<ReleaseNotesCard releaseId={RELEASE} />, {
      api: apiWith(),
    });

    const features = await screen.findByRole('region', { name: 'Features' });
    const warning = within(features).getByLabelText(
      'commitlint warning: body-leading-blank: body must have leading blank line',
    );
    expect(warning).toHaveTextContent('body-leading-blank');
    const error = within(features).getByLabelText(
      /^commitlint error: subject-case: subject must not be sentence-case/,
    );
    expect(error).toHaveTextContent('subject-case');
    expect(error.className).not.toBe(warning.className);
  });

  it('flags a large share of non-conventional commits and lists them on request', async () => {
    await renderWithApis(<ReleaseNotesCard releaseId={RELEASE} />, {
      api: apiWith(),
    });

    expect(
      await screen.findByText(
        '29% of commits are not conventional (limit 25%)',
      ),
    ).toBeInTheDocument();
    const toggle = screen.getByRole('button', { name: 'Not conventional (2)' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(
      screen.queryByRole('list', { name: 'Not conventional commits' }),
    ).not.toBeInTheDocument();

    fireEvent.click(toggle);

    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const list = await screen.findByRole('list', {
      name: 'Not conventional commits',
    });
    expect(within(list).getByText('WIP fix things')).toBeInTheDocument();
    expect(within(list).getByText('Update README.md')).toBeInTheDocument();
    expect(
      within(list).getAllByLabelText(
        'commitlint error: type-empty: type may not be empty',
      ),
    ).toHaveLength(2);
  });

  it('shows no flag when the share is within the limit', async () => {
    await renderWithApis(<ReleaseNotesCard releaseId={RELEASE} />, {
      api: apiWith({
        ...notes,
        nonConventionalShare: 0.2,
        maxNonConventionalShare: 0.3,
        flagged: false,
      }),
    });
    await screen.findByRole('region', { name: 'Features' });
    expect(screen.queryByText(/are not conventional/)).not.toBeInTheDocument();
  });

  it('says when the notes cover only the newest commits', async () => {
    await renderWithApis(<ReleaseNotesCard releaseId={RELEASE} />, {
      api: apiWith({ ...notes, truncated: { sent: 1000, total: 1350 } }),
    });
    expect(
      await screen.findByText(
        'These notes cover the newest 1000 of the 1350 commits in the release.',
      ),
    ).toBeInTheDocument();
  });

  it('shows the first ten entries of a long section, and all on request', async () => {
    const many = Array.from({ length: 14 }, (_, i) =>
      entry({ sha: `${i}`.padStart(8, '0'), type: 'fix', subject: `fix ${i}` }),
    );
    await renderWithApis(<ReleaseNotesCard releaseId={RELEASE} />, {
      api: apiWith(
        makeReleaseNotes({
          releaseId: RELEASE,
          sections: [{ kind: 'fixes', title: 'Fixes', entries: many }],
          counts: {
            commits: 14,
            conventional: 14,
            nonConventional: 0,
            breaking: 0,
          },
        }),
      ),
    });

    const list = await screen.findByRole('list', { name: 'Fixes' });
    expect(list.children).toHaveLength(10);
    fireEvent.click(screen.getByRole('button', { name: 'Show all 14' }));
    expect(list.children).toHaveLength(14);
    expect(within(list).getByText('fix 13')).toBeInTheDocument();
  });

  it('shows commit text as text, never as markup', async () => {
    const hostile =
      '<img src=x onerror="alert(1)"> **bold** [link](https://evil.test)';
    await renderWithApis(<ReleaseNotesCard releaseId={RELEASE} />, {
      api: apiWith(
        makeReleaseNotes({
          releaseId: RELEASE,
          sections: [
            {
              kind: 'features',
              title: 'Features',
              entries: [entry({ type: 'feat', subject: hostile })],
            },
          ],
          counts: {
            commits: 1,
            conventional: 1,
            nonConventional: 0,
            breaking: 0,
          },
        }),
      ),
    });

    const features = await screen.findByRole('region', { name: 'Features' });
    expect(within(features).getByText(hostile)).toBeInTheDocument();
    expect(features.querySelector('img')).toBeNull();
    expect(within(features).queryByRole('link')).not.toBeInTheDocument();
  });

  it('explains how to list commits when the release has none', async () => {
    await renderWithApis(<ReleaseNotesCard releaseId={RELEASE} />, {
      api: apiWith(makeReleaseNotes({ releaseId: RELEASE })),
    });

    expect(
      await screen.findByText(/No commits were listed for this release/),
    ).toHaveTextContent('release-ledger start --repo .');
    expect(
      screen.queryByRole('button', { name: 'Download markdown' }),
    ).not.toBeInTheDocument();
  });

  it('shows the error when the notes cannot be read', async () => {
    const api = apiWith();
    api.notesError = await responseError(500, 'Error', 'database is locked');
    await renderWithApis(<ReleaseNotesCard releaseId={RELEASE} />, { api });

    expect(await screen.findByText('database is locked')).toBeInTheDocument();
  });

  describe('download', () => {
    const createObjectURL = jest.fn((_blob: Blob) => 'blob:notes');
    const revokeObjectURL = jest.fn();
    let clicked: Array<{ href: string; download: string }>;

    beforeEach(() => {
      clicked = [];
      Object.assign(URL, { createObjectURL, revokeObjectURL });
      jest
        .spyOn(HTMLAnchorElement.prototype, 'click')
        .mockImplementation(function record(this: HTMLAnchorElement) {
          clicked.push({ href: this.href, download: this.download });
        });
    });

    afterEach(() => {
      jest.restoreAllMocks();
      createObjectURL.mockClear();
      revokeObjectURL.mockClear();
    });

    it('fetches the markdown through the API and saves it as a file', async () => {
      const api = apiWith();
      await renderWithApis(<ReleaseNotesCard releaseId={RELEASE} />, { api });

      fireEvent.click(
        await screen.findByRole('button', { name: 'Download markdown' }),
      );

      await waitFor(() => expect(clicked).toHaveLength(1));
      expect(api.markdownCalls).toEqual([RELEASE]);
      expect(clicked[0]).toEqual({
        href: 'blob:notes',
        download: 'payments-api-1.42.0-notes.md',
      });
      const blob = createObjectURL.mock.calls[0][0];
      expect(blob.type).toBe('text/markdown;charset=utf-8');
      const text = await new Response(blob).text();
      expect(text).toContain('### Features');
      expect(text).toContain('* **refunds:** add idempotency keys');
      await waitFor(() =>
        expect(revokeObjectURL).toHaveBeenCalledWith('blob:notes'),
      );
    });
  });
});
