import type {
  ReleaseChecklist,
  SkippedChecklistItem,
} from '@release-ledger/plugin-release-ledger-common';

/**
 * The items finished releases left unticked, counted across their pinned
 * checklists (pure). Items are keyed by id, which is stable while an item's
 * phase and text are: an item whose text changed between versions of the
 * file counts as a new item. Items never skipped are left out; ties are
 * broken by required first, then by the share skipped.
 */
export function countSkippedItems(
  checklists: readonly ReleaseChecklist[],
): SkippedChecklistItem[] {
  const counts = new Map<string, SkippedChecklistItem>();
  for (const pinned of checklists) {
    for (const section of pinned.checklist?.sections ?? []) {
      for (const item of section.items) {
        const entry = counts.get(item.id) ?? {
          id: item.id,
          text: item.text,
          phase: section.phase,
          required: item.required,
          skipped: 0,
          of: 0,
        };
        entry.of += 1;
        if (!item.checked) entry.skipped += 1;
        counts.set(item.id, entry);
      }
    }
  }
  return [...counts.values()]
    .filter(i => i.skipped > 0)
    .sort(
      (a, b) =>
        b.skipped - a.skipped ||
        Number(b.required) - Number(a.required) ||
        b.skipped / b.of - a.skipped / a.of ||
        a.id.localeCompare(b.id),
    );
}
