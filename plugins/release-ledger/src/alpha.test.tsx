import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ApiBlueprint,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  FakeReleaseLedgerApi,
  makeEvent,
  makeRelease,
} from './__testUtils__/fakeReleaseLedgerApi';
import { paymentsApi, teamPayments } from './__testUtils__/renderWithApis';
import { releaseLedgerApiRef } from './api';
import { rootRouteRef } from './routes';
import plugin from './alpha';

const releases = [
  makeRelease({
    releaseId: 'payments-api@1.0.0',
    version: '1.0.0',
    startedAt: '2026-11-20T10:00:00.000Z',
    events: [
      makeEvent(
        'release_started',
        {},
        {
          releaseId: 'payments-api@1.0.0',
          version: '1.0.0',
          timestamp: '2026-11-20T10:00:00.000Z',
        },
      ),
    ],
  } as never),
  makeRelease({
    releaseId: 'cart-service@4.2.0',
    entityRef: 'component:default/cart-service',
    ownerRef: 'group:default/team-storefront',
    version: '4.2.0',
    status: 'canary',
    outcome: undefined,
    startedAt: '2026-11-21T10:00:00.000Z',
    finishedAt: undefined,
  }),
];

describe('release-ledger alpha plugin', () => {
  it('is the release-ledger plugin with its API, entity content, cards and page', () => {
    expect(plugin.pluginId).toBe('release-ledger');
    expect(plugin.title).toBe('Release Ledger');
    expect(plugin.routes.root).toBe(rootRouteRef);
    const apiTester = createExtensionTester(
      plugin.getExtension('api:release-ledger'),
    );
    expect(apiTester.get(ApiBlueprint.dataRefs.factory).api.id).toBe(
      'plugin.release-ledger.api',
    );
  });

  it('offers a Releases tab for components only', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-content:release-ledger/releases'),
    );
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Releases');
    expect(tester.get(coreExtensionData.routePath)).toBe('releases');

    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter).toBeDefined();
    expect(filter!(paymentsApi)).toBe(true);
    expect(filter!({ ...paymentsApi, kind: 'System' })).toBe(false);
    expect(
      filter!({
        ...paymentsApi,
        metadata: {
          ...paymentsApi.metadata,
          annotations: { 'release-ledger/enabled': 'false' },
        },
      }),
    ).toBe(false);
  });

  it('renders the entity’s releases in the Releases tab', async () => {
    const api = new FakeReleaseLedgerApi(releases);
    const tester = createExtensionTester(
      plugin.getExtension('entity-content:release-ledger/releases'),
    );
    renderInTestApp(
      <EntityProvider entity={paymentsApi}>
        {tester.reactElement()}
      </EntityProvider>,
      {
        apis: [[releaseLedgerApiRef, api]],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

    expect(
      await screen.findByText('1.0.0', {}, { timeout: 5_000 }),
    ).toBeInTheDocument();
    expect(screen.queryByText('4.2.0')).not.toBeInTheDocument();
    expect(api.listCalls[0]).toEqual({
      entityRef: 'component:default/payments-api',
    });
  });

  it('mounts the page at /release-ledger with its route ref, title and icon', () => {
    const tester = createExtensionTester(
      plugin.getExtension('page:release-ledger'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/release-ledger');
    expect(tester.get(coreExtensionData.routeRef)).toBe(rootRouteRef);
    expect(tester.get(coreExtensionData.title)).toBe('Release Ledger');
    expect(tester.get(coreExtensionData.icon)).toBeDefined();
  });

  it('renders delivery metrics across the org on the page', async () => {
    const api = new FakeReleaseLedgerApi(releases);
    const tester = createExtensionTester(
      plugin.getExtension('page:release-ledger'),
      {
        apis: [[releaseLedgerApiRef, api]],
      },
    );
    renderInTestApp(tester.reactElement(), {
      apis: [[releaseLedgerApiRef, api]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });

    expect(
      await screen.findByRole(
        'region',
        { name: 'Change failure rate' },
        { timeout: 5_000 },
      ),
    ).toHaveTextContent('12.5 %');
    expect(api.metricsCalls[0]).toMatchObject({ scope: 'org', window: '30d' });
    expect(
      screen.getByRole('tab', { name: 'Recent releases' }),
    ).toBeInTheDocument();
    // The ledger status card is part of the page in this system too.
    expect(await screen.findByText(/^Up to date/)).toBeInTheDocument();
    expect(api.ledgerStatusCalls).toBeGreaterThan(0);
  });

  it('lists recent releases across the org in the page’s second tab', async () => {
    const api = new FakeReleaseLedgerApi(releases);
    const tester = createExtensionTester(
      plugin.getExtension('page:release-ledger'),
      {
        apis: [[releaseLedgerApiRef, api]],
      },
    );
    renderInTestApp(tester.reactElement(), {
      apis: [[releaseLedgerApiRef, api]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });

    await userEvent.click(
      await screen.findByRole(
        'tab',
        { name: 'Recent releases' },
        { timeout: 5_000 },
      ),
    );

    expect(
      await screen.findByText('Recent releases across the org'),
    ).toBeInTheDocument();
    expect(await screen.findByText('4.2.0')).toBeInTheDocument();
    expect(screen.getByText('1.0.0')).toBeInTheDocument();
    expect(screen.getByText('cart-service')).toBeInTheDocument();
    expect(api.listCalls[0]).toEqual({});
    expect(
      screen.getByRole('link', {
        name: 'Details of release cart-service@4.2.0',
      }),
    ).toHaveAttribute('href', '/release-ledger/releases/cart-service%404.2.0');
  });

  it('offers the DORA card on component and group overviews', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-card:release-ledger/dora-metrics'),
    );
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('content');

    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter).toBeDefined();
    expect(filter!(paymentsApi)).toBe(true);
    expect(filter!(teamPayments)).toBe(true);
    expect(filter!({ ...paymentsApi, kind: 'System' })).toBe(false);
    expect(filter!({ ...paymentsApi, kind: 'User' })).toBe(false);
    expect(
      filter!({
        ...paymentsApi,
        metadata: {
          ...paymentsApi.metadata,
          annotations: { 'release-ledger/enabled': 'false' },
        },
      }),
    ).toBe(false);
  });

  it('renders the team’s figures in the card on a group page', async () => {
    const api = new FakeReleaseLedgerApi(releases);
    const tester = createExtensionTester(
      plugin.getExtension('entity-card:release-ledger/dora-metrics'),
    );
    renderInTestApp(
      <EntityProvider entity={teamPayments}>
        {tester.reactElement()}
      </EntityProvider>,
      {
        apis: [[releaseLedgerApiRef, api]],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

    expect(
      await screen.findByRole(
        'region',
        { name: 'Deployment frequency' },
        { timeout: 5_000 },
      ),
    ).toHaveTextContent('4.2 deploys/week');
    expect(screen.getByText('DORA metrics')).toBeInTheDocument();
    expect(api.metricsCalls).toEqual([
      {
        scope: 'group',
        ref: 'group:default/team-payments',
        window: '30d',
        bandSet: undefined,
      },
    ]);
  });

  it('offers the skipped checklist items card on component overviews only', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-card:release-ledger/skipped-checklist-items'),
    );
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('content');

    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter).toBeDefined();
    expect(filter!(paymentsApi)).toBe(true);
    // A group has no releases of its own, so no checklists either.
    expect(filter!(teamPayments)).toBe(false);
    expect(
      filter!({
        ...paymentsApi,
        metadata: {
          ...paymentsApi.metadata,
          annotations: { 'release-ledger/enabled': 'false' },
        },
      }),
    ).toBe(false);
  });

  it('renders the component’s most skipped items in the card', async () => {
    const api = new FakeReleaseLedgerApi(releases);
    api.skippedChecklistItems = entityRef => ({
      entityRef,
      releases: 2,
      items: [
        {
          id: 'post.announce',
          text: 'Announce in #releases',
          phase: 'post',
          required: false,
          skipped: 2,
          of: 2,
        },
      ],
    });
    const tester = createExtensionTester(
      plugin.getExtension('entity-card:release-ledger/skipped-checklist-items'),
    );
    renderInTestApp(
      <EntityProvider entity={paymentsApi}>
        {tester.reactElement()}
      </EntityProvider>,
      {
        apis: [[releaseLedgerApiRef, api]],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

    expect(
      await screen.findByText('Announce in #releases', {}, { timeout: 5_000 }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Checklist items most often skipped'),
    ).toBeInTheDocument();
    expect(api.skippedCalls).toEqual([
      { entityRef: 'component:default/payments-api', releases: 20 },
    ]);
  });

  it('routes /release-ledger/releases/:releaseId to the details page', async () => {
    const api = new FakeReleaseLedgerApi(releases);
    renderTestApp({
      features: [plugin],
      apis: [[releaseLedgerApiRef, api]],
      initialRouteEntries: [
        `/release-ledger/releases/${encodeURIComponent('payments-api@1.0.0')}`,
      ],
    });

    expect(
      await screen.findByRole('heading', {
        level: 1,
        name: 'payments-api@1.0.0',
      }),
    ).toBeInTheDocument();
    const timeline = screen.getByRole('list', { name: 'Release timeline' });
    expect(within(timeline).getByText('Release started')).toBeInTheDocument();
    expect(api.getCalls).toEqual(['payments-api@1.0.0']);
  });
});
