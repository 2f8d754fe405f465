import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  FakeReleaseLedgerApi,
  makeRelease,
} from '../../__testUtils__/fakeReleaseLedgerApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { releaseRouteRef } from '../../routes';
import { ReleasesTable } from './ReleasesTable';

const release = makeRelease({
  releaseId: 'web/app@7.0.0',
  entityRef: 'component:default/web-app',
  version: '7.0.0',
  anomalies: [
    {
      eventId: 'e1',
      type: 'promoted',
      message: 'promoted before release_started',
    },
    {
      eventId: 'e2',
      type: 'canary_passed',
      message: 'canary_passed without canary_started',
    },
  ],
});

describe('ReleasesTable', () => {
  it('shows an entity column, an anomaly flag and links to the mounted details route', async () => {
    await renderWithApis(
      <ReleasesTable title="Recent" releases={[release]} showEntity />,
      {
        api: new FakeReleaseLedgerApi([release]),
        mountedRoutes: { '/rl/releases/:releaseId': releaseRouteRef },
      },
    );

    const row = screen.getByText('7.0.0').closest('tr')!;
    expect(within(row).getByText('web-app')).toBeInTheDocument();
    const flag = within(row).getByLabelText(
      "2 anomalies in this release's events",
    );
    await userEvent.hover(flag);
    expect(
      await screen.findByText('promoted before release_started'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('canary_passed without canary_started'),
    ).toBeInTheDocument();
    const link = within(row).getByRole('link', {
      name: 'Details of release web/app@7.0.0',
    });
    expect(link).toHaveAttribute('href', '/rl/releases/web%2Fapp%407.0.0');
    expect(link).toHaveTextContent('7.0.0');
  });

  it('keeps to seven columns on an entity page: the flag sits with the status, the version links to the details', async () => {
    await renderWithApis(
      <ReleasesTable title="Recent" releases={[release]} />,
      {
        api: new FakeReleaseLedgerApi([release]),
        mountedRoutes: { '/rl/releases/:releaseId': releaseRouteRef },
      },
    );
    const headers = screen
      .getAllByRole('columnheader')
      .map(h => h.textContent?.trim())
      .filter(Boolean);
    expect(headers).toEqual([
      'Version',
      'Status',
      'Started',
      'Promoted',
      'Duration',
      'Commit',
      'Owner',
    ]);
    const row = screen.getByText('7.0.0').closest('tr')!;
    const cells = within(row).getAllByRole('cell');
    const flagCell = within(row)
      .getByLabelText("2 anomalies in this release's events")
      .closest('td');
    // The expand toggle, then Version, then Status.
    expect(cells.indexOf(flagCell!)).toBe(2);
  });

  it('offers "Load more" when there is more', async () => {
    const onLoadMore = jest.fn();
    await renderWithApis(
      <ReleasesTable
        title="Recent"
        releases={[release]}
        hasMore
        onLoadMore={onLoadMore}
      />,
      { api: new FakeReleaseLedgerApi([release]) },
    );

    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(onLoadMore).toHaveBeenCalledTimes(1);
  });

  it('offers no "Load more" on the last page', async () => {
    await renderWithApis(
      <ReleasesTable
        title="Recent"
        releases={[release]}
        hasMore={false}
        onLoadMore={jest.fn()}
      />,
      { api: new FakeReleaseLedgerApi([release]) },
    );

    expect(screen.getByText('7.0.0')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Load more' }),
    ).not.toBeInTheDocument();
  });
});
