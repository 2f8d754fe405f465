import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createTestDatabases } from '../__testUtils__/testLedger';
import { DatabaseReleaseLedgerStore } from '../ledger/DatabaseReleaseLedgerStore';
import { CHECKLIST_PINS_TABLE, ChecklistPinStore } from './ChecklistPinStore';
import { ChecklistPinWorker } from './ChecklistPinWorker';
import { ChecklistReader } from './ChecklistReader';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const payments = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: {
      'backstage.io/managed-by-location':
        'url:https://github.com/acme/payments/blob/main/catalog-info.yaml',
    },
  },
  spec: { owner: 'team-payments' },
};

describe.each(databases.eachSupportedId())(
  'ChecklistPinWorker on %p',
  databaseId => {
    async function setUp(readUrl: () => Promise<Buffer>) {
      const knex = await databases.init(databaseId);
      // For the migrations.
      await DatabaseReleaseLedgerStore.create({
        database: mockServices.database({ knex }),
      });
      let now = Date.parse('2026-12-03T10:00:00.000Z');
      const pins = new ChecklistPinStore(knex);
      const worker = new ChecklistPinWorker({
        pins,
        reader: new ChecklistReader({
          urlReader: mockServices.urlReader.mock({
            readUrl: async () => ({ buffer: readUrl }),
          }),
        }),
        catalog: catalogServiceMock({ entities: [payments] }),
        auth: mockServices.auth(),
        integrations: ScmIntegrations.fromConfig(
          new ConfigReader({
            integrations: { github: [{ host: 'github.com' }] },
          }),
        ),
        logger: mockServices.logger.mock(),
        clock: () => now,
      });
      const request = (releaseId: string, entityRef: string) =>
        knex.transaction(tx =>
          ChecklistPinStore.request(
            tx,
            [{ releaseId, entityRef }],
            new Date(now).toISOString(),
          ),
        );
      const row = (releaseId: string) =>
        knex(CHECKLIST_PINS_TABLE)
          .where('release_id', releaseId)
          .first('state', 'attempts', 'available_at', 'reason');
      return {
        worker,
        request,
        row,
        advance: (ms: number) => {
          now += ms;
        },
      };
    }

    it('retries a host that is away with backoff, and gives up after ten attempts with the reason', async () => {
      const t = await setUp(async () => {
        throw Object.assign(new Error('connect ECONNREFUSED'), {
          code: 'ECONNREFUSED',
        });
      });
      await t.request('payments@1', 'component:default/payments-api');

      expect(await t.worker.pinOnce()).toBe(1);
      expect(await t.row('payments@1')).toEqual({
        state: 'pending',
        attempts: 1,
        available_at: '2026-12-03T10:00:05.000Z',
        reason: expect.stringContaining('connect ECONNREFUSED'),
      });
      // Not due before its time.
      expect(await t.worker.pinOnce()).toBe(0);
      t.advance(5_000);
      expect(await t.worker.pinOnce()).toBe(1);
      expect(await t.row('payments@1')).toMatchObject({
        attempts: 2,
        available_at: '2026-12-03T10:00:15.000Z',
      });
      for (let i = 0; i < 20; i++) {
        t.advance(10 * 60_000);
        await t.worker.pinOnce();
      }
      expect(await t.row('payments@1')).toEqual({
        state: 'unavailable',
        attempts: 9,
        available_at: expect.any(String),
        reason: expect.stringMatching(
          /connect ECONNREFUSED \(gave up after 10 attempts\)$/,
        ),
      });
    });

    it('marks a release of an entity the catalog does not have as unavailable', async () => {
      const t = await setUp(async () => Buffer.from('## Pre-release\n'));
      await t.request('ghost@1', 'component:default/ghost');
      await t.worker.pinOnce();
      expect(await t.row('ghost@1')).toMatchObject({
        state: 'unavailable',
        reason: 'component:default/ghost is not in the catalog',
      });
    });
  },
);
