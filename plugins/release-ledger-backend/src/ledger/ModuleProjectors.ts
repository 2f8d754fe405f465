import type {
  ReleaseLedgerProjector,
  ReleaseLedgerProjectorsExtensionPoint,
} from '@release-ledger/plugin-release-ledger-node';
import type { LedgerProjector } from './projectors';

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
