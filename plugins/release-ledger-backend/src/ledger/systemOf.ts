import {
  Entity,
  parseEntityRef,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/** Catalog fields {@link systemOf} reads. */
export const SYSTEM_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'spec.system',
  'relations',
] as const;

const normalise = (ref: string, namespace: string) => {
  try {
    const parsed = parseEntityRef(ref, {
      defaultKind: 'system',
      defaultNamespace: namespace,
    });
    return parsed.kind.toLocaleLowerCase('en-US') === 'system'
      ? stringifyEntityRef(parsed).toLocaleLowerCase('en-US')
      : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The catalog System an entity is part of, as a lower-case ref
 * (`system:default/payments`), or undefined when it has none. The `partOf`
 * relation first (what the catalog resolved), then `spec.system`, so an
 * entity the catalog has not yet related still has its system. A
 * component's `partOf` may also name a parent component or a domain; only a
 * System counts.
 */
export function systemOf(entity: Entity): string | undefined {
  const namespace = entity.metadata.namespace ?? 'default';
  for (const relation of entity.relations ?? []) {
    if (relation.type !== RELATION_PART_OF) continue;
    const ref = normalise(relation.targetRef, namespace);
    if (ref) return ref;
  }
  const system = entity.spec?.system;
  return typeof system === 'string' ? normalise(system, namespace) : undefined;
}
