import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { errorApiRef } from '@backstage/core-plugin-api';
import { MockErrorApi, TestApiProvider } from '@backstage/test-utils';
import type { ReleaseChecklist } from '@release-ledger/plugin-release-ledger-common';
import { FakeReleaseLedgerApi } from '../../__testUtils__/fakeReleaseLedgerApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { ReleaseChecklistCard } from './ReleaseChecklistCard';

const RELEASE = 'payments-api@2026.12.03.1';

function pinned(): ReleaseChecklist {
  return {
    releaseId: RELEASE,
    entityRef: 'component:default/payments-api',
    state: 'pinned',
    source:
      'https://github.com/acme/payments/tree/3f2c1a9/RELEASE_CHECKLIST.md',
    commit: '3f2c1a9d8e7b',
    contentSha256: 'ab'.repeat(32),
    pinnedAt: '2026-12-03T10:00:00.000Z',
    openRequired: ['pre.flags-default-off'],
    checklist: {
      title: 'Release checklist',
      warnings: [],
      sections: [
        {
          phase: 'pre',
          title: 'Pre-release',
          ownerRole: 'release engineer',
          items: [
            {
              id: 'pre.flags-default-off',
              text: 'Flags default OFF',
              required: true,
              line: 2,
            },
            {
              id: 'pre.staging-dry-run',
              text: 'Staging dry run',
              required: false,
              line: 3,
              checked: {
                by: 'user:default/ana',
                at: '2026-12-03T10:05:00.000Z',
                eventId: 'e1',
              },
            },
          ],
        },
        {
          phase: 'post',
          title: 'Post-release',
          ownerRole: 'on-call → PM',
          items: [
            {
              id: 'post.summary-posted',
              text: 'Summary posted',
              required: false,
              line: 5,
            },
          ],
        },
      ],
    },
  };
}

describe('ReleaseChecklistCard', () => {
  it('shows each section with its owner and progress, who checked what, and that promotion is held', async () => {
    const api = new FakeReleaseLedgerApi();
    api.checklists.set(RELEASE, pinned());
    await renderWithApis(<ReleaseChecklistCard releaseId={RELEASE} />, { api });

    const pre = await screen.findByRole('region', { name: 'Pre-release' });
    expect(pre).toHaveTextContent('owner: release engineer');
    expect(pre).toHaveTextContent('1 of 2 checked');
    expect(
      within(pre).getByRole('checkbox', { name: /Flags default OFF/ }),
    ).not.toBeChecked();
    expect(
      within(pre).getByRole('checkbox', { name: /Staging dry run/ }),
    ).toBeChecked();
    expect(pre).toHaveTextContent('checked by user:default/ana');
    expect(
      screen.getByRole('region', { name: 'Post-release' }),
    ).toHaveTextContent('0 of 1 checked');
    expect(
      screen.getByText(
        /1 required pre-release item is not checked: promotion is held/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/later edits to the file do not change this release/),
    ).toHaveTextContent('at 3f2c1a9');
  });

  it('says what a promoted or rolled-back release went without, instead of holding it', async () => {
    const api = new FakeReleaseLedgerApi();
    api.checklists.set(RELEASE, pinned());
    await renderWithApis(
      <ReleaseChecklistCard releaseId={RELEASE} promotionDecided />,
      { api },
    );
    expect(
      await screen.findByText(
        '1 required pre-release item was not checked before the release was promoted or rolled back',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/promotion is held/)).not.toBeInTheDocument();
  });

  it('ticks an item as the signed-in user and shows the release freed', async () => {
    const api = new FakeReleaseLedgerApi();
    api.checklists.set(RELEASE, pinned());
    await renderWithApis(<ReleaseChecklistCard releaseId={RELEASE} />, { api });

    fireEvent.click(
      await screen.findByRole('checkbox', { name: /Flags default OFF/ }),
    );
    await waitFor(() =>
      expect(
        screen.getByRole('checkbox', { name: /Flags default OFF/ }),
      ).toBeChecked(),
    );
    expect(api.checks).toEqual([
      { releaseId: RELEASE, itemId: 'pre.flags-default-off', checked: true },
    ]);
    expect(screen.queryByText(/promotion is held/)).not.toBeInTheDocument();
    expect(
      screen.getByRole('region', { name: 'Pre-release' }),
    ).toHaveTextContent('2 of 2 checked');
  });

  it('tells the page once a tick is recorded, and not when it is refused', async () => {
    const api = new FakeReleaseLedgerApi();
    api.checklists.set(RELEASE, pinned());
    const onChecked = jest.fn();
    const errorApi = new MockErrorApi({ collect: true });
    await renderWithApis(
      <TestApiProvider apis={[[errorApiRef, errorApi]]}>
        <ReleaseChecklistCard releaseId={RELEASE} onChecked={onChecked} />
      </TestApiProvider>,
      { api },
    );

    fireEvent.click(
      await screen.findByRole('checkbox', { name: /Staging dry run/ }),
    );
    await waitFor(() => expect(onChecked).toHaveBeenCalledTimes(1));
    expect(api.checks).toEqual([
      { releaseId: RELEASE, itemId: 'pre.staging-dry-run', checked: false },
    ]);

    api.checkError = new Error(
      'writing events needs release-ledger.event.create',
    );
    const box = screen.getByRole('checkbox', { name: /Flags default OFF/ });
    fireEvent.click(box);
    await waitFor(() => expect(errorApi.getErrors()).toHaveLength(1));
    await waitFor(() => expect(box).not.toBeDisabled());
    expect(onChecked).toHaveBeenCalledTimes(1);
    expect(box).not.toBeChecked();
  });

  it('says why there is no checklist for the release', async () => {
    const api = new FakeReleaseLedgerApi();
    api.checklists.set(RELEASE, {
      releaseId: RELEASE,
      entityRef: 'component:default/payments-api',
      state: 'unavailable',
      reason:
        'no checklist at https://github.com/acme/payments/tree/main/RELEASE_CHECKLIST.md',
      openRequired: [],
    });
    await renderWithApis(<ReleaseChecklistCard releaseId={RELEASE} />, { api });
    expect(
      await screen.findByText(/no checklist at https:\/\/github.com/),
    ).toBeInTheDocument();
  });

  it('says a release that has not started has no checklist', async () => {
    const api = new FakeReleaseLedgerApi();
    await renderWithApis(<ReleaseChecklistCard releaseId="nope@1" />, { api });
    expect(
      await screen.findByText('No checklist: the release has not started.'),
    ).toBeInTheDocument();
  });
});
