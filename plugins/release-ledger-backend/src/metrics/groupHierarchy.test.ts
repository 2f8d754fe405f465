import { Entity } from '@backstage/catalog-model';
import { groupTree, groupWithDescendants } from './groupHierarchy';

const group = (
  name: string,
  extra: {
    parent?: string;
    children?: string[];
    relations?: Entity['relations'];
    title?: string;
  } = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name,
    namespace: 'default',
    ...(extra.title ? { title: extra.title } : {}),
  },
  spec: {
    type: 'team',
    children: extra.children ?? [],
    ...(extra.parent ? { parent: extra.parent } : {}),
  },
  relations: extra.relations ?? [],
});

describe('groupTree and groupWithDescendants', () => {
  it('collects every level below a group from relations and spec alike', () => {
    const tree = groupTree([
      group('org', { children: ['eng'], title: 'The Org' }),
      group('eng', {
        relations: [{ type: 'parentOf', targetRef: 'group:default/payments' }],
      }),
      group('payments'),
      group('ledger', {
        relations: [{ type: 'childOf', targetRef: 'group:default/payments' }],
      }),
      group('sales'),
    ]);
    expect(groupWithDescendants(tree, 'group:default/org').sort()).toEqual([
      'group:default/eng',
      'group:default/ledger',
      'group:default/org',
      'group:default/payments',
    ]);
    expect(tree.get('group:default/org')?.title).toBe('The Org');
    expect(tree.get('group:default/sales')?.title).toBe('sales');
  });

  it('terminates on a cycle and lists each group once', () => {
    const tree = groupTree([
      group('a', { parent: 'b' }),
      group('b', { parent: 'a' }),
    ]);
    expect(groupWithDescendants(tree, 'group:default/a').sort()).toEqual([
      'group:default/a',
      'group:default/b',
    ]);
  });

  it('answers just the group for a leaf, or an unknown ref', () => {
    const tree = groupTree([group('a')]);
    expect(groupWithDescendants(tree, 'group:default/a')).toEqual([
      'group:default/a',
    ]);
    expect(groupWithDescendants(tree, 'group:default/zz')).toEqual([
      'group:default/zz',
    ]);
  });
});
