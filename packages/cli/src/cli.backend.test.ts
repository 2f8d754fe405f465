/*
 * The CLI against the real ledger backend plugin, started in-process with
 * startTestBackend on a random port, with Backstage's real auth services and
 * a static token in backend.auth.externalAccess — exactly how a pipeline
 * authenticates in production. The catalog is a mock with two components.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLedgerBackend } from './__testUtils__/ledgerBackend';
import { run } from './program';

jest.setTimeout(60_000);

const TOKEN = 'cli-test-pipeline-token';

function component(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
  };
}

const entities: Entity[] = [
  component('payments-api', 'team-payments'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team-payments', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

// SQLite is enough here: the store itself is tested on SQLite and PostgreSQL
// by the backend plugin; these tests are about the CLI's exit codes.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('release-ledger CLI against the ledger backend', () => {
  let baseUrl: string;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ baseUrl, stop } = await startLedgerBackend({
      databases,
      token: TOKEN,
      entities: entities,
    }));
  });

  afterAll(async () => {
    await stop?.();
  });

  async function cli(
    args: string[],
    env: Record<string, string | undefined> = {
      RELEASE_LEDGER_URL: baseUrl,
      RELEASE_LEDGER_TOKEN: TOKEN,
    },
  ) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await run(args, {
      env,
      stdout: t => stdout.push(t),
      stderr: t => stderr.push(t),
      sleep: async () => {},
    });
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  }

  async function getRelease(releaseId: string) {
    const res = await fetch(
      `${baseUrl}/api/release-ledger/releases/${encodeURIComponent(releaseId)}`,
      { headers: { Authorization: `Bearer ${TOKEN}` } },
    );
    expect(res.status).toBe(200);
    return res.json();
  }

  it('start and event record the release; GET /releases/:id shows the events', async () => {
    const releaseId = 'payments-api@2026.11.27.1';
    const started = await cli([
      'start',
      '--release',
      releaseId,
      '--entity',
      'component:default/payments-api',
      '--version',
      '1.42.0',
      '--commit',
      '9f2c1ab',
      '--plan',
      'canary 10%/5m, 50%/10m, 100%/10m',
      '--risk',
      'medium',
      '--change-count',
      '3',
      '--timestamp',
      '2026-11-27T10:00:00Z',
    ]);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(
      /^created release_started payments-api@2026\.11\.27\.1 \(event derived-[0-9a-f]{40}\)$/,
    );

    const canary = await cli([
      'event',
      'canary_started',
      '--release',
      releaseId,
      '--weight',
      '10',
      '--timestamp',
      '2026-11-27T10:01:00Z',
      '--attr',
      'region=eu-west-1',
    ]);
    expect(canary.code).toBe(0);
    expect(canary.stdout).toMatch(/^created canary_started/);

    const rolledBack = await cli([
      'event',
      'rolled_back',
      '--release',
      releaseId,
      '--reason',
      'canary error rate 3.4% > 1%',
      '--event-id',
      'gh-run-77-attempt-1-rolled-back',
      '--timestamp',
      '2026-11-27T10:09:00Z',
    ]);
    expect(rolledBack.code).toBe(0);
    expect(rolledBack.stdout).toBe(
      `created rolled_back ${releaseId} (event gh-run-77-attempt-1-rolled-back)`,
    );

    const release = await getRelease(releaseId);
    expect(release.status).toBe('rolled_back');
    const events = release.events.map((e: any) => ({
      type: e.type,
      attributes: e.attributes,
    }));
    expect(events).toEqual([
      {
        type: 'release_started',
        attributes: {
          plan: 'canary 10%/5m, 50%/10m, 100%/10m',
          risk: 'medium',
          changeCount: 3,
        },
      },
      {
        type: 'canary_started',
        attributes: { weight: 10, region: 'eu-west-1' },
      },
      {
        type: 'rolled_back',
        attributes: { reason: 'canary error rate 3.4% > 1%' },
      },
    ]);
    expect(release.events[0]).toMatchObject({
      version: '1.42.0',
      commit: '9f2c1ab',
      entityRef: 'component:default/payments-api',
    });
  });

  it('a retried step without an event id is answered duplicate and stored once', async () => {
    const releaseId = 'payments-api@2026.11.27.2';
    const args = [
      'start',
      '--release',
      releaseId,
      '--entity',
      'component:default/payments-api',
    ];
    const first = await cli(args);
    const retry = await cli(args);
    expect(first.code).toBe(0);
    expect(retry.code).toBe(0);
    expect(first.stdout).toMatch(/^created /);
    expect(retry.stdout).toMatch(
      /^duplicate release_started .*already recorded, nothing changed\)$/,
    );
    const release = await getRelease(releaseId);
    expect(release.events).toHaveLength(1);
  });

  it('an entity the catalog does not know exits 2 with the server message naming it', async () => {
    const result = await cli([
      'start',
      '--release',
      'ghost@1',
      '--entity',
      'component:default/ghost-service',
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('answered 400');
    expect(result.stderr).toContain('component:default/ghost-service');
  });

  it('an attribute the contract refuses exits 2 with the field named', async () => {
    await cli([
      'start',
      '--release',
      'payments-api@2026.11.27.3',
      '--entity',
      'component:default/payments-api',
    ]);
    const result = await cli([
      'event',
      'canary_started',
      '--release',
      'payments-api@2026.11.27.3',
      '--weight',
      '250',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('attributes.weight');
  });

  it('a missing token is a clear local error naming the option and the variable', async () => {
    const result = await cli(
      ['event', 'promoted', '--release', 'payments-api@2026.11.27.1'],
      { RELEASE_LEDGER_URL: baseUrl },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--token');
    expect(result.stderr).toContain('RELEASE_LEDGER_TOKEN');
  });

  it('a wrong token exits 2 with the 401 and a hint', async () => {
    const result = await cli([
      'event',
      'promoted',
      '--release',
      'payments-api@2026.11.27.1',
      '--token',
      'not-the-token',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('answered 401');
    expect(result.stderr).toContain('RELEASE_LEDGER_TOKEN');
  });

  it('flags win over the environment', async () => {
    const result = await cli(
      [
        'event',
        'note_added',
        '--release',
        'payments-api@2026.11.27.1',
        '--attr',
        'text=flags win',
        '--base-url',
        baseUrl,
        '--token',
        TOKEN,
      ],
      {
        RELEASE_LEDGER_URL: 'http://127.0.0.1:9',
        RELEASE_LEDGER_TOKEN: 'wrong',
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('an unreachable ledger exits 2 after its retries', async () => {
    const closed = http.createServer();
    await new Promise<void>(r => closed.listen(0, '127.0.0.1', () => r()));
    const { port } = closed.address() as AddressInfo;
    await new Promise(r => closed.close(r));
    const result = await cli([
      'event',
      'promoted',
      '--release',
      'payments-api@2026.11.27.1',
      '--base-url',
      `http://127.0.0.1:${port}`,
      '--retries',
      '1',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ECONNREFUSED');
  });

  it('gate on a release the ledger does not know exits 2 with the server answer', async () => {
    const result = await cli([
      'gate',
      '--release',
      'payments-api@never-started',
      '--wait',
      '--timeout',
      '5s',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^release-ledger: POST \/api\/release-ledger\/releases\/payments-api%40never-started\/gates\/evaluate answered 404/,
    );
  });
});
