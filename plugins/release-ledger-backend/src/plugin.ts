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
import { createChecklists } from './checklists/createChecklists';
import { readCommsConfig } from './comms/commsConfig';
import { createComms } from './comms/createComms';
import { scheduleDigests } from './comms/digests/digestTasks';
import { readReleaseLedgerConfig } from './config';
import { addConfiguredProviders, createGates } from './gates/createGates';
import { GateProviders } from './gates/providers/GateProviders';
import { createLedger } from './ledger/createLedger';
import { ModuleProjectors } from './ledger/ModuleProjectors';
import { createMetrics } from './metrics/createMetrics';
import { createNotes } from './notes/createNotes';
import { createRouter } from './service/router';

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
        urlReader: coreServices.urlReader,
      },
      async init(deps) {
        const config = readReleaseLedgerConfig(deps.config);
        const commsConfig = readCommsConfig(deps.config);
        deps.permissionsRegistry.addPermissions(releaseLedgerPermissions);
        const db = await deps.database.getClient();
        // First: it runs the migrations every capability's tables need.
        const ledger = await createLedger({ ...deps, config });
        const metrics = createMetrics({ ...deps, db, config: config.metrics });
        const notes = await createNotes({
          ...deps,
          config: deps.config,
          ledger: ledger.store,
        });
        const comms = createComms({
          ...deps,
          db,
          config: commsConfig,
          releases: ledger.store,
          footprints: {
            getReleaseFootprint: id => metrics.store.getFootprint(id),
          },
          notes: notes.service,
        });
        const checklists = createChecklists({
          ...deps,
          db,
          ledger: ledger.store,
        });
        // Order matters: comms replies in the thread of the release metrics
        // attributed an incident to; modules see both.
        ledger.store.addProjectors([
          metrics.projector,
          comms.projector,
          checklists.projector,
          ...moduleProjectors.list(),
        ]);
        ledger.drains.onDrained(() => {
          comms.worker.wake();
          checklists.worker.wake();
        });
        deps.lifecycle.addStartupHook(() => {
          ledger.drains.start();
          comms.worker.start();
          checklists.worker.start();
        });
        deps.lifecycle.addShutdownHook(async () => {
          await ledger.drains.stop();
          await comms.worker.stop();
          await checklists.worker.stop();
        });
        await metrics.scheduleTasks();
        await scheduleDigests(deps.scheduler, {
          db,
          config: commsConfig,
          store: ledger.store,
          metrics: metrics.service,
          metricsStore: metrics.store,
          routing: comms.sources.routing,
          logger: deps.logger,
        });
        addConfiguredProviders(deps.config, gateProviders);
        const gates = await createGates({
          ...deps,
          config: deps.config,
          db,
          ledger: ledger.store,
          providers: gateProviders,
        });
        deps.httpRouter.use(
          await createRouter({
            ...deps,
            store: ledger.store,
            intake: ledger.intake,
            ledgerStatus: () => ledger.store.status(),
            metrics: metrics.service,
            metricsStore: metrics.store,
            comms: comms.service,
            gates,
            checklists: checklists.service,
            notes: notes.service,
            maxBodySize: config.maxBodySize,
          }),
        );
      },
    });
  },
});
