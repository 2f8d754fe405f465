import { Route, Routes } from 'react-router-dom';
import Box from '@material-ui/core/Box';
import { ReactRouterV6PageRouter } from '@backstage/frontend-adapter-react-router-v6';
import { ReleaseDetailsPage } from '../ReleaseDetailsPage';
import { RecentReleases } from './RecentReleases';

/**
 * The Release Ledger page: recent releases across the organisation at its
 * root, one release's details at `releases/:releaseId`.
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
        <Route
          path="/"
          element={
            <Box p={3}>
              <RecentReleases />
            </Box>
          }
        />
        <Route path="/releases/:releaseId" element={<ReleaseDetailsPage />} />
      </Routes>
    </ReactRouterV6PageRouter>
  );
}
