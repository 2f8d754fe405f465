/*
 * The dev backend plus one bench-only plugin, `bench-floor`: POST /events
 * authenticates the caller exactly as the ledger does, parses the JSON body and
 * answers 201, nothing else. Its throughput is the floor of any Backstage
 * endpoint on this machine (helmet, CORS, compression, request logging, auth,
 * routing), so the benchmark can show how much of the gap to the bare Node
 * ceiling is the framework and how much is the ledger.
 *
 * Started by bench/ingest/run.js from packages/backend (for module resolution).
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { createDevBackend } from '../../packages/backend/src/createDevBackend';

const benchFloorPlugin = createBackendPlugin({
  pluginId: 'bench-floor',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ httpRouter, httpAuth }) {
        const router = Router();
        router.use(express.json({ limit: '2mb' }));
        router.post('/events', async (req, res) => {
          await httpAuth.credentials(req, { allow: ['service', 'user'] });
          const n = Array.isArray(req.body?.events)
            ? req.body.events.length
            : 1;
          res.status(201).json({ ok: true, n });
        });
        httpRouter.use(router);
      },
    });
  },
});

const backend = createDevBackend();
backend.add(benchFloorPlugin);
backend.start();
