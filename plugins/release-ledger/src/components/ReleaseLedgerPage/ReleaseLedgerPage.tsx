import {
  Link as RouterLink,
  Outlet,
  Route,
  Routes,
  useLocation,
  useResolvedPath,
} from 'react-router-dom';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { makeStyles } from '@material-ui/core/styles';
import { ReactRouterV6PageRouter } from '@backstage/frontend-adapter-react-router-v6';
import { DeliveryMetrics } from '../DeliveryMetrics';
import { ReleaseDetailsPage } from '../ReleaseDetailsPage';
import { RecentReleases } from './RecentReleases';

const useStyles = makeStyles(
  theme => ({
    tabs: {
      padding: theme.spacing(0, 3),
      borderBottom: `1px solid ${theme.palette.divider}`,
      backgroundColor: theme.palette.background.paper,
    },
    tab: { textTransform: 'none', minWidth: 0 },
  }),
  { name: 'ReleaseLedgerPage' },
);

/** Tabs over the page's two views; the selected one follows the URL. */
function PageTabs() {
  const classes = useStyles();
  const base = useResolvedPath('.').pathname.replace(/\/+$/, '');
  const releasesPath = `${base}/releases`;
  const { pathname } = useLocation();
  const selected =
    pathname.replace(/\/+$/, '') === releasesPath ? 'releases' : 'metrics';
  return (
    <>
      <Tabs
        value={selected}
        indicatorColor="primary"
        textColor="primary"
        className={classes.tabs}
        aria-label="Release Ledger views"
      >
        <Tab
          value="metrics"
          label="Delivery metrics"
          className={classes.tab}
          component={RouterLink}
          to={base || '/'}
        />
        <Tab
          value="releases"
          label="Recent releases"
          className={classes.tab}
          component={RouterLink}
          to={releasesPath}
        />
      </Tabs>
      <Box p={3}>
        <Outlet />
      </Box>
    </>
  );
}

/**
 * The Release Ledger page: delivery metrics across the organisation at its
 * root, recent releases at `releases`, one release's details at
 * `releases/:releaseId`.
 *
 * It declares its React Router v6 adapter, as pages in the new frontend
 * system should since 1.57; in the legacy system the adapter passes its
 * children through untouched.
 *
 * @public
 */
export function ReleaseLedgerPage() {
  return (
    <ReactRouterV6PageRouter>
      <Routes>
        <Route element={<PageTabs />}>
          <Route index element={<DeliveryMetrics />} />
          <Route path="releases" element={<RecentReleases />} />
        </Route>
        <Route path="releases/:releaseId" element={<ReleaseDetailsPage />} />
      </Routes>
    </ReactRouterV6PageRouter>
  );
}
