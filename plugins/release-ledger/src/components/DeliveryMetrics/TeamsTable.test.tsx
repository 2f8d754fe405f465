import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeReleaseLedgerApi } from '../../__testUtils__/fakeReleaseLedgerApi';
import { makeTeamRow } from '../../__testUtils__/metricsFixtures';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { TeamsTable } from './TeamsTable';

const HOUR = 3_600_000;

const base = makeTeamRow('group:default/x', undefined).metrics;

// Worst change failure rate first, the way the backend orders them.
const teams = [
  makeTeamRow('group:default/team-checkout', 'Checkout', {
    changeFailureRate: {
      ...base.changeFailureRate,
      rate: 0.3,
      failures: 3,
      deployments: 10,
      band: 'low',
    },
    leadTime: { ...base.leadTime, p50Ms: 30 * HOUR, band: 'high' },
    deploymentFrequency: { ...base.deploymentFrequency, deploysPerWeek: 1 },
    reworkRate: {
      ...base.reworkRate,
      deployments: 10,
      reworkDeployments: 2,
      rate: 0.2,
    },
  }),
  makeTeamRow('group:default/team-payments', 'Payments', {
    changeFailureRate: {
      ...base.changeFailureRate,
      rate: 0.1,
      failures: 1,
      deployments: 10,
      band: 'high',
    },
    leadTime: { ...base.leadTime, p50Ms: 2 * HOUR, band: 'elite' },
    deploymentFrequency: { ...base.deploymentFrequency, deploysPerWeek: 9 },
    reworkRate: {
      ...base.reworkRate,
      deployments: 10,
      reworkDeployments: 1,
      rate: 0.1,
    },
  }),
  makeTeamRow('group:default/team-search', undefined, {
    changeFailureRate: {
      ...base.changeFailureRate,
      rate: 0.2,
      failures: 2,
      deployments: 10,
      band: 'low',
    },
    leadTime: { sampleSize: 0, notEnoughData: true },
    deploymentFrequency: { ...base.deploymentFrequency, deploysPerWeek: 4 },
    reworkRate: {
      deployments: 0,
      reworkDeployments: 0,
      sampleSize: 0,
      notEnoughData: true,
    },
  }),
];

/** The team names in table order. */
function teamOrder(): string[] {
  const table = screen.getByRole('table');
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).getAllByRole('cell')[0].textContent ?? '');
}

describe('TeamsTable', () => {
  it('lists every team with its figures, bands and a link to its page', async () => {
    await renderWithApis(<TeamsTable teams={teams} />, {
      api: new FakeReleaseLedgerApi(),
    });

    expect(screen.getByText('Teams (3)')).toBeInTheDocument();
    expect(teamOrder()).toEqual(['Checkout', 'Payments', 'team-search']);
    expect(screen.getByRole('link', { name: 'Checkout' })).toHaveAttribute(
      'href',
      '/catalog/default/group/team-checkout',
    );
    expect(screen.getByRole('link', { name: /team-search/ })).toHaveAttribute(
      'href',
      '/catalog/default/group/team-search',
    );

    const checkout = screen
      .getByRole('link', { name: 'Checkout' })
      .closest('tr')!;
    expect(checkout).toHaveTextContent('30 %');
    expect(checkout).toHaveTextContent('3 of 10 deployments failed');
    expect(checkout).toHaveTextContent('1.3 d');
    expect(within(checkout).getByText('Low')).toBeInTheDocument();
    expect(checkout).toHaveTextContent('1 deploys/week');
    expect(checkout).toHaveTextContent(
      '2 of 10 deployments fixed an incident or a release',
    );
    expect(within(checkout).getByText('no band')).toBeInTheDocument();
    const search = screen
      .getByRole('link', { name: /team-search/ })
      .closest('tr')!;
    expect(search).toHaveTextContent('no changes promoted');
    expect(
      within(search).getAllByText(/^not enough data/).length,
    ).toBeGreaterThan(0);
  });

  it('sorts by each figure, best first, teams without a value last', async () => {
    await renderWithApis(<TeamsTable teams={teams} />, {
      api: new FakeReleaseLedgerApi(),
    });

    await userEvent.click(
      screen.getByRole('button', { name: 'Change failure rate' }),
    );
    expect(teamOrder()).toEqual(['Payments', 'team-search', 'Checkout']);

    await userEvent.click(
      screen.getByRole('button', { name: 'Change failure rate' }),
    );
    expect(teamOrder()).toEqual(['Checkout', 'team-search', 'Payments']);

    await userEvent.click(
      screen.getByRole('button', { name: 'Lead time for changes' }),
    );
    expect(teamOrder()).toEqual(['Payments', 'Checkout', 'team-search']);

    await userEvent.click(
      screen.getByRole('button', { name: 'Deployment frequency' }),
    );
    expect(teamOrder()).toEqual(['Payments', 'team-search', 'Checkout']);

    await userEvent.click(
      screen.getByRole('button', { name: 'Deployment rework rate' }),
    );
    expect(teamOrder()).toEqual(['Payments', 'Checkout', 'team-search']);
  });

  it('says so when no team released', async () => {
    await renderWithApis(<TeamsTable teams={[]} />, {
      api: new FakeReleaseLedgerApi(),
    });

    expect(
      screen.getByText('No team released to production in this window.'),
    ).toBeInTheDocument();
  });
});
