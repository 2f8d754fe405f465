import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { catalogComponentFacts, componentFactsOf } from './componentFacts';

function component(
  name: string,
  spec: object,
  relations: Entity['relations'] = [],
  namespace = 'default',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace },
    spec: { type: 'service', ...spec },
    relations,
  };
}

describe('componentFactsOf', () => {
  it.each`
    name                                           | entity                                                                                                                                                        | facts
    ${'the ownedBy relation, lower-cased'}         | ${component('a', { owner: 'other' }, [{ type: 'ownedBy', targetRef: 'group:default/Team-A' }])}                                                               | ${{ ownerRef: 'group:default/team-a', systemRef: undefined }}
    ${'spec.owner in the entity namespace'}        | ${component('a', { owner: 'team-b' }, [], 'ops')}                                                                                                             | ${{ ownerRef: 'group:ops/team-b', systemRef: undefined }}
    ${'a user as owner'}                           | ${component('a', { owner: 'user:default/ana' })}                                                                                                              | ${{ ownerRef: 'user:default/ana', systemRef: undefined }}
    ${'the partOf System, then spec.system'}       | ${component('a', { owner: 't', system: 'other' }, [{ type: 'partOf', targetRef: 'system:default/shop' }, { type: 'ownedBy', targetRef: 'group:default/t' }])} | ${{ ownerRef: 'group:default/t', systemRef: 'system:default/shop' }}
    ${'spec.system before the catalog relates it'} | ${component('a', { system: 'Shop' })}                                                                                                                         | ${{ ownerRef: undefined, systemRef: 'system:default/shop' }}
  `('takes $name', ({ entity, facts }) => {
    expect(componentFactsOf(entity)).toEqual(facts);
  });
});

describe('catalogComponentFacts', () => {
  it('looks components up once, with its own credentials, and leaves out those the catalog does not know', async () => {
    const catalog = catalogServiceMock({
      entities: [
        component('worker', { owner: 'team-jobs', system: 'jobs' }),
        component('mailer', { owner: 'team-mail' }),
      ],
    });
    const getEntitiesByRefs = jest.spyOn(catalog, 'getEntitiesByRefs');
    const lookUp = catalogComponentFacts({
      catalog,
      auth: mockServices.auth({ pluginId: 'release-ledger' }),
    });
    const worker = 'component:default/worker';
    const mailer = 'component:default/mailer';
    const gone = 'component:default/gone';

    expect(await lookUp([worker, gone, worker])).toEqual(
      new Map([
        [
          worker,
          {
            ownerRef: 'group:default/team-jobs',
            systemRef: 'system:default/jobs',
          },
        ],
      ]),
    );
    expect(getEntitiesByRefs).toHaveBeenCalledTimes(1);
    expect(getEntitiesByRefs.mock.calls[0][0].entityRefs).toEqual([
      worker,
      gone,
    ]);
    expect(getEntitiesByRefs.mock.calls[0][1]).toEqual({
      credentials: expect.objectContaining({
        principal: expect.objectContaining({ type: 'service' }),
      }),
    });

    // The worker from the cache; the mailer (and the unknown one, again)
    // from the catalog.
    expect([...(await lookUp([worker, mailer, gone])).keys()]).toEqual([
      worker,
      mailer,
    ]);
    expect(getEntitiesByRefs).toHaveBeenCalledTimes(2);
    expect(getEntitiesByRefs.mock.calls[1][0].entityRefs).toEqual([
      mailer,
      gone,
    ]);
    expect(await lookUp([worker, mailer])).toHaveProperty('size', 2);
    expect(getEntitiesByRefs).toHaveBeenCalledTimes(2);
  });
});
