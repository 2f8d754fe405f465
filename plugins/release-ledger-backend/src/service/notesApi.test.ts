import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  createTestDatabases,
  startTestLedger,
  testEntities,
} from '../__testUtils__/testLedger';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const service = mockCredentials.service.header();
const user = mockCredentials.user.header();

const sha = (n: number) => n.toString(16).padStart(40, 'd');

describe.each(databases.eachSupportedId())(
  'GET /releases/:id/notes on %p',
  databaseId => {
    let server: Awaited<ReturnType<typeof startTestLedger>>['server'];

    beforeAll(async () => {
      ({ server } = await startTestLedger(databases, databaseId, {
        entities: testEntities.map(e =>
          e.metadata.name === 'payments-api'
            ? {
                ...e,
                metadata: {
                  ...e.metadata,
                  annotations: { 'github.com/project-slug': 'acme/payments' },
                },
              }
            : e,
        ),
        config: { releaseLedger: { notes: { maxNonConventionalShare: 0.3 } } },
      }));
      const res = await request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', service)
        .send({
          events: [
            {
              type: 'release_started',
              releaseId: 'payments-api@2026.12.03.1',
              entityRef: 'component:default/payments-api',
              version: '1.43.0',
              timestamp: '2026-12-03T10:00:00Z',
              attributes: {
                commits: [
                  { sha: sha(5), subject: 'Update README.md' },
                  {
                    sha: sha(4),
                    subject: 'feat(api)!: drop v1 endpoints (#44)',
                    body: 'BREAKING CHANGE: /v1 is gone, use /v2',
                    prNumber: 44,
                  },
                  {
                    sha: sha(3),
                    subject: 'fix: round tax per line (#43)',
                    prNumber: 43,
                  },
                  {
                    sha: sha(2),
                    subject: 'Merge pull request #42 from acme/ui',
                    body: 'feat(ui): show [totals](javascript:alert(1))',
                    prNumber: 42,
                    isMerge: true,
                  },
                  { sha: sha(1), subject: 'Fixed Stuff.' },
                ],
              },
            },
            {
              type: 'pr_merged',
              releaseId: 'payments-api@2026.12.03.1',
              timestamp: '2026-12-03T09:00:00Z',
              attributes: {
                prNumber: 43,
                title: 'fix: round tax per line',
                url: 'https://github.example.com/acme/payments/pull/43',
              },
            },
          ],
        });
      if (res.status !== 201) {
        throw new Error(`setup refused: ${JSON.stringify(res.body)}`);
      }
    });

    it('groups the commits, links the PRs and flags a release of mostly non-conventional commits', async () => {
      const res = await request(server)
        .get('/api/release-ledger/releases/payments-api%402026.12.03.1/notes')
        .set('Authorization', user);
      expect(res.status).toBe(200);
      const notes = res.body;
      expect(
        notes.sections.map((s: any) => [
          s.kind,
          s.entries.map((e: any) => e.subject),
        ]),
      ).toEqual([
        ['breaking', ['drop v1 endpoints']],
        ['features', ['show [totals](javascript:alert(1))']],
        ['fixes', ['round tax per line']],
      ]);
      const entry = (n: number) =>
        notes.sections
          .flatMap((s: any) => s.entries)
          .find((e: any) => e.prNumber === n);
      // The PR's own link wins; otherwise the entity's GitHub repository.
      expect(entry(43).url).toBe(
        'https://github.example.com/acme/payments/pull/43',
      );
      expect(entry(44).url).toBe('https://github.com/acme/payments/pull/44');
      expect(entry(44).breakingNote).toBe('/v1 is gone, use /v2');
      expect(notes.nonConventional.map((e: any) => e.subject)).toEqual([
        'Update README.md',
        'Fixed Stuff.',
      ]);
      expect(notes.counts).toEqual({
        commits: 5,
        conventional: 3,
        nonConventional: 2,
        breaking: 1,
      });
      // 2 of 5 is above the configured 0.3.
      expect(notes).toMatchObject({
        nonConventionalShare: 0.4,
        maxNonConventionalShare: 0.3,
        flagged: true,
      });
      expect(notes.nonConventional[1].findings.map((f: any) => f.rule)).toEqual(
        expect.arrayContaining(['type-empty', 'subject-empty']),
      );
    });

    it('downloads the notes as a CHANGELOG section, with commit text escaped', async () => {
      const res = await request(server)
        .get(
          '/api/release-ledger/releases/payments-api%402026.12.03.1/notes?format=markdown',
        )
        .set('Authorization', user);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="payments-api-2026.12.03.1-notes.md"',
      );
      expect(res.text).toContain('## payments-api@2026.12.03.1 (1.43.0)');
      expect(res.text).toContain('### Breaking changes');
      expect(res.text).toContain(
        '([#44](https://github.com/acme/payments/pull/44))',
      );
      // The commit's would-be link is escaped: markdown shows it as text.
      expect(res.text).toContain(
        '* **ui:** show \\[totals\\](javascript:alert(1)) ([#42]',
      );
    });

    it('answers 404 for an unknown release and 400 for an unknown format', async () => {
      const unknown = await request(server)
        .get('/api/release-ledger/releases/nope%401/notes')
        .set('Authorization', user);
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe(
        'release nope@1 is not in the ledger',
      );
      const format = await request(server)
        .get(
          '/api/release-ledger/releases/payments-api%402026.12.03.1/notes?format=pdf',
        )
        .set('Authorization', user);
      expect(format.status).toBe(400);
      expect(format.body.error.message).toContain('format');
    });
  },
);

describe('releaseLedger.notes configuration', () => {
  it('stops startup naming a commitlint rule commitlint refuses', async () => {
    await expect(
      startTestLedger(databases, 'SQLITE_3', {
        config: {
          releaseLedger: { notes: { commitlintRules: { 'type-enum': 'yes' } } },
        },
      }),
    ).rejects.toThrow(
      /releaseLedger\.notes\.commitlintRules: commitlint refuses them/,
    );
  });
});
