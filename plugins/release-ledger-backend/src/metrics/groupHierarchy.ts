import {
  Entity,
  parseEntityRef,
  RELATION_CHILD_OF,
  RELATION_PARENT_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/** A group as the metrics need it: its ref, title and direct children. */
export type GroupNode = { ref: string; title?: string; children: string[] };

const ref = (target: string, namespace: string) => {
  try {
    return stringifyEntityRef(
      parseEntityRef(target, {
        defaultKind: 'group',
        defaultNamespace: namespace,
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
};

/**
 * The group tree from catalog Group entities. Children come from both sides
 * of the relation (a child's `childOf` and a parent's `parentOf`) and from
 * `spec.parent`/`spec.children`, so a tree that the catalog has not yet
 * finished relating is still complete.
 */
export function groupTree(groups: readonly Entity[]): Map<string, GroupNode> {
  const nodes = new Map<string, GroupNode>();
  const node = (r: string) => {
    let n = nodes.get(r);
    if (!n) {
      n = { ref: r, children: [] };
      nodes.set(r, n);
    }
    return n;
  };
  const link = (parent: string | undefined, child: string | undefined) => {
    if (!parent || !child || parent === child) return;
    const p = node(parent);
    if (!p.children.includes(child)) p.children.push(child);
    node(child);
  };
  for (const group of groups) {
    const namespace = group.metadata.namespace ?? 'default';
    const self = ref(stringifyEntityRef(group), namespace)!;
    const n = node(self);
    const profile = (group.spec?.profile ?? {}) as { displayName?: string };
    n.title =
      group.metadata.title ?? profile.displayName ?? group.metadata.name;
    for (const relation of group.relations ?? []) {
      if (relation.type === RELATION_CHILD_OF)
        link(ref(relation.targetRef, namespace), self);
      if (relation.type === RELATION_PARENT_OF)
        link(self, ref(relation.targetRef, namespace));
    }
    const spec = (group.spec ?? {}) as { parent?: unknown; children?: unknown };
    if (typeof spec.parent === 'string')
      link(ref(spec.parent, namespace), self);
    if (Array.isArray(spec.children))
      for (const child of spec.children)
        if (typeof child === 'string') link(self, ref(child, namespace));
  }
  return nodes;
}

/** The group and all groups below it, each once, even if the tree has a cycle. */
export function groupWithDescendants(
  tree: Map<string, GroupNode>,
  root: string,
): string[] {
  const seen = new Set<string>();
  const stack = [root];
  while (stack.length > 0) {
    const r = stack.pop()!;
    if (seen.has(r)) continue;
    seen.add(r);
    stack.push(...(tree.get(r)?.children ?? []));
  }
  return [...seen];
}
