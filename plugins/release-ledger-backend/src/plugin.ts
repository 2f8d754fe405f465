import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { releaseLedgerPermissions } from '@release-ledger/plugin-release-ledger-common';
import {
  releaseLedgerGateProvidersExtensionPoint,
  releaseLedgerProjectorsExtensionPoint,
} from '@release-ledger/plugin-release-ledger-node';
import { readCommsConfig } from './comms/commsConfig';
import { createComms } from './comms/createComms';
import { scheduleDigests } from './comms/digests/digestTasks';
import { readReleaseLedgerConfig } from './config';
import { DatabaseMetricsStore } from './metrics/DatabaseMetricsStore';
import { DatabaseReleaseLedgerStore } from './ledger/DatabaseReleaseLedgerStore';
import { addConfiguredProviders, createGates } from './gates/createGates';
import { GateProviders } from './gates/providers/GateProviders';
import { EventIntake } from './ledger/EventIntake';
import { ProjectionDrainWorker } from './ledger/ProjectionDrainWorker';
import { MetricsService } from './metrics/MetricsService';
import { scheduleSystemBackfill } from './metrics/systemBackfill';
import { createRouter } from './service/router';
import { ModuleProjectors, standardProjectors } from './standardProjectors';

/**
 * Release Ledger backend plugin: records release events keyed to catalog
 * entities and serves releases projected from them.
 *
 * @public
 */
export const releaseLedgerPlugin = createBackendPlugin({
  pluginId: 'release-ledger',
  register(env) {
    const gateProviders = new GateProviders();
    env.registerExtensionPoint(
      releaseLedgerGateProvidersExtensionPoint,
      gateProviders,
    );
    const moduleProjectors = new ModuleProjectors();
    env.registerExtensionPoint(
      releaseLedgerProjectorsExtensionPoint,
      moduleProjectors,
    );
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        scheduler: coreServices.scheduler,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const config = readReleaseLedgerConfig(deps.config);
        const commsConfig = readCommsConfig(deps.config);
        deps.permissionsRegistry.addPermissions(releaseLedgerPermissions);
        const db = await deps.database.getClient();
        if (config.eventLogOnly) {
          deps.logger.warn(
            'release-ledger: releaseLedger.benchmark.eventLogOnly is set: events are stored and nothing is projected from them (benchmarks only)',
          );
        }
        const store = await DatabaseReleaseLedgerStore.create({
          database: deps.database,
          eventLogOnly: config.eventLogOnly,
          projectors: [
            ...standardProjectors({
              db,
              incidentAttributionWindowHours:
                config.metrics.incidentAttributionWindowHours,
              pmPerReleaseChannel:
                commsConfig.pm?.mode === 'per-release'
                  ? commsConfig.pm.channel
                  : undefined,
            }),
            ...moduleProjectors.list(),
          ],
        });
        const metricsStore = new DatabaseMetricsStore(db);
        const comms = createComms({
          db,
          config: commsConfig,
          catalog: deps.catalog,
          auth: deps.auth,
          logger: deps.logger,
          releases: store,
          footprints: {
            getReleaseFootprint: id => metricsStore.getFootprint(id),
          },
        });
        const drains = new ProjectionDrainWorker({
          queue: store.projectionQueue!,
          logger: deps.logger,
          lagWarningMs: config.projections.lagWarningMs,
        });
        store.onCommitted(() => drains.wake());
        drains.onDrained(() => comms.worker.wake());
        deps.lifecycle.addStartupHook(() => {
          drains.start();
          comms.worker.start();
        });
        deps.lifecycle.addShutdownHook(async () => {
          await drains.stop();
          await comms.worker.stop();
        });
        const metrics = new MetricsService({
          store: metricsStore,
          catalog: deps.catalog,
          auth: deps.auth,
          config: config.metrics,
        });
        await scheduleSystemBackfill({ db, ...deps });
        await scheduleDigests(deps.scheduler, {
          db,
          config: commsConfig,
          store,
          metrics,
          metricsStore,
          routing: comms.sources.routing,
          logger: deps.logger,
        });
        addConfiguredProviders(deps.config, gateProviders);
        const gates = await createGates({
          config: deps.config,
          db,
          ledger: store,
          providers: gateProviders,
          catalog: deps.catalog,
          auth: deps.auth,
          logger: deps.logger,
          scheduler: deps.scheduler,
        });
        const intake = new EventIntake({
          store,
          catalog: deps.catalog,
          auth: deps.auth,
          maxFutureSkewMs: config.maxFutureSkewMs,
        });
        deps.httpRouter.use(
          await createRouter({
            store,
            intake,
            metrics,
            metricsStore,
            comms: comms.service,
            projections: store.projectionQueue!,
            gates,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            logger: deps.logger,
            maxBodySize: config.maxBodySize,
          }),
        );
      },
    });
  },
});
