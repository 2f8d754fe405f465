import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  createTestDatabases,
  startTestLedger,
} from '../__testUtils__/testLedger';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const service = mockCredentials.service.header();
const user = mockCredentials.user.header();

const FILLED = [
  '## Risk',
  'medium: touches refunds',
  '## Feature flags',
  'none',
  '## Rollback criteria',
  'Refund errors above 0.5% for 10 minutes.',
].join('\n');
const NO_ROLLBACK = [
  '## Risk',
  'low',
  '## Feature flags',
  'refunds-v2 (default off)',
  '## Rollback criteria',
  '<!-- what would make you roll back? -->',
].join('\n');

const merged = (pr: number, body?: string) => ({
  type: 'pr_merged',
  releaseId: 'payments-api@pr',
  entityRef: 'component:default/payments-api',
  timestamp: '2026-12-03T09:00:00Z',
  attributes: {
    prNumber: pr,
    title: `Change ${pr}`,
    ...(body ? { body } : {}),
  },
});

describe.each(databases.eachSupportedId())(
  'PR template fields of merged changes on %p',
  databaseId => {
    const setup = async (config?: object) => {
      const { server } = await startTestLedger(databases, databaseId, {
        config,
      });
      const res = await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', service)
        .send({
          events: [merged(1, FILLED), merged(2, NO_ROLLBACK), merged(3)],
        });
      expect(res.status).toBe(201);
      return (
        await request(server)
          .get('/api/release-ledger/releases/payments-api@pr')
          .set('Authorization', user)
      ).body;
    };

    it('flags a change whose body misses a required field, and its release; a change sent without a body is not checked', async () => {
      const release = await setup();
      const byPr = new Map(release.changes.map((c: any) => [c.prNumber, c]));
      expect((byPr.get(1) as any).missingFields).toBeUndefined();
      expect((byPr.get(2) as any).missingFields).toEqual([
        {
          field: 'rollback',
          label: 'Rollback criteria',
          problem: expect.stringContaining(
            "is missing: nothing is written under it (the template's comments do not count)",
          ),
        },
      ]);
      expect((byPr.get(3) as any).missingFields).toBeUndefined();
      expect(release.changesMissingFields).toBe(1);
    });

    it('checks the configured fields instead', async () => {
      const release = await setup({
        releaseLedger: {
          pullRequests: {
            requiredFields: ['risk', 'testing=How it was tested'],
          },
        },
      });
      const problems = release.changes.map((c: any) =>
        (c.missingFields ?? []).map((m: any) => m.field),
      );
      expect(problems).toEqual([['testing'], ['testing'], []]);
      expect(release.changesMissingFields).toBe(2);
    });
  },
);

describe('releaseLedger.pullRequests configuration', () => {
  it('stops startup naming the field spec that is wrong', async () => {
    await expect(
      startTestLedger(databases, 'SQLITE_3', {
        config: {
          releaseLedger: { pullRequests: { requiredFields: ['risk', '=x'] } },
        },
      }),
    ).rejects.toThrow(/releaseLedger\.pullRequests\.requiredFields\[1\]: /);
  });
});
