import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import HistoryIcon from '@material-ui/icons/History';
import { ReleaseLedgerClient, releaseLedgerApiRef } from './api';
import { isDoraMetricsAvailable, isReleaseLedgerAvailable } from './predicates';
import { rootRouteRef } from './routes';

/**
 * The Release Ledger API client (`api:release-ledger`).
 *
 * @alpha
 */
export const releaseLedgerApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: releaseLedgerApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ReleaseLedgerClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The "Releases" tab on component pages
 * (`entity-content:release-ledger/releases`).
 *
 * @alpha
 */
export const releaseLedgerEntityContent = EntityContentBlueprint.make({
  name: 'releases',
  params: {
    path: 'releases',
    title: 'Releases',
    filter: isReleaseLedgerAvailable,
    loader: () =>
      import('./components/EntityReleasesContent').then(m => (
        <m.EntityReleasesContent />
      )),
  },
});

/**
 * The DORA metrics card (`entity-card:release-ledger/dora-metrics`) on the
 * Overview of components and groups; on a group it shows the team's rollup.
 *
 * @alpha
 */
export const releaseLedgerDoraCard = EntityCardBlueprint.make({
  name: 'dora-metrics',
  params: {
    type: 'content',
    filter: isDoraMetricsAvailable,
    loader: () =>
      import('./components/EntityDoraCard').then(m => <m.EntityDoraCard />),
  },
});

/**
 * The checklist items a component's finished releases most often left
 * unticked (`entity-card:release-ledger/skipped-checklist-items`), on the
 * Overview of components, after the DORA card.
 *
 * @alpha
 */
export const releaseLedgerSkippedChecklistCard = EntityCardBlueprint.make({
  name: 'skipped-checklist-items',
  params: {
    type: 'content',
    filter: isReleaseLedgerAvailable,
    loader: () =>
      import('./components/EntitySkippedChecklistCard').then(m => (
        <m.EntitySkippedChecklistCard />
      )),
  },
});

/**
 * The Release Ledger page (`page:release-ledger`) at `/release-ledger`:
 * delivery metrics across the organisation, recent releases at
 * `/release-ledger/releases`, and one release's details at
 * `/release-ledger/releases/:releaseId`. Its title and icon make the nav item.
 *
 * @alpha
 */
export const releaseLedgerPage = PageBlueprint.make({
  params: {
    path: '/release-ledger',
    routeRef: rootRouteRef,
    title: 'Release Ledger',
    icon: <HistoryIcon />,
    loader: () =>
      import('./components/ReleaseLedgerPage').then(m => (
        <m.ReleaseLedgerPage />
      )),
  },
});

/**
 * Release Ledger for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'release-ledger',
  title: 'Release Ledger',
  icon: <HistoryIcon />,
  routes: {
    root: rootRouteRef,
  },
  extensions: [
    releaseLedgerApi,
    releaseLedgerEntityContent,
    releaseLedgerDoraCard,
    releaseLedgerSkippedChecklistCard,
    releaseLedgerPage,
  ],
});
