import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { METRIC_DEFINITIONS } from '@release-ledger/plugin-release-ledger-common';
import {
  makeDoraMetrics,
  makeEmptyDoraMetrics,
} from '../../__testUtils__/metricsFixtures';
import { DoraFigures, MetricFigure } from './MetricFigure';

function figure(title: string) {
  return screen.getByRole('region', { name: title });
}

describe('DoraFigures', () => {
  it('shows the five figures formatted for humans', async () => {
    await renderInTestApp(<DoraFigures metrics={makeDoraMetrics()} />);

    const df = figure('Deployment frequency');
    expect(df).toHaveTextContent('4.2 deploys/week');
    expect(within(df).getByText('3.1 deploy days/week')).toBeInTheDocument();
    expect(within(df).getByText('Sample: 18 promotions')).toBeInTheDocument();

    const lt = figure('Lead time for changes');
    expect(lt).toHaveTextContent('3.2 h');
    expect(within(lt).getByText('median · p90 1.5 d')).toBeInTheDocument();
    expect(within(lt).getByText('Sample: 42 changes')).toBeInTheDocument();

    const cfr = figure('Change failure rate');
    expect(cfr).toHaveTextContent('12.5 %');
    expect(
      within(cfr).getByText('2 of 16 deployments failed'),
    ).toBeInTheDocument();

    const ttr = figure('Time to restore');
    expect(ttr).toHaveTextContent('45 min');
    expect(within(ttr).getByText('median · p95 3.2 h')).toBeInTheDocument();
    expect(
      within(ttr).getByText('Sample: 2 restored failures'),
    ).toBeInTheDocument();

    const rework = figure('Deployment rework rate');
    expect(rework).toHaveTextContent('18.8 %');
    expect(
      within(rework).getByText(
        '3 of 16 deployments fixed an incident or a release',
      ),
    ).toBeInTheDocument();
    expect(
      within(rework).getByText('Sample: 16 deployments'),
    ).toBeInTheDocument();
  });

  it('gives each figure its band chip, or "not enough data" with the sample size', async () => {
    await renderInTestApp(<DoraFigures metrics={makeDoraMetrics()} />);

    expect(
      within(figure('Deployment frequency')).getByText('Elite'),
    ).toBeInTheDocument();
    expect(
      within(figure('Lead time for changes')).getByText('Elite'),
    ).toBeInTheDocument();
    expect(
      within(figure('Change failure rate')).getByText('Medium'),
    ).toBeInTheDocument();
    const ttr = figure('Time to restore');
    expect(
      within(ttr).getByText('not enough data (n = 2)'),
    ).toBeInTheDocument();
    expect(within(ttr).queryByText('Elite')).not.toBeInTheDocument();
  });

  it('gives the rework rate no band, and says why', async () => {
    await renderInTestApp(<DoraFigures metrics={makeDoraMetrics()} />);

    const rework = figure('Deployment rework rate');
    const chip = within(rework).getByText('no band');
    expect(chip.closest('[data-band]')).toHaveAttribute('data-band', 'none');
    for (const band of ['Elite', 'High', 'Medium', 'Low']) {
      expect(within(rework).queryByText(band)).not.toBeInTheDocument();
    }
    await userEvent.hover(chip);
    expect(
      await screen.findByText(METRIC_DEFINITIONS.reworkRate.unbanded!),
    ).toBeInTheDocument();
  });

  it('draws a weekly sparkline per figure', async () => {
    await renderInTestApp(<DoraFigures metrics={makeDoraMetrics()} />);

    expect(
      within(figure('Change failure rate')).getByRole('img', {
        name: 'Weekly trend of change failure rate over 5 weeks',
      }),
    ).toBeInTheDocument();
    expect(
      within(figure('Deployment rework rate')).getByRole('img', {
        name: 'Weekly trend of deployment rework rate over 5 weeks',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getAllByRole('img', { name: /^Weekly trend of/ }),
    ).toHaveLength(5);
  });

  it('opens each metric’s definition with a link to all definitions', async () => {
    await renderInTestApp(
      <DoraFigures
        metrics={makeDoraMetrics()}
        definitionsLink="/release-ledger#dora-definitions"
      />,
    );

    await userEvent.click(
      screen.getByRole('button', {
        name: 'How change failure rate is measured',
      }),
    );

    const dialog = await screen.findByRole('dialog', {
      name: 'Change failure rate: definition',
    });
    expect(
      within(dialog).getByText(METRIC_DEFINITIONS.changeFailureRate.definition),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('link', { name: 'All definitions and bands' }),
    ).toHaveAttribute('href', '/release-ledger#dora-definitions');
  });

  it('says what is missing when a window has no data', async () => {
    await renderInTestApp(<DoraFigures metrics={makeEmptyDoraMetrics()} />);

    expect(figure('Deployment frequency')).toHaveTextContent('0 deploys/week');
    expect(
      within(figure('Lead time for changes')).getByText('no changes promoted'),
    ).toBeInTheDocument();
    expect(
      within(figure('Change failure rate')).getByText('no deployments'),
    ).toBeInTheDocument();
    expect(
      within(figure('Time to restore')).getByText('no restored failures'),
    ).toBeInTheDocument();
    expect(
      within(figure('Deployment rework rate')).getByText('no deployments'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('not enough data (n = 0)')).toHaveLength(5);
    expect(screen.queryByRole('img', { name: /^Weekly trend/ })).toBeNull();
  });
});

describe('MetricFigure', () => {
  it('counts failures that are not restored yet', async () => {
    const metrics = makeDoraMetrics({
      timeToRestore: {
        p50Ms: 2 * 3_600_000,
        p95Ms: 30 * 3_600_000,
        unrestored: 2,
        sampleSize: 7,
        notEnoughData: false,
        band: 'high',
      },
    });
    await renderInTestApp(
      <MetricFigure metric="timeToRestore" metrics={metrics} />,
    );

    const ttr = figure('Time to restore');
    expect(ttr).toHaveTextContent('2 h');
    expect(
      within(ttr).getByText('median · p95 1.3 d · 2 not restored yet'),
    ).toBeInTheDocument();
    expect(within(ttr).getByText('High')).toBeInTheDocument();
    expect(within(ttr).queryByRole('img')).not.toBeInTheDocument();
  });

  it('says the rework rate has not enough data below the minimum sample', async () => {
    const metrics = makeDoraMetrics();
    await renderInTestApp(
      <MetricFigure
        metric="reworkRate"
        metrics={{
          ...metrics,
          reworkRate: {
            ...metrics.reworkRate,
            sampleSize: 3,
            notEnoughData: true,
          },
        }}
      />,
    );
    expect(screen.getByText('not enough data (n = 3)')).toBeInTheDocument();
    expect(screen.queryByText('no band')).not.toBeInTheDocument();
  });
});
