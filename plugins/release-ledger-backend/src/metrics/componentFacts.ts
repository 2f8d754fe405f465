import type { AuthService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { LRUCache } from 'lru-cache';
import { ownerOf } from '../ledger/ownerOf';
import { SYSTEM_FIELDS, systemOf } from '../ledger/systemOf';
import type { ComponentFacts } from './componentFootprints';

/**
 * The catalog facts of entities, by ref; an entity the catalog does not
 * know is left out. Throws when the catalog cannot answer.
 */
export type LookUpComponentFacts = (
  entityRefs: string[],
) => Promise<Map<string, ComponentFacts>>;

/**
 * A component's facts are looked up when a release that deploys it is
 * first projected, about a second after the intake looked the same entity
 * up: a short cache spares the catalog a second round trip for a burst of
 * releases of one monorepo.
 */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 10_000;

/**
 * Looks components' owners and Systems up in the catalog with the plugin's
 * own credentials (as the intake does for a release's entity), in one call
 * per lookup, through a short cache.
 */
export function catalogComponentFacts(options: {
  catalog: CatalogService;
  auth: AuthService;
}): LookUpComponentFacts {
  const cache = new LRUCache<string, ComponentFacts>({
    max: CACHE_MAX_ENTRIES,
    ttl: CACHE_TTL_MS,
  });
  return async entityRefs => {
    const found = new Map<string, ComponentFacts>();
    const missing: string[] = [];
    for (const ref of new Set(entityRefs)) {
      const cached = cache.get(ref);
      if (cached) found.set(ref, cached);
      else missing.push(ref);
    }
    if (missing.length === 0) return found;
    const { items } = await options.catalog.getEntitiesByRefs(
      {
        entityRefs: missing,
        fields: [...new Set(['spec.owner', ...SYSTEM_FIELDS])],
      },
      { credentials: await options.auth.getOwnServiceCredentials() },
    );
    items.forEach((entity, i) => {
      if (!entity) return;
      const facts = componentFactsOf(entity);
      found.set(missing[i], facts);
      cache.set(missing[i], facts);
    });
    return found;
  };
}

/**
 * An entity's owner group and System as the intake stores a release's
 * (ledger/EventIntake.ts): the `ownedBy` relation, else `spec.owner`, as a
 * lower-case group ref; the System as systemOf finds it.
 */
export function componentFactsOf(entity: Entity): ComponentFacts {
  return { ownerRef: ownerOf(entity), systemRef: systemOf(entity) };
}
