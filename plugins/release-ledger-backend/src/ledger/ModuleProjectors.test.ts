import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  ReleaseLedgerProjectionBatch,
  ReleaseLedgerProjector,
  releaseLedgerProjectorsExtensionPoint,
} from '@release-ledger/plugin-release-ledger-node';
import request from 'supertest';
import {
  createTestDatabases,
  startTestLedger,
  waitForProjections,
} from '../__testUtils__/testLedger';
import { ModuleProjectors } from './ModuleProjectors';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const service = mockCredentials.service.header();

/** A module that adds the given projectors, as an adopter's module would. */
function projectorsModule(projectors: ReleaseLedgerProjector[]) {
  return createBackendModule({
    pluginId: 'release-ledger',
    moduleId: 'test-projectors',
    register(env) {
      env.registerInit({
        deps: { extension: releaseLedgerProjectorsExtensionPoint },
        async init({ extension }) {
          for (const p of projectors) extension.addProjector(p);
        },
      });
    },
  });
}

describe.each(databases.eachSupportedId())(
  'projectors added by a backend module on %p',
  databaseId => {
    it('runs an inline one before the answer and a deferred one after metrics, with the attribution', async () => {
      const inline: string[] = [];
      const deferred: ReleaseLedgerProjectionBatch[] = [];
      const { server } = await startTestLedger(databases, databaseId, {
        features: [
          projectorsModule([
            {
              id: 'audit-log',
              mode: 'inline',
              async project(tx, batch) {
                inline.push(...batch.fresh.map(e => e.type));
                // Writes in the append's transaction see the events.
                const [{ n }] = await tx('release_ledger_events').count({
                  n: '*',
                });
                inline.push(`events:${Number(n)}`);
              },
            },
            {
              id: 'cdevents-out',
              mode: 'deferred',
              async project(_tx, batch) {
                deferred.push(batch);
              },
            },
          ]),
        ],
      });
      const status = await request(server)
        .get('/api/release-ledger/ledger/status')
        .set('Authorization', service)
        .expect(200);
      // In the order they run: inline ones in the append, then the drains'.
      expect(status.body.projections.projectors).toEqual([
        { id: 'audit-log', mode: 'inline' },
        { id: 'metrics', mode: 'deferred' },
        { id: 'comms', mode: 'deferred' },
        { id: 'checklists', mode: 'deferred' },
        { id: 'cdevents-out', mode: 'deferred' },
      ]);

      await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', service)
        .send({
          events: [
            {
              type: 'release_started',
              releaseId: 'payments@1',
              entityRef: 'component:default/payments-api',
              timestamp: '2026-11-27T10:00:00.000Z',
            },
            {
              type: 'promoted',
              releaseId: 'payments@1',
              timestamp: '2026-11-27T10:30:00.000Z',
            },
          ],
        })
        .expect(201);
      // Inline: done when the pipeline has its answer.
      expect(inline).toEqual(['release_started', 'promoted', 'events:2']);

      await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', service)
        .send({
          type: 'incident_started',
          entityRef: 'component:default/payments-api',
          timestamp: '2026-11-27T11:00:00.000Z',
          attributes: { incidentId: 'INC-5', severity: 'SEV-2' },
        })
        .expect(201);
      await waitForProjections(server, service);

      const batches = deferred.filter(b =>
        b.fresh.some(e => e.type === 'incident_started'),
      );
      expect(batches).toHaveLength(1);
      // After the metrics projector: it knows where the incident went.
      expect(batches[0].incidents.get('INC-5')).toEqual({
        releaseId: 'payments@1',
        attribution: 'window',
      });
      const started = deferred.find(b => b.releases.has('payments@1'));
      expect(started?.releases.get('payments@1')).toMatchObject({
        release: { status: 'promoted' },
        previousStatus: 'pending',
      });
    });
  },
);

describe('ModuleProjectors', () => {
  const ok: ReleaseLedgerProjector = {
    id: 'audit-log',
    mode: 'deferred',
    async project() {},
  };

  it.each([
    [{ ...ok, id: 'metrics' }, "projector id 'metrics' is taken"],
    [{ ...ok, id: 'Bad Id' }, 'a projector id must be lowercase'],
    [{ ...ok, mode: 'later' }, 'projector \'audit-log\' has mode "later"'],
    [{ ...ok, project: undefined }, "projector 'audit-log' has no project()"],
  ])('refuses %o at startup', (projector, message) => {
    expect(() =>
      new ModuleProjectors().addProjector(
        projector as unknown as ReleaseLedgerProjector,
      ),
    ).toThrow(message);
  });

  it('refuses a second projector with the same id', () => {
    const projectors = new ModuleProjectors();
    projectors.addProjector(ok);
    expect(() => projectors.addProjector(ok)).toThrow(
      "projector id 'audit-log' is taken",
    );
    expect(projectors.list().map(p => p.id)).toEqual(['audit-log']);
  });
});
