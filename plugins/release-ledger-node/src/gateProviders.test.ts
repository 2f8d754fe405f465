import {
  createBackendModule,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import {
  GateMetricProvider,
  releaseLedgerGateProvidersExtensionPoint,
} from './gateProviders';

const fixedProvider: GateMetricProvider = {
  id: 'fixed',
  async instantQuery() {
    return { kind: 'value', value: 0.002 };
  },
  async rangeQuery(_query, start) {
    return {
      kind: 'range',
      points: [{ at: start, result: { kind: 'no-data' } }],
    };
  },
  async firingAlerts() {
    return { kind: 'alerts', alerts: [] };
  },
};

describe('releaseLedgerGateProvidersExtensionPoint', () => {
  it('hands providers added by a module to the release-ledger plugin', async () => {
    const received: GateMetricProvider[] = [];
    // Stands in for the backend plugin, which owns the extension point.
    const plugin = createBackendPlugin({
      pluginId: 'release-ledger',
      register(env) {
        env.registerExtensionPoint(releaseLedgerGateProvidersExtensionPoint, {
          addProvider: provider => received.push(provider),
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });
    const module = createBackendModule({
      pluginId: 'release-ledger',
      moduleId: 'fixed-gates',
      register(env) {
        env.registerInit({
          deps: { gates: releaseLedgerGateProvidersExtensionPoint },
          async init({ gates }) {
            gates.addProvider(fixedProvider);
          },
        });
      },
    });

    const backend = await startTestBackend({ features: [plugin, module] });
    try {
      expect(received.map(p => p.id)).toEqual(['fixed']);
      await expect(received[0].instantQuery('up', new Date())).resolves.toEqual(
        { kind: 'value', value: 0.002 },
      );
    } finally {
      await backend.stop();
    }
  });

  it('is identified as release-ledger.gate-providers', () => {
    expect(releaseLedgerGateProvidersExtensionPoint.id).toBe(
      'release-ledger.gate-providers',
    );
  });
});
