import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { RELEASE_STATUSES } from '@release-ledger/plugin-release-ledger-common';
import { ReleaseStatusChip, releaseStatusLabel } from './ReleaseStatusChip';

describe('ReleaseStatusChip', () => {
  it('labels each status', () => {
    expect(
      RELEASE_STATUSES.map(status => releaseStatusLabel({ status })),
    ).toEqual([
      'pending',
      'started',
      'canary',
      'promoted',
      'rolled back',
      'finished',
    ]);
  });

  it('shows the outcome of a finished release', async () => {
    await renderInTestApp(
      <>
        <ReleaseStatusChip
          release={{ status: 'finished', outcome: 'rolled_back' }}
        />
        <ReleaseStatusChip
          release={{ status: 'finished', outcome: 'promoted' }}
        />
      </>,
    );
    expect(screen.getByText('finished · rolled back')).toBeInTheDocument();
    expect(screen.getByText('finished · promoted')).toBeInTheDocument();
  });

  it('gives every status its own background colour', async () => {
    await renderInTestApp(
      <>
        {RELEASE_STATUSES.map(status => (
          <ReleaseStatusChip key={status} release={{ status }} />
        ))}
      </>,
    );
    // jsdom's computed styles ignore selector specificity, so read the
    // background from the style rule of each chip's status class instead.
    const rules = Array.from(document.styleSheets).flatMap(sheet =>
      Array.from(sheet.cssRules),
    ) as CSSStyleRule[];
    const backgrounds = RELEASE_STATUSES.map(status => {
      const chip = screen
        .getByText(releaseStatusLabel({ status }))
        .closest('[data-status]') as HTMLElement;
      expect(chip).toHaveAttribute('data-status', status);
      const statusClass = Array.from(chip.classList).find(c =>
        c.startsWith(`ReleaseLedgerStatusChip-${status}-`),
      );
      expect(statusClass).toBeDefined();
      const rule = rules.find(r => r.selectorText?.includes(`.${statusClass}`));
      return rule?.style.backgroundColor;
    });
    expect(backgrounds.every(Boolean)).toBe(true);
    expect(new Set(backgrounds).size).toBe(RELEASE_STATUSES.length);
  });
});
