import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  FakeReleaseLedgerApi,
  makeEvent,
  makeRelease,
  responseError,
} from '../../__testUtils__/fakeReleaseLedgerApi';
import {
  paymentsApi,
  renderWithApis,
} from '../../__testUtils__/renderWithApis';
import { rootRouteRef } from '../../routes';
import { EntityReleasesContent } from './EntityReleasesContent';

const ENTITY_REF = 'component:default/payments-api';

const finishedRollback = makeRelease({
  releaseId: 'payments-api@2.0.0',
  version: '2.0.0',
  status: 'finished',
  outcome: 'rolled_back',
  commit: 'fedcba9876543210',
  startedAt: '2026-11-22T10:00:00.000Z',
  promotedAt: undefined,
  rolledBackAt: '2026-11-22T10:10:00.000Z',
  finishedAt: '2026-11-22T10:15:00.000Z',
  anomalies: [
    {
      eventId: 'evt-x',
      type: 'promoted',
      message: 'promoted after rolled_back',
    },
  ],
  events: [
    makeEvent(
      'release_started',
      {},
      {
        releaseId: 'payments-api@2.0.0',
        timestamp: '2026-11-22T10:00:00.000Z',
        version: '2.0.0',
      },
    ),
    makeEvent(
      'rolled_back',
      { reason: 'p95 latency 870ms > 500ms on canary', owner: 'bo' },
      {
        releaseId: 'payments-api@2.0.0',
        timestamp: '2026-11-22T10:10:00.000Z',
      },
    ),
  ],
} as never);

const canary = makeRelease({
  releaseId: 'payments-api@3.0.0',
  version: '3.0.0',
  status: 'canary',
  outcome: undefined,
  startedAt: '2026-11-23T10:00:00.000Z',
  promotedAt: undefined,
  finishedAt: undefined,
});

const promoted = makeRelease(); // payments-api@1.0.0, finished · promoted

const otherEntity = makeRelease({
  releaseId: 'cart-service@9.9.9',
  entityRef: 'component:default/cart-service',
  version: '9.9.9',
});

