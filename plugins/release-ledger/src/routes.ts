import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The Release Ledger page (`/release-ledger` by default): recent releases
 * across the organisation, with release details below it.
 *
 * Created with `@backstage/core-plugin-api`, whose route refs also implement
 * the new frontend system's route ref, so both systems share this one ref.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'release-ledger' });

/**
 * One release's details page, e.g. `/release-ledger/releases/:releaseId`,
 * for apps on the legacy frontend system that mount `ReleaseDetailsPage` on
 * its own route. When it is not mounted (always the case in the new frontend
 * system) release links go below {@link rootRouteRef} instead.
 *
 * @public
 */
export const releaseRouteRef = createRouteRef({
  id: 'release-ledger:release',
  params: ['releaseId'],
});
