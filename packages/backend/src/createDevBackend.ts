/*
 * The Release Ledger dev backend: catalog (demo entities in examples/), guest
 * sign-in, permissions, and the release-ledger plugin. Separate from index.ts
 * so the ingest benchmark can start the same backend with one extra plugin.
 */
import { createBackend } from '@backstage/backend-defaults';

export function createDevBackend() {
  const backend = createBackend();

  backend.add(import('@backstage/plugin-app-backend'));

  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

  backend.add(import('@backstage/plugin-permission-backend'));
  // Replace with your own policy; release-ledger.event.create guards writes by users.
  backend.add(
    import('@backstage/plugin-permission-backend-module-allow-all-policy'),
  );

  backend.add(import('@backstage/plugin-user-settings-backend'));

  backend.add(import('@release-ledger/plugin-release-ledger-backend'));

  return backend;
}
