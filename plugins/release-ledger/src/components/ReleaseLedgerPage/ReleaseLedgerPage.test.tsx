import { Route, Routes } from 'react-router-dom';
import { screen } from '@testing-library/react';
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
  it('lists recent releases across the org at its root', async () => {
    const api = new FakeReleaseLedgerApi(releases);
    await renderPage('/release-ledger', api);

    expect(
      await screen.findByText('Recent releases across the org'),
    ).toBeInTheDocument();
    expect(await screen.findByText('4.2.0')).toBeInTheDocument();
    expect(screen.getByText('cart-service')).toBeInTheDocument();
    expect(screen.getByText('payments-api')).toBeInTheDocument();
    expect(api.listCalls).toEqual([{}]);
    expect(
      screen.getByRole('link', {
        name: 'Details of release cart-service@4.2.0',
      }),
    ).toHaveAttribute('href', '/release-ledger/releases/cart-service%404.2.0');
  });

  it('shows one release at releases/:releaseId', async () => {
    const api = new FakeReleaseLedgerApi(releases);
    await renderPage('/release-ledger/releases/cart-service%404.2.0', api);

    expect(
      await screen.findByRole('heading', {
        level: 1,
        name: 'cart-service@4.2.0',
      }),
    ).toBeInTheDocument();
    expect(api.getCalls).toEqual(['cart-service@4.2.0']);
  });

  it('explains an empty ledger', async () => {
    await renderPage('/release-ledger', new FakeReleaseLedgerApi([]));
    expect(
      await screen.findByText('No releases recorded yet'),
    ).toBeInTheDocument();
  });
});
