import type {
  GateMetricProvider,
  ReleaseLedgerGateProvidersExtensionPoint,
} from '@release-ledger/plugin-release-ledger-node';

/**
 * The gate metric providers known to this backend, by id: Prometheus when
 * configured, plus any added by modules through the extension point.
 */
export class GateProviders implements ReleaseLedgerGateProvidersExtensionPoint {
  readonly #providers = new Map<string, GateMetricProvider>();

  /** @throws Error when a provider with the same id was already added. */
  addProvider(provider: GateMetricProvider): void {
    if (this.#providers.has(provider.id)) {
      throw new Error(
        `release-ledger: two gate metric providers have the id '${provider.id}'; each provider needs its own id`,
      );
    }
    this.#providers.set(provider.id, provider);
  }

  get(id: string): GateMetricProvider | undefined {
    return this.#providers.get(id);
  }

  ids(): string[] {
    return [...this.#providers.keys()];
  }
}
