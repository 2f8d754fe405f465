import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  FakeReleaseLedgerApi,
  responseError,
} from '../../__testUtils__/fakeReleaseLedgerApi';
import {
  makeEmptyDoraMetrics,
  makeMetricsResponse,
} from '../../__testUtils__/metricsFixtures';
import {
  paymentsApi,
  renderWithApis,
  teamPayments,
} from '../../__testUtils__/renderWithApis';
import { rootRouteRef } from '../../routes';
import { EntityDoraCard } from './EntityDoraCard';

function renderCard(api: FakeReleaseLedgerApi, entity = paymentsApi) {
  return renderWithApis(<EntityDoraCard />, {
    api,
    entity,
    mountedRoutes: { '/release-ledger': rootRouteRef },
  });
}

describe('EntityDoraCard', () => {
  it('shows a service’s four figures over the last 30 days', async () => {
    const api = new FakeReleaseLedgerApi();
    await renderCard(api);

    const df = await screen.findByRole('region', {
      name: 'Deployment frequency',
    });
    expect(df).toHaveTextContent('4.2 deploys/week');
    expect(
      screen.getByRole('region', { name: 'Change failure rate' }),
    ).toHaveTextContent('12.5 %');
    // The fifth measure, with its sample and no band.
    const rework = screen.getByRole('region', {
      name: 'Deployment rework rate',
    });
    expect(rework).toHaveTextContent('18.8 %');
    expect(rework).toHaveTextContent(
      '3 of 16 deployments fixed an incident or a release',
    );
    expect(rework).toHaveTextContent('Sample: 16 deployments');
    expect(within(rework).getByText('no band')).toBeInTheDocument();
    expect(
      screen.getByText('Production releases of payments-api, last 30 days'),
    ).toBeInTheDocument();
    expect(api.metricsCalls).toEqual([
      {
        scope: 'entity',
        ref: 'component:default/payments-api',
        window: '30d',
        bandSet: undefined,
      },
    ]);
  });

  it('asks for the team rollup on a Group page', async () => {
    const api = new FakeReleaseLedgerApi();
    api.metrics = request =>
      makeMetricsResponse({
        scope: 'group',
        ref: request.ref,
        groups: ['group:default/team-payments', 'group:default/team-refunds'],
      });
    await renderCard(api, teamPayments);

    expect(
      await screen.findByText(
        'Production releases owned by team-payments and 1 child group, last 30 days',
      ),
    ).toBeInTheDocument();
    expect(api.metricsCalls[0]).toMatchObject({
      scope: 'group',
      ref: 'group:default/team-payments',
    });
  });

  it('names a group the way the catalog does', async () => {
    const api = new FakeReleaseLedgerApi();
    await renderCard(api, {
      ...teamPayments,
      metadata: { ...teamPayments.metadata, title: 'Payments' },
      spec: { ...teamPayments.spec, profile: { displayName: 'Payments team' } },
    });

    expect(
      await screen.findByText(
        'Production releases owned by Payments team, last 30 days',
      ),
    ).toBeInTheDocument();
  });

  it('reloads with the window the user picks', async () => {
    const api = new FakeReleaseLedgerApi();
    await renderCard(api);
    await screen.findByRole('region', { name: 'Deployment frequency' });

    await userEvent.click(screen.getByRole('button', { name: 'Last 90 days' }));

    await waitFor(() =>
      expect(api.metricsCalls.map(c => c.window)).toEqual(['30d', '90d']),
    );
    expect(
      await screen.findByText(
        'Production releases of payments-api, last 90 days',
      ),
    ).toBeInTheDocument();
  });

  it('links each definition and the card to the org page', async () => {
    await renderCard(new FakeReleaseLedgerApi());

    expect(
      await screen.findByRole('link', { name: /Delivery metrics for the org/ }),
    ).toHaveAttribute('href', '/release-ledger');
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'How lead time for changes is measured',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByRole('link', { name: 'All definitions and bands' }),
    ).toHaveAttribute('href', '/release-ledger#dora-definitions');
  });

  it('shows a progress bar while loading', async () => {
    const api = new FakeReleaseLedgerApi();
    jest.spyOn(api, 'getMetrics').mockReturnValue(new Promise(() => {}));
    await renderCard(api);

    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Deployment frequency' }),
    ).not.toBeInTheDocument();
  });

  it('explains an error', async () => {
    const api = new FakeReleaseLedgerApi();
    api.metricsError = await responseError(
      400,
      'InputError',
      'ref: must be an entity ref',
    );
    await renderCard(api);

    expect(
      await screen.findByText('Error: Could not load DORA metrics'),
    ).toBeInTheDocument();
    expect(screen.getByText('ref: must be an entity ref')).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Deployment frequency' }),
    ).not.toBeInTheDocument();
  });

  it('explains a window without releases and links to the docs', async () => {
    const api = new FakeReleaseLedgerApi();
    api.metrics = makeMetricsResponse({
      scope: 'entity',
      metrics: makeEmptyDoraMetrics(),
    });
    await renderCard(api);

    expect(
      await screen.findByText(
        'No production releases of this entity in the last 30 days',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /^record releases/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/release-ledger/release-ledger#the-event-api',
    );
    expect(
      screen.queryByRole('region', { name: 'Deployment frequency' }),
    ).not.toBeInTheDocument();
    // The window stays pickable, to look further back.
    expect(
      screen.getByRole('button', { name: 'Last 365 days' }),
    ).toBeInTheDocument();
  });

  it('mentions incidents that no release could be blamed for', async () => {
    const api = new FakeReleaseLedgerApi();
    api.metrics = makeMetricsResponse({
      scope: 'entity',
      unattributedIncidents: [
        {
          incidentId: 'INC-9',
          entityRef: 'component:default/payments-api',
          severity: 'SEV-2',
          startedAt: '2026-11-20T10:00:00.000Z',
          attribution: 'unattributed',
        },
      ],
    });
    await renderCard(api);

    expect(
      await screen.findByText(
        '1 incident in this window could not be attributed to a release and are not counted as failures.',
      ),
    ).toBeInTheDocument();
  });
});
