import { useLocation } from 'react-router-dom';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  CONTRIBUTING_SYSTEMS_DEFINITION,
  METRIC_DEFINITIONS,
  type MetricsResponse,
} from '@release-ledger/plugin-release-ledger-common';
import {
  FakeReleaseLedgerApi,
  responseError,
} from '../../__testUtils__/fakeReleaseLedgerApi';
import {
  makeEmptyDoraMetrics,
  makeMetricsResponse,
  makeTeamRow,
} from '../../__testUtils__/metricsFixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { utcWeekOf } from '../../utils/formatMetrics';
import { DeliveryMetrics } from './DeliveryMetrics';

function orgResponse(overrides: Partial<MetricsResponse> = {}) {
  return makeMetricsResponse({
    teams: [
      makeTeamRow('group:default/team-checkout', 'Checkout'),
      makeTeamRow('group:default/team-payments', 'Payments'),
    ],
    topContributors: [
      {
        systemRef: 'system:default/checkout',
        failures: 3,
        deployments: 12,
        components: [
          {
            entityRef: 'component:default/checkout-web',
            ownerRef: 'group:default/team-checkout',
            failures: 2,
            deployments: 5,
          },
          {
            entityRef: 'component:default/cart-api',
            ownerRef: 'group:default/team-cart',
            failures: 1,
            deployments: 4,
          },
        ],
      },
      {
        // No system: the component stands for itself.
        systemRef: 'component:default/payments-api',
        failures: 1,
        deployments: 20,
        components: [
          {
            entityRef: 'component:default/payments-api',
            ownerRef: 'group:default/team-payments',
            failures: 1,
            deployments: 20,
          },
        ],
      },
    ],
    unattributedIncidents: [
      {
        incidentId: 'INC-77',
        entityRef: 'component:default/search-api',
        severity: 'SEV-2',
        title: 'Search latency',
        startedAt: '2026-11-25T08:00:00.000Z',
        attribution: 'unattributed',
      },
    ],
    ...overrides,
  });
}

function LocationProbe() {
  const location = useLocation();
  return (
    <output data-testid="location">{`${location.pathname}${location.search}`}</output>
  );
}

function renderMetrics(
  api: FakeReleaseLedgerApi,
  options: { path?: string; permission?: 'allow' | 'deny' } = {},
) {
  return renderWithApis(
    <>
      <DeliveryMetrics />
      <LocationProbe />
    </>,
    {
      api,
      permission: options.permission,
      routeEntries: [options.path ?? '/release-ledger'],
    },
  );
}

