import type { GateMetricProvider } from '@release-ledger/plugin-release-ledger-node';
import { GateProviders } from './GateProviders';

const provider = (id: string) => ({ id } as unknown as GateMetricProvider);

describe('GateProviders', () => {
  it('finds providers by id', () => {
    const providers = new GateProviders();
    providers.addProvider(provider('prometheus'));
    providers.addProvider(provider('datadog'));
    expect(providers.ids()).toEqual(['prometheus', 'datadog']);
    expect(providers.get('datadog')?.id).toBe('datadog');
    expect(providers.get('newrelic')).toBeUndefined();
  });

  it('refuses a second provider with the same id', () => {
    const providers = new GateProviders();
    providers.addProvider(provider('prometheus'));
    expect(() => providers.addProvider(provider('prometheus'))).toThrow(
      "two gate metric providers have the id 'prometheus'",
    );
  });
});
