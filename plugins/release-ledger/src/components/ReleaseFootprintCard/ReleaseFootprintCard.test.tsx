import { screen, within } from '@testing-library/react';
import type { ReleaseDoraFootprint } from '@release-ledger/plugin-release-ledger-common';
import { FakeReleaseLedgerApi } from '../../__testUtils__/fakeReleaseLedgerApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { rootRouteRef } from '../../routes';
import { ReleaseFootprintCard } from './ReleaseFootprintCard';

const HOUR = 3_600_000;

const failed: ReleaseDoraFootprint = {
  releaseId: 'payments-api@2.0.0',
  entityRef: 'component:default/payments-api',
  environment: 'production',
  isDeployment: true,
  startedAt: '2026-11-27T10:00:00.000Z',
  promotedAt: '2026-11-27T10:30:00.000Z',
  leadTimesMs: [2 * HOUR, 5 * HOUR, 36 * HOUR],
  failed: true,
  failureCauses: ['rolled_back', 'incident'],
  firstFailureSignalAt: '2026-11-27T11:00:00.000Z',
  restoredAt: '2026-11-27T11:45:00.000Z',
  timeToRestoreMs: 45 * 60_000,
  incidents: [
    {
      incidentId: 'INC-321',
      entityRef: 'component:default/payments-api',
      severity: 'SEV-2',
      title: 'Refund errors',
      startedAt: '2026-11-27T11:00:00.000Z',
      attribution: 'explicit',
      releaseId: 'payments-api@2.0.0',
    },
    {
      incidentId: 'INC-322',
      entityRef: 'component:default/payments-api',
      severity: 'SEV-1',
      startedAt: '2026-11-27T11:10:00.000Z',
      resolvedAt: '2026-11-27T12:00:00.000Z',
      attribution: 'window',
      releaseId: 'payments-api@2.0.0',
    },
  ],
};

function render(footprint: ReleaseDoraFootprint) {
  return renderWithApis(<ReleaseFootprintCard footprint={footprint} />, {
    api: new FakeReleaseLedgerApi(),
    mountedRoutes: { '/release-ledger': rootRouteRef },
  });
}

function fact(label: string) {
  return screen.getByText(label, { selector: 'dt' }).nextElementSibling!;
}

describe('ReleaseFootprintCard', () => {
  it('shows lead times, failure causes, time to restore and attributed incidents', async () => {
    await render(failed);

    expect(fact('Lead time per change')).toHaveTextContent(
      'median 5 h over 3 changes (2 h to 1.5 d)',
    );
    expect(fact('Failed')).toHaveTextContent(
      'Yes — rolled back, attributed SEV-1/SEV-2 incident',
    );
    expect(fact('Time to restore')).toHaveTextContent(
      '45 min (2026-11-27 11:00 UTC → 2026-11-27 11:45 UTC)',
    );
    expect(fact('Rework')).toHaveTextContent('No');

    const incidents = screen.getByRole('list', {
      name: 'Attributed incidents',
    });
    const items = within(incidents).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('INC-321 (SEV-2) Refund errors');
    expect(within(items[0]).getByText('explicit')).toBeInTheDocument();
    expect(items[1]).toHaveTextContent('INC-322 (SEV-1)');
    expect(
      within(items[1]).getByText('attributed within window'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /How the metrics are defined/ }),
    ).toHaveAttribute('href', '/release-ledger#dora-definitions');
  });

  it('shows a healthy release as not failed', async () => {
    await render({
      ...failed,
      leadTimesMs: [90 * 60_000],
      failed: false,
      failureCauses: [],
      firstFailureSignalAt: undefined,
      restoredAt: undefined,
      timeToRestoreMs: undefined,
      incidents: [],
    });

    expect(fact('Lead time per change')).toHaveTextContent(
      'median 1.5 h over 1 change',
    );
    expect(fact('Failed')).toHaveTextContent('No');
    expect(fact('Time to restore')).toHaveTextContent('—');
    expect(fact('Rework')).toHaveTextContent('No');
    expect(
      screen.getByText('No incidents were attributed to this release.'),
    ).toBeInTheDocument();
  });

  it('says when the release is rework: it fixes an incident or an earlier release', async () => {
    await render({ ...failed, isRework: true });

    expect(fact('Rework')).toHaveTextContent(
      'Yes — it fixes an incident or an earlier release',
    );
  });

  it('says when a failure is not restored yet', async () => {
    await render({
      ...failed,
      failureCauses: ['incident'],
      restoredAt: undefined,
      timeToRestoreMs: undefined,
    });

    expect(fact('Time to restore')).toHaveTextContent(
      'not restored yet (first failure signal 2026-11-27 11:00 UTC)',
    );
  });

  it('explains that releases outside production do not count', async () => {
    await render({
      ...failed,
      environment: 'staging',
      isDeployment: false,
      leadTimesMs: [],
      failed: false,
      failureCauses: [],
      timeToRestoreMs: undefined,
      incidents: [],
    });

    expect(
      screen.getByText(
        'Only production releases count towards the DORA metrics; this one ran in staging.',
      ),
    ).toBeInTheDocument();
    expect(fact('Lead time per change')).toHaveTextContent('—');
    // Not a deployment, so neither rework nor not.
    expect(screen.queryByText('Rework', { selector: 'dt' })).toBeNull();
  });
});
