import { DEFAULT_INCIDENT_ATTRIBUTION_HOURS } from '@release-ledger/plugin-release-ledger-common';
import type {
  ReleaseLedgerProjector,
  ReleaseLedgerProjectorsExtensionPoint,
} from '@release-ledger/plugin-release-ledger-node';
import type { Knex } from 'knex';
import { createCommsProjector } from './comms/outbox/commsProjector';
import { bulkWriterFor } from './database/bulkWrites';
import type { LedgerProjector } from './ledger/projectors';
import { createMetricsProjector } from './metrics/metricsProjector';

/**
 * The projectors the plugin registers on the ledger, in the order they must
 * run: metrics first (it attributes incidents), then comms (it replies in
 * the attributed release's thread). Wiring, like plugin.ts; tests and the
 * benchmarks build the ledger with the same list.
 */
export function standardProjectors(options: {
  db: Knex;
  /** Hours after a promotion in which an incident without a release is attributed to it (default 72). */
  incidentAttributionWindowHours?: number;
  /** PM/CS channel that gets one summary per finished release. */
  pmPerReleaseChannel?: string;
}): LedgerProjector[] {
  const bulk = bulkWriterFor(options.db);
  return [
    createMetricsProjector({
      bulk,
      attributionWindowHours:
        options.incidentAttributionWindowHours ??
        DEFAULT_INCIDENT_ATTRIBUTION_HOURS,
    }),
    createCommsProjector({
      bulk,
      pmPerReleaseChannel: options.pmPerReleaseChannel,
    }),
  ];
}

/** The plugin's own projector ids, which a module cannot take. */
const STANDARD_IDS = ['metrics', 'comms'];

/**
 * The projectors backend modules add through
 * `releaseLedgerProjectorsExtensionPoint`; they run after the standard ones,
 * in the order added. A wrong one stops startup with its id.
 */
export class ModuleProjectors implements ReleaseLedgerProjectorsExtensionPoint {
  readonly #projectors: ReleaseLedgerProjector[] = [];

  addProjector(projector: ReleaseLedgerProjector): void {
    const id = projector?.id;
    if (typeof id !== 'string' || !/^[a-z][a-z0-9._-]{0,62}$/.test(id)) {
      throw new Error(
        `release-ledger: a projector id must be lowercase letters, digits, '.', '_' or '-', starting with a letter; got ${JSON.stringify(
          id,
        )}`,
      );
    }
    if (STANDARD_IDS.includes(id) || this.#projectors.some(p => p.id === id)) {
      throw new Error(`release-ledger: projector id '${id}' is taken`);
    }
    if (projector.mode !== 'inline' && projector.mode !== 'deferred') {
      throw new Error(
        `release-ledger: projector '${id}' has mode ${JSON.stringify(
          projector.mode,
        )}; it must be 'inline' or 'deferred'`,
      );
    }
    if (typeof projector.project !== 'function') {
      throw new Error(`release-ledger: projector '${id}' has no project()`);
    }
    this.#projectors.push(projector);
  }

  list(): LedgerProjector[] {
    return [...this.#projectors];
  }
}