describe('DeliveryMetrics', () => {
  it('shows headline figures, charts, teams, contributors and unattributed incidents', async () => {
    const api = new FakeReleaseLedgerApi();
    api.metrics = orgResponse();
    await renderMetrics(api);

    const headline = await screen.findByRole('region', {
      name: 'Deployment frequency',
    });
    expect(headline).toHaveTextContent('4.2 deploys/week');
    expect(
      screen.getByRole('region', { name: 'Lead time for changes' }),
    ).toHaveTextContent('3.2 h');
    expect(
      within(screen.getByRole('region', { name: 'Time to restore' })).getByText(
        'not enough data (n = 2)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('region', { name: 'Deployment rework rate' }),
    ).toHaveTextContent('18.8 %');
    expect(api.metricsCalls).toEqual([
      { scope: 'org', ref: undefined, window: '30d', bandSet: undefined },
    ]);

    // Charts, with the change failure rate target and the rework rate.
    expect(
      screen.getByRole('img', {
        name: 'Weekly change failure rate and deployment rework rate over 5 weeks against a change failure rate target of 15 %',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: 'Weekly lead time median and p90 over 5 weeks',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: 'Weekly time to restore, median to p95, over 5 weeks',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: 'Deploys and deploy days per week over 5 weeks',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Weekly shares of deployments, against the failure target of 15 %',
      ),
    ).toBeInTheDocument();

    // Teams link to their catalog pages.
    expect(screen.getByText('Teams (2)')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Checkout' })).toHaveAttribute(
      'href',
      '/catalog/default/group/team-checkout',
    );

    // Top contributing systems with failure counts, their components beneath.
    const contributors = screen.getByRole('list', {
      name: 'Top contributing systems',
    });
    const [first, second] = Array.from(contributors.children);
    expect(first).toHaveTextContent(
      /^1\.checkout3 failures in 12 deployments \(25 %\)/,
    );
    expect(
      within(first as HTMLElement).getAllByRole('link')[0],
    ).toHaveAttribute('href', '/catalog/default/system/checkout');
    const components = within(first as HTMLElement).getByRole('list', {
      name: 'Components of system:default/checkout',
    });
    const [web, cart] = within(components).getAllByRole('listitem');
    expect(web).toHaveTextContent(
      'checkout-web2 failures in 5 deployments (40 %)owned by team-checkout',
    );
    expect(
      within(web).getByRole('link', { name: /checkout-web/ }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout-web');
    expect(
      within(web).getByRole('link', { name: /team-checkout/ }),
    ).toHaveAttribute('href', '/catalog/default/group/team-checkout');
    expect(cart).toHaveTextContent('cart-api1 failure in 4 deployments (25 %)');
    // A component without a system: no list beneath, its owner instead.
    expect(second).toHaveTextContent(
      '2.payments-api1 failure in 20 deployments (5 %)owned by team-payments',
    );
    expect(within(second as HTMLElement).queryByRole('list')).toBeNull();

    // Unattributed incidents.
    expect(screen.getByText('Unattributed incidents (1)')).toBeInTheDocument();
    expect(screen.getByText('INC-77')).toBeInTheDocument();
    expect(screen.getByText('Search latency')).toBeInTheDocument();
  });

  it('lists every definition under an anchor the cards link to', async () => {
    const api = new FakeReleaseLedgerApi();
    await renderMetrics(api);

    const definitions = await screen.findByRole('region', {
      name: 'Definitions',
    });
    expect(definitions).toHaveAttribute('id', 'dora-definitions');
    for (const { title, definition } of Object.values(METRIC_DEFINITIONS)) {
      expect(
        within(definitions).getByText(title, { selector: 'dt' }),
      ).toBeInTheDocument();
      expect(within(definitions).getByText(definition)).toBeInTheDocument();
    }
    expect(
      within(definitions).getByText(CONTRIBUTING_SYSTEMS_DEFINITION),
    ).toBeInTheDocument();
    const bands = await within(definitions).findByRole('table', {
      name: 'Bands of dora-2023',
    });
    const leadTime = within(bands).getByRole('row', {
      name: /Lead time for changes/,
    });
    expect(leadTime).toHaveTextContent('≤ 1 d≤ 7 d≤ 30 dotherwise');
    // Rework rate is defined, but no band set ranks it.
    expect(
      within(definitions).getByText(METRIC_DEFINITIONS.reworkRate.unbanded!),
    ).toBeInTheDocument();
    expect(
      within(bands).queryByRole('row', { name: /Deployment rework rate/ }),
    ).not.toBeInTheDocument();
    expect(within(bands).getAllByRole('row')).toHaveLength(5);
    expect(definitions).toHaveTextContent(
      'A figure with fewer than 5 samples shows "not enough data" instead of a band.',
    );
  });

  it('keeps window and band set in the query string', async () => {
    const api = new FakeReleaseLedgerApi();
    api.metrics = request =>
      makeMetricsResponse({
        window: request.window,
        metrics: {
          ...makeMetricsResponse().metrics,
          bandSet: request.bandSet ?? 'dora-2023',
        },
      });
    await renderMetrics(api, {
      path: '/release-ledger?window=90d&bandSet=dora-2021',
    });

    await screen.findByRole('region', { name: 'Deployment frequency' });
    expect(api.metricsCalls[0]).toEqual({
      scope: 'org',
      ref: undefined,
      window: '90d',
      bandSet: 'dora-2021',
    });
    expect(
      screen.getByRole('button', { name: 'Last 90 days' }),
    ).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByLabelText('Band set')).toHaveValue('dora-2021');

    await userEvent.click(screen.getByRole('button', { name: 'Last 7 days' }));
    await waitFor(() =>
      expect(api.metricsCalls.at(-1)).toMatchObject({
        window: '7d',
        bandSet: 'dora-2021',
      }),
    );
    expect(screen.getByTestId('location')).toHaveTextContent(
      '/release-ledger?window=7d&bandSet=dora-2021',
    );

    await userEvent.selectOptions(
      screen.getByLabelText('Band set'),
      'dora-2023',
    );
    await waitFor(() =>
      expect(api.metricsCalls.at(-1)).toMatchObject({
        window: '7d',
        bandSet: 'dora-2023',
      }),
    );
    expect(screen.getByTestId('location')).toHaveTextContent(
      '/release-ledger?window=7d&bandSet=dora-2023',
    );
    expect(
      await screen.findByRole('table', { name: 'Bands of dora-2023' }),
    ).toBeInTheDocument();
  });

  it('ignores a window it does not know', async () => {
    const api = new FakeReleaseLedgerApi();
    await renderMetrics(api, { path: '/release-ledger?window=2y' });

    await screen.findByRole('region', { name: 'Deployment frequency' });
    expect(api.metricsCalls[0].window).toBe('30d');
  });

  it('shows the backend’s message for bad parameters, with the pickers still there', async () => {
    const api = new FakeReleaseLedgerApi();
    api.metricsError = await responseError(
      400,
      'InputError',
      "unknown band set 'strict'; known: dora-2023, dora-2021",
    );
    await renderMetrics(api, { path: '/release-ledger?bandSet=strict' });

    expect(
      await screen.findByText('Could not load metrics', { exact: false }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        "unknown band set 'strict'; known: dora-2023, dora-2021",
      ),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Band set')).toHaveValue('strict');
    expect(
      screen.getByRole('button', { name: 'Last 30 days' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Deployment frequency' }),
    ).not.toBeInTheDocument();
  });

  it('shows progress while the figures load', async () => {
    const api = new FakeReleaseLedgerApi();
    jest.spyOn(api, 'getMetrics').mockReturnValue(new Promise(() => {}));
    await renderMetrics(api);

    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Delivery metrics' }),
    ).toBeInTheDocument();
  });

  it('explains an org without releases in the window', async () => {
    const api = new FakeReleaseLedgerApi();
    api.metrics = makeMetricsResponse({ metrics: makeEmptyDoraMetrics() });
    await renderMetrics(api);

    expect(
      await screen.findByText('No production releases in the last 30 days'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /How to record releases/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/release-ledger/release-ledger#the-event-api',
    );
    expect(screen.queryByText(/^Teams/)).not.toBeInTheDocument();
    // The note and the definitions are still there.
    expect(await screen.findByText('This week’s note')).toBeInTheDocument();
    expect(
      screen.getByRole('region', { name: 'Definitions' }),
    ).toBeInTheDocument();
  });

  it('shows the current week’s note, editable only with the permission', async () => {
    const week = utcWeekOf();
    const api = new FakeReleaseLedgerApi();
    api.notes.set(week, {
      week,
      text: 'CFR up: two rollbacks in checkout-web.',
      author: 'user:default/amara',
      updatedAt: new Date().toISOString(),
    });
    await renderMetrics(api, { permission: 'deny' });

    expect(
      await screen.findByText('CFR up: two rollbacks in checkout-web.'),
    ).toBeInTheDocument();
    expect(api.noteCalls).toEqual([week]);
    expect(
      screen.queryByRole('button', { name: 'Edit note' }),
    ).not.toBeInTheDocument();
  });

  it('offers users with the permission to write the current week’s note', async () => {
    const api = new FakeReleaseLedgerApi();
    await renderMetrics(api, { permission: 'allow' });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Write a note' }),
    );
    expect(
      screen.getByRole('textbox', {
        name: `Note for the week of ${utcWeekOf()}`,
      }),
    ).toBeInTheDocument();
  });
});
