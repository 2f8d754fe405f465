import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import { BandChip } from './BandChip';

describe('BandChip', () => {
  it.each([
    ['elite', 'Elite'],
    ['high', 'High'],
    ['medium', 'Medium'],
    ['low', 'Low'],
  ] as const)('names the %s band', async (band, label) => {
    await renderInTestApp(
      <BandChip figure={{ sampleSize: 12, notEnoughData: false, band }} />,
    );
    const chip = screen.getByText(label).closest('[data-band]');
    expect(chip).toHaveAttribute('data-band', band);
  });

  it('styles each band with its own colour class', async () => {
    await renderInTestApp(
      <>
        {(['elite', 'high', 'medium', 'low'] as const).map(band => (
          <BandChip
            key={band}
            figure={{ sampleSize: 12, notEnoughData: false, band }}
          />
        ))}
      </>,
    );
    for (const [label, band] of [
      ['Elite', 'elite'],
      ['High', 'high'],
      ['Medium', 'medium'],
      ['Low', 'low'],
    ]) {
      expect(screen.getByText(label).closest('[data-band]')!.className).toMatch(
        new RegExp(`ReleaseLedgerBandChip-${band}\\b`),
      );
    }
  });

  it('says "not enough data" with the sample size instead of a band', async () => {
    await renderInTestApp(
      <BandChip
        figure={{ sampleSize: 3, notEnoughData: true, band: 'elite' }}
        minSamples={5}
      />,
    );
    expect(screen.getByText('not enough data (n = 3)')).toBeInTheDocument();
    expect(screen.queryByText('Elite')).not.toBeInTheDocument();

    await userEvent.hover(screen.getByText('not enough data (n = 3)'));
    expect(
      await screen.findByText(
        'A band needs at least 5 samples; this figure has 3.',
      ),
    ).toBeInTheDocument();
  });

  it('renders nothing for a figure without a band', async () => {
    const { container } = await renderInTestApp(
      <BandChip figure={{ sampleSize: 9, notEnoughData: false }} />,
    );
    expect(container.querySelector('[data-band]')).toBeNull();
  });

  it('says "no band" for a metric no band set ranks, and why', async () => {
    await renderInTestApp(
      <BandChip
        figure={{ sampleSize: 9, notEnoughData: false }}
        unbanded="No published thresholds."
      />,
    );
    const chip = screen.getByText('no band');
    expect(chip.closest('[data-band]')).toHaveAttribute('data-band', 'none');
    await userEvent.hover(chip);
    expect(
      await screen.findByText('No published thresholds.'),
    ).toBeInTheDocument();
  });
});
