import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Server } from 'node:http';
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

const SHA = '3f2c1a9d8e7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a';
const CHECKLIST = [
  '# Payments release checklist',
  '## Pre-release (owner: release engineer)',
  '- [ ] Flags default OFF (required)',
  '- [ ] Staging dry run',
  '## Post-release (owner: on-call)',
  '- [ ] Summary posted',
].join('\n');

/** The catalog with payments-api's catalog file on GitHub. */
const entities = testEntities.map(e =>
  e.metadata.name === 'payments-api'
    ? {
        ...e,
        metadata: {
          ...e.metadata,
          annotations: {
            'backstage.io/managed-by-location':
              'url:https://github.com/acme/payments/blob/main/catalog-info.yaml',
          },
        },
      }
    : e,
);

async function checklistOf(server: Server, releaseId: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await request(server)
      .get(`/api/release-ledger/releases/${releaseId}/checklist`)
      .set('Authorization', user);
    if (res.status !== 200 || res.body.state !== 'pending') return res;
    if (Date.now() > deadline) throw new Error('the checklist stayed pending');
    await new Promise(r => setTimeout(r, 25));
  }
}

describe.each(databases.eachSupportedId())(
  'GET /releases/:releaseId/checklist on %p',
  databaseId => {
    it('pins the checklist read at the release’s commit when the release starts, and keeps it when the file changes', async () => {
      let file = CHECKLIST;
      const read: string[] = [];
      const urlReader = mockServices.urlReader.mock({
        readUrl: async url => {
          read.push(url);
          return { buffer: async () => Buffer.from(file) };
        },
      });
      const { server } = await startTestLedger(databases, databaseId, {
        entities,
        features: [urlReader.factory],
        config: {
          integrations: { github: [{ host: 'github.com' }] },
        },
      });
      const start = (releaseId: string, commit: string) =>
        request(server)
          .post('/api/release-ledger/events')
          .set('Authorization', service)
          .send({
            type: 'release_started',
            releaseId,
            entityRef: 'component:default/payments-api',
            attributes: { commit },
          })
          .expect(201);

      await start('payments@41', SHA);
      await waitForProjections(server, service);
      const res = await checklistOf(server, 'payments@41');
      expect(res.status).toBe(200);
      expect(read).toEqual([
        `https://github.com/acme/payments/tree/${SHA}/RELEASE_CHECKLIST.md`,
      ]);
      expect(res.body).toMatchObject({
        releaseId: 'payments@41',
        entityRef: 'component:default/payments-api',
        state: 'pinned',
        commit: SHA,
        source: `https://github.com/acme/payments/tree/${SHA}/RELEASE_CHECKLIST.md`,
        contentSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        checklist: {
          title: 'Payments release checklist',
          sections: [
            {
              phase: 'pre',
              ownerRole: 'release engineer',
              items: [
                { id: 'pre.flags-default-off', required: true },
                { id: 'pre.staging-dry-run', required: false },
              ],
            },
            { phase: 'post', items: [{ text: 'Summary posted' }] },
          ],
        },
      });
      expect(res.body.openRequired).toEqual(['pre.flags-default-off']);
      const pinned = res.body;

      // Ticking the required item (as the portal or the CLI would) frees
      // the release; unticking holds it again. The pin itself stays.
      const tick = (checked: boolean) =>
        request(server)
          .post('/api/release-ledger/events')
          .set('Authorization', service)
          .send({
            type: 'checklist_item_checked',
            releaseId: 'payments@41',
            attributes: {
              item: 'Flags default OFF',
              itemId: 'pre.flags-default-off',
              by: 'alice',
              checked,
            },
          })
          .expect(201);
      await tick(true);
      const ticked = await checklistOf(server, 'payments@41');
      expect(ticked.body.openRequired).toEqual([]);
      expect(ticked.body.checklist.sections[0].items[0]).toMatchObject({
        id: 'pre.flags-default-off',
        checked: { by: 'alice', eventId: expect.any(String) },
      });
      await tick(false);
      const unticked = await checklistOf(server, 'payments@41');
      expect(unticked.body).toEqual(pinned);

      // The file changes; the release keeps what it was pinned to, even
      // when release_started is sent again. A new release reads the new file.
      file = CHECKLIST.replace('Staging dry run', 'Canary in one region');
      await start('payments@41', SHA);
      await start('payments@42', 'abcdef1');
      await waitForProjections(server, service);
      const next = await checklistOf(server, 'payments@42');
      expect(next.body.checklist.sections[0].items[1].text).toBe(
        'Canary in one region',
      );
      expect((await checklistOf(server, 'payments@41')).body).toEqual(pinned);
      expect(read).toHaveLength(2);
    });

    it('records a signed-in user as the one who ticked, whatever the body says', async () => {
      const urlReader = mockServices.urlReader.mock({
        readUrl: async () => ({ buffer: async () => Buffer.from(CHECKLIST) }),
      });
      const { server } = await startTestLedger(databases, databaseId, {
        entities,
        features: [urlReader.factory],
        config: { integrations: { github: [{ host: 'github.com' }] } },
        permissionResult: AuthorizeResult.ALLOW,
      });
      await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', service)
        .send({
          type: 'release_started',
          releaseId: 'payments@50',
          entityRef: 'component:default/payments-api',
        })
        .expect(201);
      await waitForProjections(server, service);
      expect((await checklistOf(server, 'payments@50')).body.state).toBe(
        'pinned',
      );
      const userRef = mockCredentials.user().principal.userEntityRef;
      await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', mockCredentials.user.header(userRef))
        .send({
          events: [
            {
              type: 'checklist_item_checked',
              releaseId: 'payments@50',
              attributes: {
                item: 'Flags default OFF',
                itemId: 'pre.flags-default-off',
                by: 'someone-else',
              },
            },
          ],
        })
        .expect(201);
      const res = await checklistOf(server, 'payments@50');
      expect(res.body.checklist.sections[0].items[0].checked).toMatchObject({
        by: userRef,
      });
      expect(res.body.openRequired).toEqual([]);
    });

    it('says why when the entity has no checklist file, and 404 for a release that has not started', async () => {
      const urlReader = mockServices.urlReader.mock({
        readUrl: async url => {
          throw new NotFoundError(`${url} not found`);
        },
      });
      const { server } = await startTestLedger(databases, databaseId, {
        entities,
        features: [urlReader.factory],
        config: { integrations: { github: [{ host: 'github.com' }] } },
      });
      await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', service)
        .send({
          type: 'release_started',
          releaseId: 'payments@7',
          entityRef: 'component:default/payments-api',
        })
        .expect(201);
      await waitForProjections(server, service);
      const res = await checklistOf(server, 'payments@7');
      expect(res.body).toEqual({
        releaseId: 'payments@7',
        entityRef: 'component:default/payments-api',
        state: 'unavailable',
        openRequired: [],
        reason:
          "no checklist at https://github.com/acme/payments/tree/main/RELEASE_CHECKLIST.md: add one (the plugin's templates/RELEASE_CHECKLIST.md is a start) or point the release-ledger/checklist annotation at it",
      });

      const unknown = await request(server)
        .get('/api/release-ledger/releases/nope@1/checklist')
        .set('Authorization', user);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe(
        'release nope@1 has no checklist: it is unknown or has not started',
      );
    });

    it("shows which items the entity's finished releases most often skipped", async () => {
      const urlReader = mockServices.urlReader.mock({
        readUrl: async () => ({ buffer: async () => Buffer.from(CHECKLIST) }),
      });
      const { server } = await startTestLedger(databases, databaseId, {
        entities,
        features: [urlReader.factory],
        config: { integrations: { github: [{ host: 'github.com' }] } },
      });
      const post = (events: object[]) =>
        request(server)
          .post('/api/release-ledger/events')
          .set('Authorization', service)
          .send({ events })
          .expect(201);
      const tick = (releaseId: string, itemId: string, item: string) => ({
        type: 'checklist_item_checked',
        releaseId,
        attributes: { item, itemId, by: 'ana' },
      });
      // Three releases: all tick the required item, one also does the dry
      // run, none posts the summary; the third has not finished.
      for (const n of [1, 2, 3]) {
        await post([
          {
            type: 'release_started',
            releaseId: `payments@s${n}`,
            entityRef: 'component:default/payments-api',
            attributes: { commit: SHA },
          },
        ]);
        await checklistOf(server, `payments@s${n}`);
      }
      await post([
        tick('payments@s1', 'pre.flags-default-off', 'Flags default OFF'),
        tick('payments@s1', 'pre.staging-dry-run', 'Staging dry run'),
        tick('payments@s2', 'pre.flags-default-off', 'Flags default OFF'),
        { type: 'promoted', releaseId: 'payments@s1' },
        { type: 'release_finished', releaseId: 'payments@s1' },
        { type: 'promoted', releaseId: 'payments@s2' },
        { type: 'release_finished', releaseId: 'payments@s2' },
      ]);
      const res = await request(server)
        .get(
          `/api/release-ledger/checklists/skipped?entityRef=${encodeURIComponent(
            'component:default/payments-api',
          )}`,
        )
        .set('Authorization', user);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        entityRef: 'component:default/payments-api',
        releases: 2,
        items: [
          {
            id: 'post.summary-posted',
            text: 'Summary posted',
            phase: 'post',
            required: false,
            skipped: 2,
            of: 2,
          },
          {
            id: 'pre.staging-dry-run',
            text: 'Staging dry run',
            phase: 'pre',
            required: false,
            skipped: 1,
            of: 2,
          },
        ],
      });
      const bad = await request(server)
        .get('/api/release-ledger/checklists/skipped?entityRef=%3A%3A')
        .set('Authorization', user);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('entityRef');
    });
  },
);
