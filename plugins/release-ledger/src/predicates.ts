import type { Entity } from '@backstage/catalog-model';
import { RELEASE_LEDGER_ANNOTATIONS } from '@release-ledger/plugin-release-ledger-common';

/**
 * Whether the Releases tab belongs on an entity's page: components, unless
 * they opt out with the `release-ledger/enabled: "false"` annotation.
 *
 * @public
 */
export function isReleaseLedgerAvailable(entity: Entity): boolean {
  if (entity.kind.toLocaleLowerCase('en-US') !== 'component') {
    return false;
  }
  const enabled =
    entity.metadata.annotations?.[RELEASE_LEDGER_ANNOTATIONS.enabled];
  return enabled?.trim().toLocaleLowerCase('en-US') !== 'false';
}

/**
 * Whether the DORA metrics card belongs on an entity's page: components that
 * have the Releases tab (their own releases), and groups (every release their
 * team and child teams own).
 *
 * @public
 */
export function isDoraMetricsAvailable(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'group' ||
    isReleaseLedgerAvailable(entity)
  );
}
