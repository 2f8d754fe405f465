import { useState } from 'react';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/test-utils';
import type { MetricWindow } from '@release-ledger/plugin-release-ledger-common';
import { MetricWindowPicker } from './MetricWindowPicker';

function Harness(props: { onChange: (w: MetricWindow) => void }) {
  const [value, setValue] = useState<MetricWindow>('30d');
  return (
    <MetricWindowPicker
      value={value}
      onChange={w => {
        setValue(w);
        props.onChange(w);
      }}
    />
  );
}

describe('MetricWindowPicker', () => {
  it('offers the four windows with the current one pressed', async () => {
    await renderInTestApp(<Harness onChange={jest.fn()} />);

    for (const days of [7, 30, 90, 365]) {
      expect(
        screen.getByRole('button', { name: `Last ${days} days` }),
      ).toBeInTheDocument();
    }
    expect(
      screen.getByRole('button', { name: 'Last 30 days' }),
    ).toHaveAttribute('aria-pressed', 'true');
  });

  it('switches windows and keeps one when the pressed one is clicked again', async () => {
    const onChange = jest.fn();
    await renderInTestApp(<Harness onChange={onChange} />);

    await userEvent.click(screen.getByRole('button', { name: 'Last 90 days' }));
    expect(onChange).toHaveBeenLastCalledWith('90d');
    expect(
      screen.getByRole('button', { name: 'Last 90 days' }),
    ).toHaveAttribute('aria-pressed', 'true');

    await userEvent.click(screen.getByRole('button', { name: 'Last 90 days' }));
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(
      screen.getByRole('button', { name: 'Last 90 days' }),
    ).toHaveAttribute('aria-pressed', 'true');
  });
});
