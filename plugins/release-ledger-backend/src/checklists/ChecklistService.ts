import type { ReleaseChecklist } from '@release-ledger/plugin-release-ledger-common';
import type { ReleaseLedgerStore } from '../ledger/ReleaseLedgerStore';
import { applyTicks } from './applyTicks';
import type { ChecklistPinStore } from './ChecklistPinStore';

/** What `GET /releases/{releaseId}/checklist` answers: the pin with its ticks. */
export class ChecklistService {
  readonly #pins: Pick<ChecklistPinStore, 'get'>;
  readonly #ledger: Pick<ReleaseLedgerStore, 'getRelease'>;

  constructor(options: {
    pins: Pick<ChecklistPinStore, 'get'>;
    ledger: Pick<ReleaseLedgerStore, 'getRelease'>;
  }) {
    this.#pins = options.pins;
    this.#ledger = options.ledger;
  }

  async get(releaseId: string): Promise<ReleaseChecklist | undefined> {
    const pin = await this.#pins.get(releaseId);
    if (!pin) return undefined;
    if (!pin.checklist) return { ...pin, openRequired: [] };
    const release = await this.#ledger.getRelease(releaseId);
    const { checklist, openRequired } = applyTicks(
      pin.checklist,
      release?.events ?? [],
    );
    return { ...pin, checklist, openRequired };
  }
}
