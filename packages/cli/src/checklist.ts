import type {
  ReleaseChecklist,
  ReleaseEventInput,
} from '@release-ledger/plugin-release-ledger-common';
import { UsageError } from './events';

/** A checklist as the terminal shows it: sections, boxes, ids and who ticked. */
export function formatChecklist(checklist: ReleaseChecklist): string {
  if (checklist.state === 'pending') {
    return `checklist of ${checklist.releaseId}: not read yet (the release started moments ago); try again in a few seconds`;
  }
  if (checklist.state === 'unavailable' || !checklist.checklist) {
    return `checklist of ${checklist.releaseId}: unavailable: ${
      checklist.reason ?? 'no reason given'
    }`;
  }
  const lines = [
    `${checklist.checklist.title ?? 'Release checklist'} of ${
      checklist.releaseId
    }${checklist.source ? ` (${checklist.source})` : ''}`,
  ];
  for (const section of checklist.checklist.sections) {
    const done = section.items.filter(i => i.checked).length;
    lines.push(
      '',
      `${section.title}${
        section.ownerRole ? ` (owner: ${section.ownerRole})` : ''
      } — ${done}/${section.items.length}`,
    );
    for (const item of section.items) {
      const box = item.checked ? '[x]' : '[ ]';
      const by = item.checked
        ? ` — ${item.checked.by ?? 'someone'}, ${item.checked.at}`
        : '';
      lines.push(
        `  ${box} ${item.text}${item.required ? ' (required)' : ''}  ${
          item.id
        }${by}`,
      );
    }
  }
  lines.push(
    '',
    checklist.openRequired.length > 0
      ? `${checklist.openRequired.length} required pre-release item(s) open: they hold the release`
      : 'no required pre-release item is open',
  );
  return lines.join('\n');
}

/**
 * The `checklist_item_checked` event ticking (or unticking) `itemId` of the
 * release's pinned checklist; the item must be one of it (the ledger keys
 * ticks by id, so a typo would tick nothing).
 */
export function buildTickEvent(
  checklist: ReleaseChecklist,
  itemId: string,
  options: { uncheck?: boolean; by?: string },
): ReleaseEventInput {
  if (checklist.state !== 'pinned' || !checklist.checklist) {
    throw new UsageError(
      `the checklist of ${checklist.releaseId} is ${checklist.state}${
        checklist.reason ? `: ${checklist.reason}` : ''
      }; there is nothing to tick yet`,
    );
  }
  const items = checklist.checklist.sections.flatMap(s => s.items);
  const item = items.find(i => i.id === itemId);
  if (!item) {
    throw new UsageError(
      `no item '${itemId}' in the checklist of ${
        checklist.releaseId
      }; its items: ${items.map(i => i.id).join(', ')}`,
    );
  }
  return {
    type: 'checklist_item_checked',
    releaseId: checklist.releaseId,
    attributes: {
      item: item.text.slice(0, 500),
      itemId: item.id,
      ...(options.by ? { by: options.by } : {}),
      ...(options.uncheck ? { checked: false } : {}),
    },
  };
}
