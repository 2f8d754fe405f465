import type { ReactNode } from 'react';
import type { Entity } from '@backstage/catalog-model';
import { discoveryApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { type ReleaseLedgerApi, releaseLedgerApiRef } from '../api';

export const paymentsApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { type: 'service', owner: 'team-payments', lifecycle: 'production' },
};

/**
 * Renders in a legacy test app with a fake ledger API, a fake discovery API
 * (`http://backend.test/api/<plugin>`) and, optionally, an entity in context.
 */
export function renderWithApis(
  element: ReactNode,
  options: {
    api: ReleaseLedgerApi;
    entity?: Entity;
    routeEntries?: string[];
    mountedRoutes?: Parameters<typeof renderInTestApp>[1] extends infer O
      ? O extends { mountedRoutes?: infer M }
        ? M
        : never
      : never;
  },
) {
  const { api, entity, routeEntries, mountedRoutes } = options;
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [releaseLedgerApiRef, api],
        [
          discoveryApiRef,
          mockApis.discovery({ baseUrl: 'http://backend.test' }),
        ],
      ]}
    >
      {entity ? (
        <EntityProvider entity={entity}>{element}</EntityProvider>
      ) : (
        element
      )}
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
