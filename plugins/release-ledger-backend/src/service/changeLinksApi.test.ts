import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  createTestDatabases,
  startTestLedger,
  testEntities,
  waitForProjections,
} from '../__testUtils__/testLedger';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const service = mockCredentials.service.header();
const user = mockCredentials.user.header();

const at = (hour: number, minute = 0) =>
  new Date(Date.UTC(2026, 10, 27, hour, minute)).toISOString();

const sha = (n: number) => n.toString(16).padStart(40, 'c');
const PAYMENTS = 'component:default/payments-api';

/** A merge workflow's event: no release, the entity and the merge commit. */
const merged = (pr: number, commit: string, hour: number) => ({
  type: 'pr_merged',
  entityRef: PAYMENTS,
  timestamp: at(hour),
  attributes: {
    prNumber: pr,
    title: `Change ${pr}`,
    commit,
    mergedAt: at(hour),
    author: 'ada',
  },
});

/** A release start listing its mainline commits (newest first). */
const started = (
  releaseId: string,
  hour: number,
  commits: Array<{
    sha: string;
    subject: string;
    prNumber?: number;
    hour: number;
  }>,
  extra: Record<string, unknown> = {},
) => ({
  type: 'release_started',
  releaseId,
  entityRef: PAYMENTS,
  timestamp: at(hour),
  attributes: {
    commit: commits[0]?.sha,
    commits: commits.map(c => ({
      sha: c.sha,
      subject: c.subject,
      prNumber: c.prNumber,
      committedAt: at(c.hour),
    })),
    ...extra,
  },
});

