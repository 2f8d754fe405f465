import type { ReactNode } from 'react';
import type { Entity } from '@backstage/catalog-model';
import { discoveryApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { SWRConfig } from 'swr';
import { type ReleaseLedgerApi, releaseLedgerApiRef } from '../api';

export const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { type: 'service', owner: 'team-payments', lifecycle: 'production' },
};

export const teamPayments: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-payments', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

/**
 * Renders in a legacy test app with a fake ledger API, a fake discovery API
 * (`http://backend.test/api/<plugin>`), a permission API that allows
 * everything unless `permission: 'deny'`, and, optionally, an entity in
 * context.
 */
export function renderWithApis(
  element: ReactNode,
  options: {
    api: ReleaseLedgerApi;
    entity?: Entity;
    permission?: 'allow' | 'deny';
    routeEntries?: string[];
    mountedRoutes?: Parameters<typeof renderInTestApp>[1] extends infer O
      ? O extends { mountedRoutes?: infer M }
        ? M
        : never
      : never;
  },
) {
  const { api, entity, routeEntries, mountedRoutes, permission } = options;
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [releaseLedgerApiRef, api],
        [
          discoveryApiRef,
          mockApis.discovery({ baseUrl: 'http://backend.test' }),
        ],
        [
          permissionApiRef,
          mockApis.permission({
            authorize:
              permission === 'deny'
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          }),
        ],
      ]}
    >
      {/* usePermission caches answers in SWR; a fresh cache per render keeps tests apart. */}
      <SWRConfig value={{ provider: () => new Map() }}>
        {entity ? (
          <EntityProvider entity={entity}>{element}</EntityProvider>
        ) : (
          element
        )}
      </SWRConfig>
    </TestApiProvider>,
    {
      routeEntries,
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        ...mountedRoutes,
      },
    },
  );
}
