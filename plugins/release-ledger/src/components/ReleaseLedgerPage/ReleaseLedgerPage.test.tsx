import { Route, Routes } from 'react-router-dom';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  FakeReleaseLedgerApi,
  makeRelease,
} from '../../__testUtils__/fakeReleaseLedgerApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { rootRouteRef } from '../../routes';
import { ReleaseLedgerPage } from './ReleaseLedgerPage';

const releases = [
  makeRelease({ releaseId: 'payments-api@1.0.0', version: '1.0.0' }),
  makeRelease({
    releaseId: 'cart-service@4.2.0',
    entityRef: 'component:default/cart-service',
    version: '4.2.0',
    startedAt: '2026-11-21T10:00:00.000Z',
  }),
];

function renderPage(path: string, api: FakeReleaseLedgerApi) {
  // As a legacy app mounts it: <Route path="/release-ledger" element={...} />
  return renderWithApis(
    <Routes>
      <Route path="/release-ledger/*" element={<ReleaseLedgerPage />} />
    </Routes>,
    {
      api,
      routeEntries: [path],
      mountedRoutes: { '/release-ledger': rootRouteRef },
    },
  );
}

describe('ReleaseLedgerPage', () => {
  it('shows delivery metrics at its root', async () => {
    const api = new FakeReleaseLedgerApi(releases);
    await renderPage('/release-ledger', api);

    expect(
      await screen.findByRole('heading', { name: 'Delivery metrics' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('region', { name: 'Change failure rate' }),
    ).toHaveTextContent('12.5 %');
    expect(api.metricsCalls).toEqual([
      { scope: 'org', ref: undefined, window: '30d', bandSet: undefined },
    ]);
    expect(api.listCalls).toEqual([]);
    expect(
      screen.getByRole('tab', { name: 'Delivery metrics' }),
    ).toHaveAttribute('aria-selected', 'true');
  });

  it('lists recent releases across the org in its second tab', async () => {
    const api = new FakeReleaseLedgerApi(releases);
    await renderPage('/release-ledger', api);

    const tab = screen.getByRole('tab', { name: 'Recent releases' });
    expect(tab).toHaveAttribute('href', '/release-ledger/releases');
    await userEvent.click(tab);

    expect(
      await screen.findByText('Recent releases across the org'),
    ).toBeInTheDocument();
    expect(await screen.findByText('4.2.0')).toBeInTheDocument();
    expect(screen.getByText('cart-service')).toBeInTheDocument();
    expect(screen.getByText('payments-api')).toBeInTheDocument();
    expect(api.listCalls).toEqual([{}]);
    expect(
      screen.getByRole('tab', { name: 'Recent releases' }),
    ).toHaveAttribute('aria-selected', 'true');
    expect(
      screen.getByRole('link', {
        name: 'Details of release cart-service@4.2.0',
      }),
    ).toHaveAttribute('href', '/release-ledger/releases/cart-service%404.2.0');
  });

  it('shows one release at releases/:releaseId, without the tabs', async () => {
    const api = new FakeReleaseLedgerApi(releases);
    await renderPage('/release-ledger/releases/cart-service%404.2.0', api);

    expect(
      await screen.findByRole('heading', {
        level: 1,
        name: 'cart-service@4.2.0',
      }),
    ).toBeInTheDocument();
    expect(api.getCalls).toEqual(['cart-service@4.2.0']);
    expect(screen.queryByRole('tablist')).not.toBeInTheDocument();
  });

  it('explains an empty ledger', async () => {
    await renderPage('/release-ledger/releases', new FakeReleaseLedgerApi([]));
    expect(
      await screen.findByText('No releases recorded yet'),
    ).toBeInTheDocument();
  });

  it('links the cards’ definitions to the section on its root', async () => {
    await renderPage(
      '/release-ledger#dora-definitions',
      new FakeReleaseLedgerApi(),
    );

    const definitions = await screen.findByRole('region', {
      name: 'Definitions',
    });
    expect(definitions).toHaveAttribute('id', 'dora-definitions');
    expect(
      within(definitions).getByText('Time to restore', { selector: 'dt' }),
    ).toBeInTheDocument();
  });
});
