import {
  appendAndProject,
  createLedgerStore,
} from '../__testUtils__/ledgerStore';
import { mockServices } from '@backstage/backend-test-utils';
import type {
  IncidentSeverity,
  ReleaseEventType,
} from '@release-ledger/plugin-release-ledger-common';
import { createTestDatabases } from '../__testUtils__/testLedger';
import { DatabaseMetricsStore } from './DatabaseMetricsStore';
import { AcceptedEvent } from '../ledger/ReleaseLedgerStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ENTITY = 'component:default/payments-api';
const OWNER = 'group:default/team-payments';
const h = (hours: number) =>
  new Date(Date.UTC(2026, 10, 1) + hours * 3_600_000).toISOString();

function releaseEvent(
  eventId: string,
  releaseId: string,
  type: ReleaseEventType,
  hour: number,
  attributes: Record<string, unknown> = {},
): AcceptedEvent {
  return {
    eventId,
    type,
    releaseId,
    entityRef: ENTITY,
    releaseEntityRef: ENTITY,
    ownerRef: OWNER,
    timestamp: h(hour),
    environment: 'production',
    attributes,
  } as AcceptedEvent;
}

function incident(
  eventId: string,
  incidentId: string,
  hour: number,
  severity: IncidentSeverity = 'SEV-2',
): AcceptedEvent {
  return {
    eventId,
    type: 'incident_started',
    entityRef: ENTITY,
    timestamp: h(hour),
    environment: 'production',
    attributes: { incidentId, severity },
  };
}

