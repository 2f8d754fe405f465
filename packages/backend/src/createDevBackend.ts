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
  // The guest signs in during development only (app-config.yaml); production
  // signs in with GitHub (app-config.production.yaml). Each provider starts
  // only where its config is present.
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));

  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

  backend.add(import('@backstage/plugin-permission-backend'));
  // Release Ledger's example rules (owners write for their entities, the
  // release managers requeue and replay); permission.enabled is on in
  // app-config.yaml so the portal runs under them, not under allow-all.
  backend.add(import('./permissionPolicy'));

  backend.add(import('@backstage/plugin-user-settings-backend'));

  backend.add(import('@release-ledger/plugin-release-ledger-backend'));

  return backend;
}
