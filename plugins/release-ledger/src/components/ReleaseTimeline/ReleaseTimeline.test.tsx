import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import type { ReleaseEvent } from '@release-ledger/plugin-release-ledger-common';
import { makeEvent } from '../../__testUtils__/fakeReleaseLedgerApi';
import { ReleaseTimeline } from './ReleaseTimeline';

const at = (minute: number) =>
  `2026-11-27T10:${String(minute).padStart(2, '0')}:00.000Z`;

/** One event of every type, each with a distinct time. */
const EVENTS: ReleaseEvent[] = [
  makeEvent(
    'pr_merged',
    { prNumber: 1234, title: 'fix: handle null currency', author: 'amara' },
    { timestamp: at(0) },
  ),
  makeEvent(
    'release_started',
    { plan: 'canary 10% then promote', risk: 'medium', changeCount: 3 },
    {
      timestamp: at(1),
      version: '2026.11.27.1',
      commit: 'abcdef0123456789',
    },
  ),
  makeEvent('canary_started', { weight: 10 }, { timestamp: at(2) }),
  makeEvent(
    'gate_evaluated',
    { gate: 'error-rate', verdict: 'pass', reason: 'error rate 0.2% < 1%' },
    { timestamp: at(3) },
  ),
  makeEvent(
    'gate_failed',
    { gate: 'latency', reason: 'p95 870ms > 500ms' },
    { timestamp: at(4) },
  ),
  makeEvent('canary_passed', {}, { timestamp: at(5) }),
  makeEvent('promoted', { weight: 100 }, { timestamp: at(6) }),
  makeEvent(
    'rolled_back',
    { reason: 'checkout conversion dropped', owner: 'bo' },
    { timestamp: at(7) },
  ),
  makeEvent(
    'release_finished',
    { summary: 'rolled back cleanly' },
    { timestamp: at(8) },
  ),
  makeEvent(
    'incident_started',
    { incidentId: 'INC-123', severity: 'SEV-2', title: 'Checkout errors' },
    { timestamp: at(9) },
  ),
  makeEvent(
    'incident_resolved',
    { incidentId: 'INC-123' },
    { timestamp: at(10) },
  ),
  makeEvent(
    'slo_restored',
    { slo: 'checkout-availability' },
    { timestamp: at(11) },
  ),
  makeEvent(
    'flag_toggled',
    { flag: 'fast-checkout', from: true, to: false },
    { timestamp: at(12) },
  ),
  makeEvent(
    'checklist_item_checked',
    { item: 'Dashboards checked', by: 'chen' },
    { timestamp: at(13) },
  ),
  makeEvent(
    'note_added',
    { text: 'Watching error budget', author: 'elif' },
    { timestamp: at(14) },
  ),
  makeEvent(
    'checklist_item_checked',
    { item: 'Dashboards checked', by: 'chen', checked: false },
    { timestamp: at(15) },
  ),
];

describe('ReleaseTimeline', () => {
  it('renders one meaningful line per event type', async () => {
    await renderInTestApp(<ReleaseTimeline events={EVENTS} />);

    const expected: Array<[string, string | undefined]> = [
      ['PR merged', '#1234 fix: handle null currency — amara'],
      [
        'Release started',
        'version 2026.11.27.1 · commit abcdef0 · 3 changes · plan: canary 10% then promote · risk: medium',
      ],
      ['Canary started', '10% of traffic'],
      ['Gate error-rate evaluated', 'pass — error rate 0.2% < 1%'],
      ['Gate latency failed', 'p95 870ms > 500ms'],
      ['Canary passed', undefined],
      ['Promoted', '100% of traffic'],
      ['Rolled back', 'checkout conversion dropped — by bo'],
      ['Release finished', 'rolled back cleanly'],
      ['Incident started', 'INC-123 (SEV-2) Checkout errors'],
      ['Incident resolved', 'INC-123'],
      ['SLO restored', 'checkout-availability'],
      ['Flag toggled', 'fast-checkout: true → false'],
      ['Checklist item checked', 'Dashboards checked — chen'],
      ['Note', 'Watching error budget — elif'],
      ['Checklist item unchecked', 'Dashboards checked — chen'],
    ];
    const items = screen.getAllByRole('listitem');
    expect(items).toHaveLength(expected.length);
    // Each line's content is its title followed by its detail, if any.
    expect(
      items.map(item => {
        const [title, detail] = Array.from(
          item.querySelectorAll('.MuiTimelineContent-root > div'),
        ).map(el => el.textContent);
        return [title, detail];
      }),
    ).toEqual(expected);
  });

  it('orders events by time and shows absolute UTC and relative times', async () => {
    const late = makeEvent(
      'promoted',
      {},
      { timestamp: '2026-11-27T10:30:00.000Z' },
    );
    const early = makeEvent(
      'release_started',
      {},
      {
        timestamp: '2026-11-27T10:00:00.000Z',
        version: '1.0.0',
      },
    );
    await renderInTestApp(
      <ReleaseTimeline
        events={[late, early]}
        now={Date.parse('2026-11-27T11:00:00.000Z')}
      />,
    );

    const items = screen.getAllByRole('listitem');
    expect(within(items[0]).getByText('Release started')).toBeInTheDocument();
    expect(
      within(items[0]).getByText('2026-11-27 10:00:00 UTC'),
    ).toBeInTheDocument();
    expect(within(items[0]).getByText('1 hour ago')).toBeInTheDocument();
    expect(within(items[1]).getByText('Promoted')).toBeInTheDocument();
    expect(within(items[1]).getByText('30 minutes ago')).toBeInTheDocument();
  });

  it('renders attribute text as text, never as markup', async () => {
    const { container } = await renderInTestApp(
      <ReleaseTimeline
        events={[
          makeEvent('note_added', { text: '<img src=x onerror=alert(1)>bold' }),
        ]}
      />,
    );
    expect(
      screen.getByText('<img src=x onerror=alert(1)>bold'),
    ).toBeInTheDocument();
    expect(container.querySelector('img')).toBeNull();
  });

  it('counts the commits a release lists when the pipeline gave no change count', async () => {
    await renderInTestApp(
      <ReleaseTimeline
        events={[
          makeEvent('release_started', {
            commitCount: 1200,
            commits: [{ sha: 'abcdef0', subject: 'feat: x' }],
          }),
        ]}
      />,
    );
    expect(screen.getByText('1200 changes')).toBeInTheDocument();
  });

  it('says so when there are no events', async () => {
    await renderInTestApp(<ReleaseTimeline events={[]} />);
    expect(
      screen.getByText('No events recorded for this release.'),
    ).toBeInTheDocument();
  });
});
