import { useCallback } from 'react';
import { type RouteRef, useRouteRef } from '@backstage/core-plugin-api';
import { releaseRouteRef, rootRouteRef } from '../routes';

/** Where the page lives when no route ref can be resolved. */
const DEFAULT_ROOT_PATH = '/release-ledger';

/**
 * `useRouteRef`, but `undefined` instead of throwing when the app has not
 * mounted the route. Every hook inside `useRouteRef` runs before it throws,
 * so the hook order stays the same from render to render.
 */
function useOptionalRouteRef<TRef extends RouteRef<any>>(
  routeRef: TRef,
): ((params?: any) => string) | undefined {
  try {
    return useRouteRef(routeRef) as unknown as (params?: any) => string;
  } catch {
    return undefined;
  }
}

/**
 * The path of the Release Ledger page, without a trailing slash: where the
 * app mounts it, or `/release-ledger` when it is not mounted.
 */
export function useReleaseLedgerRootPath(): string {
  const rootPage = useOptionalRouteRef(rootRouteRef);
  return (rootPage?.() ?? DEFAULT_ROOT_PATH).replace(/\/+$/, '');
}

/** The anchor of the metric definitions on the Release Ledger page. */
export const DEFINITIONS_ANCHOR = 'dora-definitions';

/** A link to the metric definitions on the Release Ledger page. */
export function useDefinitionsLink(): string {
  return `${useReleaseLedgerRootPath()}#${DEFINITIONS_ANCHOR}`;
}

/**
 * Returns a function building the link to a release's details page:
 * the legacy `ReleaseDetailsPage` route when the app mounts it, otherwise
 * `<Release Ledger page>/releases/<encoded id>`.
 */
export function useReleaseLink(): (releaseId: string) => string {
  const releasePage = useOptionalRouteRef(releaseRouteRef);
  const rootPage = useOptionalRouteRef(rootRouteRef);
  return useCallback(
    (releaseId: string) => {
      const encoded = encodeURIComponent(releaseId);
      if (releasePage) {
        return releasePage({ releaseId: encoded });
      }
      const root = (rootPage?.() ?? DEFAULT_ROOT_PATH).replace(/\/+$/, '');
      return `${root}/releases/${encoded}`;
    },
    [releasePage, rootPage],
  );
}

/**
 * Release ids may contain `/`, so links carry them URI-encoded. Routers differ
 * in whether they decode params; ids never contain `%`, so decoding is safe.
 */
export function decodeReleaseIdParam(param: string): string {
  if (!param.includes('%')) {
    return param;
  }
  try {
    return decodeURIComponent(param);
  } catch {
    return param;
  }
}
