import type {
  Checklist,
  ReleaseEvent,
} from '@release-ledger/plugin-release-ledger-common';

/**
 * A release's pinned checklist with its ticks: each item carries the latest
 * `checklist_item_checked` event that names it by `itemId` (in the order the
 * release's events are given: the ledger's projection order), and
 * `checked: false` unticks it. Ticks for ids the pinned checklist does not
 * have (a file edited after the release started) are left out. Pure.
 */
export function applyTicks(
  checklist: Checklist,
  events: ReadonlyArray<ReleaseEvent>,
): { checklist: Checklist; openRequired: string[] } {
  const ticks = new Map<string, { by?: string; at: string; eventId: string }>();
  for (const event of events) {
    if (event.type !== 'checklist_item_checked') continue;
    const { itemId, checked, by } = event.attributes;
    if (!itemId) continue;
    if (checked === false) {
      ticks.delete(itemId);
    } else {
      ticks.set(itemId, {
        ...(by ? { by } : {}),
        at: event.timestamp,
        eventId: event.eventId,
      });
    }
  }
  const sections = checklist.sections.map(section => ({
    ...section,
    items: section.items.map(item => {
      const tick = ticks.get(item.id);
      return tick ? { ...item, checked: tick } : item;
    }),
  }));
  const openRequired = sections
    .filter(s => s.phase === 'pre')
    .flatMap(s => s.items)
    .filter(item => item.required && !item.checked)
    .map(item => item.id);
  return { checklist: { ...checklist, sections }, openRequired };
}
