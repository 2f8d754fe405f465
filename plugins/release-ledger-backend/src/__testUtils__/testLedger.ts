import {
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { BackendFeature } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import type { Server } from 'node:http';
import request from 'supertest';
import type { Knex } from 'knex';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { releaseLedgerPlugin } from '../plugin';

/**
 * Every store and API suite runs on SQLite and on the machine's real
 * PostgreSQL (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING). CI sets
 * RELEASE_LEDGER_REQUIRE_POSTGRES=1 so a missing PostgreSQL fails the run
 * instead of silently skipping half of the suites.
 */
export function createTestDatabases(): TestDatabases {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  if (
    process.env.RELEASE_LEDGER_REQUIRE_POSTGRES === '1' &&
    !databases.supports('POSTGRES_15')
  ) {
    throw new Error(
      'RELEASE_LEDGER_REQUIRE_POSTGRES=1 but PostgreSQL is not configured: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
    );
  }
  return databases;
}

function component(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
  };
}

function group(name: string, title: string, parent?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default', title },
    spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
    relations: parent
      ? [{ type: 'childOf', targetRef: `group:default/${parent}` }]
      : [],
  };
}

/** The catalog the API tests see: the ledger's only outside dependency. */
export const testEntities: Entity[] = [
  component('payments-api', 'team-payments'),
  component('cart-service', 'team-storefront'),
  group('engineering', 'Engineering'),
  group('team-payments', 'Payments', 'engineering'),
  group('team-storefront', 'Storefront', 'engineering'),
];

export async function startTestLedger(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
  options: {
    permissionResult?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    config?: object;
    /** The catalog; default {@link testEntities}. */
    entities?: Entity[];
    /** More features, e.g. a module of the plugin. */
    features?: BackendFeature[];
  } = {},
): Promise<{ server: Server; knex: Knex }> {
  const knex = await databases.init(databaseId);
  const { server } = await startTestBackend({
    features: [
      releaseLedgerPlugin,
      ...(options.features ?? []),
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({
        entities: options.entities ?? testEntities,
      }),
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
      ...(options.permissionResult
        ? [
            mockServices.permissions.factory({
              result: options.permissionResult,
            }),
          ]
        : []),
    ],
  });
  return { server, knex };
}

/**
 * Waits until the backend's deferred projections (footprints, incident
 * attribution, outbox) have caught up with every stored event, as a reader
 * of metrics or Slack would within a second: polls `GET /ledger/status`.
 */
export async function waitForProjections(
  server: Server,
  authorization: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(server)
      .get('/api/release-ledger/ledger/status')
      .set('Authorization', authorization);
    if (res.status !== 200) {
      throw new Error(
        `GET /ledger/status answered ${res.status}: ${JSON.stringify(
          res.body,
        )}`,
      );
    }
    if (res.body.projections.pendingEvents === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `projections still behind after ${timeoutMs} ms: ${JSON.stringify(
          res.body.projections,
        )}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