describe.each(databases.eachSupportedId())(
  'metrics projection on %p',
  databaseId => {
    async function stores(windowHours = 72) {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      const ledger = await createLedgerStore({
        database,
        incidentAttributionWindowHours: windowHours,
      });
      const other = await createLedgerStore({
        database,
        incidentAttributionWindowHours: windowHours,
      });
      return { ledger, other, metrics: new DatabaseMetricsStore(knex) };
    }
    const deploy = (releaseId: string, startHour: number) => [
      releaseEvent(`${releaseId}-s`, releaseId, 'release_started', startHour),
      releaseEvent(`${releaseId}-p`, releaseId, 'promoted', startHour + 1),
    ];

    it('attributes an incident that arrived before the promotion it belongs to', async () => {
      const { ledger, metrics } = await stores();
      await appendAndProject(ledger, [incident('i1', 'INC-1', 10)]);
      expect(
        (
          await metrics.listUnattributedIncidents({ from: h(0), limit: 10 })
        ).map(i => i.incidentId),
      ).toEqual(['INC-1']);

      await appendAndProject(ledger, deploy('r1', 0)); // promoted at hour 1
      expect(
        await metrics.listUnattributedIncidents({ from: h(0), limit: 10 }),
      ).toEqual([]);
      expect(await metrics.listReleaseIncidents('r1')).toEqual([
        expect.objectContaining({
          incidentId: 'INC-1',
          attribution: 'window',
          releaseId: 'r1',
        }),
      ]);
      expect(await metrics.getFootprint('r1')).toMatchObject({
        failed: true,
        failureCauses: ['incident'],
        firstFailureSignalAt: h(10),
      });
    });

    it('moves the attribution to a later promotion that arrives late, and clears the earlier release', async () => {
      const { ledger, metrics } = await stores();
      await appendAndProject(ledger, [
        ...deploy('r1', 0),
        incident('i1', 'INC-1', 10),
      ]);
      expect((await metrics.getFootprint('r1'))?.failed).toBe(true);

      await appendAndProject(ledger, deploy('r2', 5)); // promoted at hour 6, still before the incident
      expect(
        (await metrics.listReleaseIncidents('r2')).map(i => i.incidentId),
      ).toEqual(['INC-1']);
      expect(await metrics.listReleaseIncidents('r1')).toEqual([]);
      expect((await metrics.getFootprint('r1'))?.failed).toBe(false);
      expect((await metrics.getFootprint('r2'))?.failed).toBe(true);
    });

    it('leaves an incident outside the window unattributed, and honours a configured window', async () => {
      const narrow = await stores(6);
      await appendAndProject(narrow.ledger, [
        ...deploy('r1', 0),
        incident('i1', 'INC-1', 8),
      ]);
      expect(await narrow.metrics.listReleaseIncidents('r1')).toEqual([]);
      expect(
        (
          await narrow.metrics.listUnattributedIncidents({
            from: h(0),
            limit: 10,
          })
        )[0],
      ).toMatchObject({ incidentId: 'INC-1', attribution: 'unattributed' });

      const wide = await stores();
      await appendAndProject(wide.ledger, [
        ...deploy('r1', 0),
        incident('i1', 'INC-1', 8),
      ]);
      expect(
        (await wide.metrics.listReleaseIncidents('r1'))[0].attribution,
      ).toBe('window');
    });

    it('keeps an explicit incident on its release whatever is promoted later', async () => {
      const { ledger, metrics } = await stores();
      await appendAndProject(ledger, [
        ...deploy('r1', 0),
        releaseEvent('i1', 'r1', 'incident_started', 10, {
          incidentId: 'INC-1',
          severity: 'SEV-1',
        }),
      ]);
      await appendAndProject(ledger, deploy('r2', 5));
      expect(await metrics.listReleaseIncidents('r1')).toEqual([
        expect.objectContaining({
          incidentId: 'INC-1',
          attribution: 'explicit',
        }),
      ]);
      expect(await metrics.listReleaseIncidents('r2')).toEqual([]);
    });

    it('resolves an incident from an event with neither release nor entity', async () => {
      const { ledger, metrics } = await stores();
      await appendAndProject(ledger, [
        ...deploy('r1', 0),
        incident('i1', 'INC-1', 10),
      ]);
      await appendAndProject(ledger, [
        {
          eventId: 'i1-resolved',
          type: 'incident_resolved',
          timestamp: h(12),
          environment: 'production',
          attributes: { incidentId: 'INC-1' },
        },
      ]);
      expect((await metrics.listReleaseIncidents('r1'))[0]).toMatchObject({
        incidentId: 'INC-1',
        resolvedAt: h(12),
        attribution: 'window',
      });
    });

    it('counts a SEV-3 incident as attributed but not as a failure', async () => {
      const { ledger, metrics } = await stores();
      await appendAndProject(ledger, [
        ...deploy('r1', 0),
        incident('i1', 'INC-1', 10, 'SEV-3'),
      ]);
      expect((await metrics.listReleaseIncidents('r1'))[0].attribution).toBe(
        'window',
      );
      expect((await metrics.getFootprint('r1'))?.failed).toBe(false);
    });

    it('gives the same footprints when two instances ingest one history concurrently', async () => {
      const { ledger, other, metrics } = await stores();
      const events = [
        ...deploy('r1', 0),
        ...deploy('r2', 20),
        incident('i1', 'INC-1', 10),
        incident('i2', 'INC-2', 30),
        releaseEvent('r2-rb', 'r2', 'rolled_back', 22, { reason: 'errors' }),
      ];
      // Each instance appends and drains while the other does the same:
      // drains race appends and each other.
      await Promise.all(
        events.map(async (e, i) => {
          const instance = i % 2 ? ledger : other;
          await instance.appendEvents([e]);
          await instance.projectionQueue.drainAll();
        }),
      );
      await Promise.all([
        ledger.projectionQueue.drainAll(),
        other.projectionQueue.drainAll(),
      ]);
      expect(await ledger.projectionQueue.status()).toMatchObject({
        pendingEvents: 0,
      });
      const footprints = await metrics.listFootprints({ kind: 'org' }, h(0));
      expect(
        footprints.map(f => [f.releaseId, f.failed, f.failureCauses]).sort(),
      ).toEqual([
        ['r1', true, ['incident']],
        ['r2', true, ['rolled_back', 'incident']],
      ]);
      expect(
        (await metrics.listReleaseIncidents('r2')).map(i => i.incidentId),
      ).toEqual(['INC-2']);
    });
  },
);
