import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import releaseLedgerPlugin from '@release-ledger/plugin-release-ledger-backend';
import type { AddressInfo } from 'node:net';

/**
 * The real ledger backend plugin, in-process on a random port, with
 * Backstage's real auth services and `token` as a static service token in
 * backend.auth.externalAccess — exactly how a pipeline authenticates in
 * production. SQLite is enough here: the store itself is tested on SQLite
 * and PostgreSQL by the backend plugin; the CLI suites are about the CLI.
 */
export async function startLedgerBackend(options: {
  databases: TestDatabases;
  token: string;
  entities: Entity[];
}): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  const knex = await options.databases.init('SQLITE_3');
  const backend = await startTestBackend({
    features: [
      releaseLedgerPlugin,
      mockServices.database.factory({ knex }),
      authServiceFactory,
      httpAuthServiceFactory,
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            auth: {
              externalAccess: [
                {
                  type: 'static',
                  options: {
                    token: options.token,
                    subject: 'release-pipeline',
                  },
                  accessRestrictions: [{ plugin: 'release-ledger' }],
                },
              ],
            },
          },
        },
      }),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  return { baseUrl: `http://localhost:${port}`, stop: () => backend.stop() };
}
