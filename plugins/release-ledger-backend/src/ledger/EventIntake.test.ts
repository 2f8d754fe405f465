import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EventIntake } from './EventIntake';
import type { AcceptedEvent, ReleaseLedgerStore } from './ReleaseLedgerStore';

const payments = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments-api', namespace: 'default' },
  spec: { owner: 'group:default/team-payments', system: 'checkout' },
};

/** A store that keeps what it is given: the intake is what is tested. */
function keepingStore() {
  const stored: AcceptedEvent[] = [];
  const store = {
    async getReleaseEntities() {
      return new Map<string, string>();
    },
    async appendEvents(events: AcceptedEvent[]) {
      stored.push(...events);
      return events.map(() => 'created' as const);
    },
  } as unknown as ReleaseLedgerStore;
  return { store, stored };
}

const started = (releaseId: string) => ({
  type: 'release_started',
  releaseId,
  entityRef: 'component:default/payments-api',
  timestamp: '2026-12-01T10:00:00Z',
  environment: 'production',
  attributes: { version: releaseId },
});

describe('EventIntake', () => {
  it('asks the catalog once for an entity that many concurrent requests name', async () => {
    let release!: () => void;
    const slow = new Promise<void>(resolve => {
      release = resolve;
    });
    const catalog = catalogServiceMock({ entities: [payments] });
    const lookUp = catalog.getEntitiesByRefs.bind(catalog);
    const calls: string[][] = [];
    catalog.getEntitiesByRefs = async (request, options) => {
      calls.push(request.entityRefs);
      await slow;
      return lookUp(request, options);
    };
    const { store, stored } = keepingStore();
    const intake = new EventIntake({
      store,
      catalog,
      auth: mockServices.auth(),
      now: () => new Date('2026-12-01T10:00:01Z'),
    });

    const answers = Promise.all(
      Array.from({ length: 20 }, (_, i) => intake.ingest(started(`p@${i}`))),
    );
    // Let every request reach the lookup before the catalog answers.
    await new Promise(r => setTimeout(r, 20));
    release();
    const outcomes = await answers;

    expect(calls).toEqual([['component:default/payments-api']]);
    expect(outcomes.every(o => o.ok)).toBe(true);
    expect(stored).toHaveLength(20);
    expect(new Set(stored.map(e => (e as any).ownerRef))).toEqual(
      new Set(['group:default/team-payments']),
    );
  });

  it('fails every request that waited on a catalog lookup that failed, and asks again next time', async () => {
    const catalog = catalogServiceMock({ entities: [payments] });
    const lookUp = catalog.getEntitiesByRefs.bind(catalog);
    let fail = true;
    let calls = 0;
    catalog.getEntitiesByRefs = async (request, options) => {
      calls++;
      await new Promise(r => setTimeout(r, 10));
      if (fail) throw new Error('catalog is restarting');
      return lookUp(request, options);
    };
    const { store, stored } = keepingStore();
    const intake = new EventIntake({
      store,
      catalog,
      auth: mockServices.auth(),
      now: () => new Date('2026-12-01T10:00:01Z'),
    });
    const results = await Promise.allSettled(
      [1, 2, 3].map(i => intake.ingest(started(`p@${i}`))),
    );
    expect(results.map(r => r.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
    ]);
    expect(calls).toBe(1);
    expect(stored).toHaveLength(0);

    fail = false;
    const again = await intake.ingest(started('p@4'));
    expect(again.ok).toBe(true);
    expect(calls).toBe(2);
  });
});
