import type {
  ReleaseChecklist,
  SkippedChecklistItems,
} from '@release-ledger/plugin-release-ledger-common';
import type { ReleaseLedgerStore } from '../ledger/ReleaseLedgerStore';
import { countSkippedItems } from './skippedItems';
import { applyTicks } from './applyTicks';
import type { ChecklistPinStore } from './ChecklistPinStore';

/** What `GET /releases/{releaseId}/checklist` answers: the pin with its ticks. */
export class ChecklistService {
  readonly #pins: Pick<ChecklistPinStore, 'get'>;
  readonly #ledger: Pick<ReleaseLedgerStore, 'getRelease' | 'listReleases'>;

  constructor(options: {
    pins: Pick<ChecklistPinStore, 'get'>;
    ledger: Pick<ReleaseLedgerStore, 'getRelease' | 'listReleases'>;
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

  /**
   * The items the entity's newest `releases` finished releases (with a
   * pinned checklist) most often left unticked.
   */
  async skippedItems(
    entityRef: string,
    releases: number,
  ): Promise<SkippedChecklistItems> {
    const page = await this.#ledger.listReleases({
      entityRef,
      status: 'finished',
      limit: releases,
    });
    const checklists = (
      await Promise.all(page.items.map(r => this.get(r.releaseId)))
    ).filter(
      (c): c is ReleaseChecklist => c?.state === 'pinned' && !!c.checklist,
    );
    return {
      entityRef,
      releases: checklists.length,
      items: countSkippedItems(checklists),
    };
  }
}