describe.each(databases.eachSupportedId())(
  'changes linked by commit on %p',
  databaseId => {
    let server: Awaited<ReturnType<typeof startTestLedger>>['server'];

    beforeEach(async () => {
      ({ server } = await startTestLedger(databases, databaseId, {
        entities: [
          ...testEntities,
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: 'payments-worker', namespace: 'default' },
            spec: {
              type: 'service',
              lifecycle: 'production',
              owner: 'team-payments',
            },
          },
        ],
      }));
    });

    const post = (events: object[]) =>
      request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', service)
        .send({ events });
    const release = async (id: string) =>
      (
        await request(server)
          .get(`/api/release-ledger/releases/${encodeURIComponent(id)}`)
          .set('Authorization', user)
      ).body;

    it('links a merge sent before the release to the release listing its commit', async () => {
      const first = await post([merged(41, sha(41), 1)]);
      expect(first.status).toBe(201);
      // Nothing to link it to yet: stored, without a release.
      expect(first.body.results[0]).not.toHaveProperty('releaseId');

      const res = await post([
        started('payments@1', 5, [
          { sha: sha(42), subject: 'fix: direct push', hour: 3 },
          {
            sha: sha(41),
            subject: 'feat: change 41 (#41)',
            prNumber: 41,
            hour: 1,
          },
        ]),
        { type: 'promoted', releaseId: 'payments@1', timestamp: at(6) },
      ]);
      expect(res.status).toBe(201);

      const r = await release('payments@1');
      expect(r.changes).toEqual([
        // The PR's own event wins over its commit, and keeps its author.
        {
          prNumber: 41,
          title: 'Change 41',
          author: 'ada',
          mergedAt: at(1),
          commit: sha(41),
          source: 'pr_merged',
        },
        // A commit no PR describes is a change of its own.
        {
          title: 'fix: direct push',
          mergedAt: at(3),
          commit: sha(42),
          source: 'commit',
        },
      ]);
      expect(r.commitCount).toBe(2);
      // The linked copy is the release's event and names the original.
      const linked = r.events.filter((e: any) => e.type === 'pr_merged');
      expect(linked).toHaveLength(1);
      expect(linked[0].attributes.linkedFrom).toBe(
        first.body.results[0].eventId,
      );

      // Lead time per change: merge (or commit) → promotion.
      await waitForProjections(server, user);
      const footprint = (await release('payments@1')).footprint;
      expect(
        footprint.leadTimesMs.sort((a: number, b: number) => a - b),
      ).toEqual([3 * 3600_000, 5 * 3600_000]);
    });

    it('links a merge sent after the release started, by an abbreviated commit', async () => {
      await post([
        started('payments@2', 5, [
          {
            sha: sha(51),
            subject: 'Merge pull request #51 from x/y',
            prNumber: 51,
            hour: 2,
          },
        ]),
      ]);
      const before = await release('payments@2');
      expect(before.changes).toEqual([
        expect.objectContaining({
          prNumber: 51,
          source: 'commit',
          commit: sha(51),
        }),
      ]);

      const res = await post([merged(51, sha(51).slice(0, 10), 2)]);
      expect(res.status).toBe(201);
      const after = await release('payments@2');
      expect(after.changes).toEqual([
        expect.objectContaining({
          prNumber: 51,
          title: 'Change 51',
          source: 'pr_merged',
          commit: sha(51).slice(0, 10),
        }),
      ]);

      // A retry of the merge is a duplicate: still one change, one linked event.
      const retry = await post([merged(51, sha(51).slice(0, 10), 2)]);
      expect(retry.body.results[0].status).toBe('duplicate');
      const again = await release('payments@2');
      expect(
        again.events.filter((e: any) => e.type === 'pr_merged'),
      ).toHaveLength(1);
    });

    it('links a commit to the first release that lists it, and leaves other entities alone', async () => {
      await post([
        started('payments@3', 5, [
          { sha: sha(61), subject: 'feat: a', hour: 1 },
        ]),
        // Listed again by the next release (a re-deploy of the same range).
        started('payments@4', 7, [
          { sha: sha(61), subject: 'feat: a', hour: 1 },
        ]),
        // A merge of another entity with the same commit is not this release's.
        {
          ...merged(61, sha(61), 1),
          entityRef: 'component:default/cart-service',
        },
        merged(61, sha(61), 1),
      ]);
      expect((await release('payments@3')).changes).toEqual([
        expect.objectContaining({ prNumber: 61, source: 'pr_merged' }),
      ]);
      expect(
        (await release('payments@4')).events.filter(
          (e: any) => e.type === 'pr_merged',
        ),
      ).toEqual([]);
    });

    it("links a component's merges to a release that deploys several components", async () => {
      await post([
        {
          ...merged(71, sha(71), 1),
          entityRef: 'component:default/payments-worker',
        },
      ]);
      const res = await post([
        started(
          'payments@5',
          5,
          [{ sha: sha(71), subject: 'feat: worker', hour: 1 }],
          {
            components: ['payments-worker'],
          },
        ),
      ]);
      expect(res.status).toBe(201);
      const r = await release('payments@5');
      expect(r.components).toEqual(['component:default/payments-worker']);
      // The component's release list includes it, as its own entity's does.
      for (const entityRef of [
        'component:default/payments-worker',
        'component:default/payments-api',
      ]) {
        const list = await request(server)
          .get(
            `/api/release-ledger/releases?entityRef=${encodeURIComponent(
              entityRef,
            )}`,
          )
          .set('Authorization', user);
        expect(list.body.items.map((i: any) => i.releaseId)).toEqual([
          'payments@5',
        ]);
      }
      expect(r.changes).toEqual([
        expect.objectContaining({ prNumber: 71, source: 'pr_merged' }),
      ]);
    });

    it('refuses a component that is not in the catalog, naming it, and stores nothing', async () => {
      const res = await post([
        started('payments@6', 5, [], {
          components: ['component:default/nope'],
        }),
      ]);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(
        'events[0].attributes.components.0: component:default/nope is not in the catalog',
      );
      const get = await request(server)
        .get('/api/release-ledger/releases/payments%406')
        .set('Authorization', user);
      expect(get.status).toBe(404);
    });
  },
);
