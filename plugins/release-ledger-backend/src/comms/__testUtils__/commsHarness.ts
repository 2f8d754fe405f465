import { createLedgerStore } from '../../__testUtils__/ledgerStore';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ReleaseEventType } from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
import { DatabaseMetricsStore } from '../../metrics/DatabaseMetricsStore';
import type { AcceptedReleaseEvent } from '../../ledger/ReleaseLedgerStore';
import { readCommsConfig } from '../commsConfig';
import { OutboxWorker, OutboxWorkerOptions } from '../delivery/OutboxWorker';
import { MessageTransport, SlackTransport } from '../delivery/SlackTransport';
import { OutboxStore, OutboxState } from '../outbox/OutboxStore';
import { ReleaseRouting } from '../routing/ReleaseRouting';

/** Services with a channel each, and one team that names a channel for all its services. */
export function commsEntities(channels: string[]): Entity[] {
  const services = channels.map(
    (channel, i): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `svc-${i}`,
        namespace: 'default',
        annotations: {
          'release-ledger/slack-channel': channel,
          'release-ledger/oncall': '@oncall-payments',
        },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    }),
  );
  return [
    ...services,
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'team-routed', namespace: 'default' },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'unrouted', namespace: 'default' },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-b' },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'bad-channel',
        namespace: 'default',
        annotations: { 'release-ledger/slack-channel': 'payments releases!' },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-b' },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: 'team-a',
        namespace: 'default',
        annotations: { 'release-ledger/slack-channel': '#team-a-releases' },
      },
      spec: { type: 'team', children: [], profile: { displayName: 'Team A' } },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'team-b', namespace: 'default' },
      spec: { type: 'team', children: [] },
    },
  ];
}

/** A release event as the intake would accept it. */
export function releaseEvent(
  eventId: string,
  releaseId: string,
  type: ReleaseEventType,
  at: Date,
  attributes: Record<string, unknown> = {},
  entity = 'svc-0',
): AcceptedReleaseEvent {
  return {
    eventId,
    type,
    releaseId,
    entityRef: `component:default/${entity}`,
    releaseEntityRef: `component:default/${entity}`,
    ownerRef: `group:default/${
      entity === 'unrouted' || entity === 'bad-channel' ? 'team-b' : 'team-a'
    }`,
    timestamp: at.toISOString(),
    environment: 'production',
    version: '1.2.3',
    commit: '9f2c1ab0d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8',
    attributes,
  } as AcceptedReleaseEvent;
}

/**
 * The pieces of the comms pipeline on one database: the real ledger store
 * (which enqueues), the outbox, routing against a catalog mock, and workers
 * sending with the real Slack client to wherever `apiUrl` points.
 */
export async function createCommsHarness(options: {
  knex: Knex;
  apiUrl?: string;
  channels: string[];
  slackConfig?: object;
}) {
  const database = mockServices.database({ knex: options.knex });
  const store = await createLedgerStore({ database });
  const metricsStore = new DatabaseMetricsStore(options.knex);
  const config = readCommsConfig(
    new ConfigReader({
      app: { baseUrl: 'http://portal.test' },
      releaseLedger: {
        slack: {
          token: 'xoxb-test',
          apiUrl: options.apiUrl ?? 'http://127.0.0.1:1/api/',
          ...options.slackConfig,
        },
      },
    }),
  );
  const routing = new ReleaseRouting({
    catalog: catalogServiceMock({ entities: commsEntities(options.channels) }),
    auth: mockServices.auth(),
    config,
  });

  function worker(
    overrides: Partial<OutboxWorkerOptions> & {
      transport?: MessageTransport;
    } = {},
  ): OutboxWorker {
    return new OutboxWorker({
      outbox: new OutboxStore(options.knex),
      transport:
        overrides.transport ??
        new SlackTransport({
          token: 'xoxb-test',
          apiUrl: options.apiUrl!,
          timeoutMs: 2000,
        }),
      releases: store,
      footprints: { getReleaseFootprint: id => metricsStore.getFootprint(id) },
      routing,
      logger: mockServices.logger.mock(),
      perChannelIntervalMs: 0,
      maxAttempts: 10,
      concurrency: 4,
      leaseMs: 10_000,
      idleMs: 20,
      backoff: { baseMs: 20, maxMs: 200 },
      ...overrides,
    });
  }

  const outbox = new OutboxStore(options.knex);

  /** Runs passes until nothing is pending (or fails after `timeoutMs`). */
  async function drain(
    workers: OutboxWorker[],
    timeoutMs = 30_000,
  ): Promise<Record<OutboxState, number>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await Promise.all(workers.map(w => w.drainOnce()));
      const counts = await outbox.countByState();
      if (counts.pending === 0) return counts;
      if (Date.now() > deadline) {
        throw new Error(
          `outbox not drained after ${timeoutMs} ms: ${JSON.stringify(counts)}`,
        );
      }
      await new Promise(r => setTimeout(r, 10));
    }
  }

  return { store, outbox, config, routing, worker, drain };
}
