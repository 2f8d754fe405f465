import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { ReleaseLedgerClient, releaseLedgerApiRef } from './api';
import { releaseRouteRef, rootRouteRef } from './routes';

/**
 * Release Ledger for apps on the legacy frontend system.
 *
 * @public
 */
export const releaseLedgerPlugin = createPlugin({
  id: 'release-ledger',
  apis: [
    createApiFactory({
      api: releaseLedgerApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ReleaseLedgerClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    releasePage: releaseRouteRef,
  },
});

/**
 * The "Releases" tab content for an entity page; needs the entity in context
 * (`EntityLayout.Route`).
 *
 * @public
 */
export const EntityReleasesContent = releaseLedgerPlugin.provide(
  createComponentExtension({
    name: 'EntityReleasesContent',
    component: {
      lazy: () =>
        import('./components/EntityReleasesContent').then(
          m => m.EntityReleasesContent,
        ),
    },
  }),
);

/**
 * The DORA metrics card for an entity's Overview: a component's own
 * releases, or on a Group page the team's (child groups included). Needs the
 * entity in context; show it where `isDoraMetricsAvailable` holds.
 *
 * @public
 */
export const EntityDoraCard = releaseLedgerPlugin.provide(
  createComponentExtension({
    name: 'EntityDoraCard',
    component: {
      lazy: () =>
        import('./components/EntityDoraCard').then(m => m.EntityDoraCard),
    },
  }),
);

/**
 * The checklist items a component's finished releases most often left
 * unticked, for its Overview. Needs the entity in context; show it where
 * `isReleaseLedgerAvailable` holds.
 *
 * @public
 */
export const EntitySkippedChecklistCard = releaseLedgerPlugin.provide(
  createComponentExtension({
    name: 'EntitySkippedChecklistCard',
    component: {
      lazy: () =>
        import('./components/EntitySkippedChecklistCard').then(
          m => m.EntitySkippedChecklistCard,
        ),
    },
  }),
);

/**
 * One release's details; mount it on a route with a `:releaseId` param, e.g.
 * `/release-ledger/releases/:releaseId`.
 *
 * @public
 */
export const ReleaseDetailsPage = releaseLedgerPlugin.provide(
  createRoutableExtension({
    name: 'ReleaseDetailsPage',
    component: () =>
      import('./components/ReleaseDetailsPage').then(m => m.ReleaseDetailsPage),
    mountPoint: releaseRouteRef,
  }),
);

/**
 * The Release Ledger page: delivery metrics across the organisation, recent
 * releases at `releases`, and release details at `releases/:releaseId`.
 *
 * @public
 */
export const ReleaseLedgerPage = releaseLedgerPlugin.provide(
  createRoutableExtension({
    name: 'ReleaseLedgerPage',
    component: () =>
      import('./components/ReleaseLedgerPage').then(m => m.ReleaseLedgerPage),
    mountPoint: rootRouteRef,
  }),
);
