import type { ReleaseEvent } from '@release-ledger/plugin-release-ledger-common';
import { applyTicks } from './applyTicks';
import { parseChecklist } from './parseChecklist';

const checklist = parseChecklist(
  [
    '## Pre-release',
    '- [ ] Flags default OFF (required)',
    '- [ ] Migrations reviewed (required)',
    '- [ ] Staging dry run',
    '## Post-release',
    '- [ ] Summary posted (required)',
  ].join('\n'),
);

let n = 0;
function tick(
  itemId: string | undefined,
  extra: { checked?: boolean; by?: string } = {},
): ReleaseEvent {
  n++;
  return {
    eventId: `e${n}`,
    type: 'checklist_item_checked',
    releaseId: 'payments@1',
    timestamp: `2026-12-03T10:0${n}:00.000Z`,
    environment: 'production',
    attributes: {
      item: itemId ?? 'free text',
      ...(itemId ? { itemId } : {}),
      ...extra,
    },
  } as ReleaseEvent;
}

describe('applyTicks', () => {
  it('leaves every required pre-release item open without ticks (post-release ones never hold promotion)', () => {
    const { openRequired, checklist: ticked } = applyTicks(checklist, []);
    expect(openRequired).toEqual([
      'pre.flags-default-off',
      'pre.migrations-reviewed',
    ]);
    expect(ticked).toEqual(checklist);
  });

  it('marks the latest tick of each item, unticks with checked: false, and ignores ticks without or with unknown ids', () => {
    const events = [
      tick('pre.flags-default-off', { by: 'alice' }),
      tick('pre.migrations-reviewed', { by: 'bob' }),
      tick('pre.migrations-reviewed', { checked: false, by: 'bob' }),
      tick('pre.flags-default-off', { by: 'carol' }),
      tick(undefined),
      tick('pre.no-such-item'),
      tick('post.summary-posted'),
    ];
    const { checklist: ticked, openRequired } = applyTicks(checklist, events);
    expect(openRequired).toEqual(['pre.migrations-reviewed']);
    expect(
      ticked.sections.flatMap(s =>
        s.items.map(i => [
          i.id,
          i.checked?.by ?? null,
          i.checked?.eventId ?? null,
        ]),
      ),
    ).toEqual([
      ['pre.flags-default-off', 'carol', events[3].eventId],
      ['pre.migrations-reviewed', null, null],
      ['pre.staging-dry-run', null, null],
      ['post.summary-posted', null, events[6].eventId],
    ]);
    // The pinned checklist itself is not changed.
    expect(checklist.sections[0].items[0].checked).toBeUndefined();
  });
});
