import type {
  ReleaseEvent,
  ReleaseFootprint,
  ReleaseNotes,
  ReleaseWithEvents,
} from '@release-ledger/plugin-release-ledger-common';
import { createHash } from 'node:crypto';
import type { OutboxRow } from '../outbox/OutboxStore';
import type { SlackMessage } from '../render/blockKit';
import { renderEventReply } from '../render/eventReply';
import { renderReleaseSummary } from '../render/releaseSummary';
import { MessageContext, renderStatusCard } from '../render/statusCard';

/** A message ready to send, or why the row has nothing to send. */
export type Composed =
  | { ok: true; message: SlackMessage; broadcast: boolean }
  | { ok: false; reason: string };

/** What the renderers need for one outbox row (gathered by the worker). */
export type ComposeInput = {
  row: OutboxRow;
  release?: ReleaseWithEvents;
  footprint?: ReleaseFootprint;
  ctx?: MessageContext;
  /** A reply's event when the release's events do not list it (see unlistedEvent). */
  event?: ReleaseEvent;
  /** The release's notes, for a summary (when the notes capability is wired). */
  notes?: ReleaseNotes;
};

/**
 * Renders an outbox row from the release as it is now (pure). Thread
 * messages are rendered at delivery, not at enqueue, so a card always shows
 * the latest status and the ingest transaction never waits on the catalog.
 */
export function composeMessage(input: ComposeInput): Composed {
  const { row, release, footprint, ctx, notes } = input;
  if (row.kind === 'post') {
    return row.rendered
      ? { ok: true, message: JSON.parse(row.rendered), broadcast: false }
      : { ok: false, reason: 'digest row without a rendered message' };
  }
  if (!release || !ctx) {
    return { ok: false, reason: `release ${row.release_id} not found` };
  }
  switch (row.kind) {
    case 'parent':
    case 'card':
      return {
        ok: true,
        message: renderStatusCard(release, ctx),
        broadcast: false,
      };
    case 'summary':
    case 'pm_summary':
      return {
        ok: true,
        message: renderReleaseSummary(release, footprint, ctx, notes),
        broadcast: false,
      };
    case 'reply': {
      const event =
        release.events.find(e => e.eventId === row.event_id) ??
        (input.event?.eventId === row.event_id ? input.event : undefined);
      if (!event) {
        return { ok: false, reason: `event ${row.event_id} not found` };
      }
      const { broadcast, ...message } = renderEventReply(event, release, ctx);
      return { ok: true, message, broadcast };
    }
    default:
      return { ok: false, reason: `unknown message kind ${row.kind}` };
  }
}

/** Fingerprint of a card, so an unchanged card is not sent again. */
export function cardHash(message: SlackMessage): string {
  return createHash('sha256')
    .update(JSON.stringify(message))
    .digest('hex')
    .slice(0, 32);
}