describe('EntityReleasesContent', () => {
  it('lists the entity’s releases newest first with status chips', async () => {
    const api = new FakeReleaseLedgerApi([
      promoted,
      finishedRollback,
      canary,
      otherEntity,
    ]);
    await renderWithApis(<EntityReleasesContent />, {
      api,
      entity: paymentsApi,
    });

    expect(await screen.findByText('3.0.0')).toBeInTheDocument();
    expect(api.listCalls[0]).toEqual({ entityRef: ENTITY_REF });
    expect(screen.queryByText('9.9.9')).not.toBeInTheDocument();

    const rows = screen
      .getAllByRole('row')
      .filter(row => within(row).queryByText(/^\d\.0\.0$/));
    expect(
      rows.map(row => within(row).getByText(/^\d\.0\.0$/).textContent),
    ).toEqual(['3.0.0', '2.0.0', '1.0.0']);
    expect(within(rows[0]).getByText('canary')).toBeInTheDocument();
    expect(within(rows[0]).getByText(/\(running\)/)).toBeInTheDocument();
    expect(
      within(rows[1]).getByText('finished · rolled back'),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('15m')).toBeInTheDocument();
    expect(within(rows[1]).getByText('fedcba9')).toBeInTheDocument();
    expect(
      within(rows[1]).getByLabelText("1 anomaly in this release's events"),
    ).toBeInTheDocument();
    expect(
      within(rows[2]).getByText('finished · promoted'),
    ).toBeInTheDocument();
    expect(
      within(rows[2]).getByText('2026-11-20 10:20 UTC'),
    ).toBeInTheDocument();
    expect(within(rows[2]).getByText('42m')).toBeInTheDocument();
    expect(within(rows[2]).getByText('team-payments')).toBeInTheDocument();
    expect(within(rows[2]).queryByLabelText(/anomal/)).not.toBeInTheDocument();

    // Without a mounted route ref, links fall back to the default page path.
    expect(
      within(rows[1]).getByRole('link', {
        name: 'Details of release payments-api@2.0.0',
      }),
    ).toHaveAttribute('href', '/release-ledger/releases/payments-api%402.0.0');
  });

  it('links to release details below the mounted Release Ledger page', async () => {
    const api = new FakeReleaseLedgerApi([promoted]);
    await renderWithApis(<EntityReleasesContent />, {
      api,
      entity: paymentsApi,
      mountedRoutes: { '/ledger': rootRouteRef },
    });

    expect(
      await screen.findByRole('link', {
        name: 'Details of release payments-api@1.0.0',
      }),
    ).toHaveAttribute('href', '/ledger/releases/payments-api%401.0.0');
  });

  it('fetches and shows a release’s timeline when its row is expanded', async () => {
    const api = new FakeReleaseLedgerApi([promoted, finishedRollback, canary]);
    await renderWithApis(<EntityReleasesContent />, {
      api,
      entity: paymentsApi,
    });
    await screen.findByText('2.0.0');
    expect(api.getCalls).toEqual([]);

    const toggles = screen.getAllByRole('button', {
      name: 'Detail panel visiblity toggle',
    });
    expect(toggles).toHaveLength(3);
    await userEvent.click(toggles[1]);

    const panel = await screen.findByTestId(
      'release-events-payments-api@2.0.0',
    );
    expect(await within(panel).findByText('Rolled back')).toBeInTheDocument();
    expect(
      within(panel).getByText('p95 latency 870ms > 500ms on canary — by bo'),
    ).toBeInTheDocument();
    expect(within(panel).getByText('Release started')).toBeInTheDocument();
    expect(within(panel).getByText('version 2.0.0')).toBeInTheDocument();
    expect(api.getCalls).toEqual(['payments-api@2.0.0']);
  });

  it('loads more releases with the next cursor', async () => {
    const many = Array.from({ length: 5 }, (_, i) =>
      makeRelease({
        releaseId: `payments-api@1.${i}.0`,
        version: `1.${i}.0`,
        startedAt: `2026-11-2${i}T10:00:00.000Z`,
      }),
    );
    const api = new FakeReleaseLedgerApi(many, 3);
    await renderWithApis(<EntityReleasesContent />, {
      api,
      entity: paymentsApi,
    });

    expect(await screen.findByText('1.4.0')).toBeInTheDocument();
    expect(screen.queryByText('1.1.0')).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));

    expect(await screen.findByText('1.1.0')).toBeInTheDocument();
    expect(screen.getByText('1.0.0')).toBeInTheDocument();
    expect(screen.getByText('1.4.0')).toBeInTheDocument();
    expect(api.listCalls[1]).toEqual({ entityRef: ENTITY_REF, cursor: '3' });
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Load more' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('explains how to record a first release, with a curl command for this entity', async () => {
    const api = new FakeReleaseLedgerApi([otherEntity]);
    await renderWithApis(<EntityReleasesContent />, {
      api,
      entity: paymentsApi,
    });

    expect(
      await screen.findByText('No releases recorded for payments-api yet'),
    ).toBeInTheDocument();
    const curl = await screen.findByText(
      (_, element) =>
        element?.tagName === 'CODE' &&
        (element.textContent ?? '').startsWith('curl -X POST'),
    );
    const text = curl.textContent ?? '';
    expect(text).toContain(
      "curl -X POST 'http://backend.test/api/release-ledger/events'",
    );
    expect(text).toContain('-H "Authorization: Bearer $RELEASE_LEDGER_TOKEN"');
    expect(text).toContain("-H 'Content-Type: application/json'");
    const body = JSON.parse(
      text.slice(text.indexOf("-d '") + 4, text.lastIndexOf("'")),
    );
    expect(body).toEqual({
      type: 'release_started',
      releaseId: 'payments-api@1.0.0',
      entityRef: ENTITY_REF,
      version: '1.0.0',
    });
  });

  it('shows the error when releases cannot be loaded', async () => {
    const api = new FakeReleaseLedgerApi([promoted]);
    api.listError = await responseError(
      403,
      'NotAllowedError',
      'reading releases needs the permission release-ledger.release.read',
    );
    await renderWithApis(<EntityReleasesContent />, {
      api,
      entity: paymentsApi,
    });

    expect(
      await screen.findByText(
        'reading releases needs the permission release-ledger.release.read',
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/NotAllowedError/).length).toBeGreaterThan(0);
    expect(screen.queryByText('1.0.0')).not.toBeInTheDocument();
  });
});
