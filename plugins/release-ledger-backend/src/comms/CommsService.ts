import type {
  CommsDelivery,
  CommsMessage,
  CommsStatus,
  ReleaseComms,
} from '@release-ledger/plugin-release-ledger-common';
import { composeMessage } from './delivery/composeMessage';
import { unlistedEvent, WorkerSources } from './delivery/OutboxWorker';
import type { OutboxStore } from './outbox/OutboxStore';

/**
 * What the portal shows of comms: a release's thread as Slack has it (or
 * would have it), each message with its delivery state, and outbox health.
 */
export class CommsService {
  constructor(
    private readonly outbox: OutboxStore,
    private readonly sources: WorkerSources,
    private readonly delivery: CommsDelivery,
  ) {}

  /** `undefined` when the release is unknown. */
  async releaseComms(releaseId: string): Promise<ReleaseComms | undefined> {
    const release = await this.sources.releases.getRelease(releaseId);
    if (!release) return undefined;
    const [rows, thread, ctx, footprint] = await Promise.all([
      this.outbox.releaseMessages(releaseId),
      this.outbox.getThread(releaseId),
      this.sources.routing.contextFor(release),
      this.sources.footprints.getReleaseFootprint(releaseId),
    ]);
    const shown = rows
      // Card updates change the parent in place; the parent shows the result.
      .filter(row => row.kind !== 'card' && row.kind !== 'pm_summary');
    const events = await Promise.all(
      shown.map(row => unlistedEvent(row, release, this.sources.releases)),
    );
    const messages = shown.map((row, i): CommsMessage => {
      const composed = composeMessage({
        row,
        release,
        footprint,
        ctx,
        event: events[i],
      });
      const stored = row.rendered ? JSON.parse(row.rendered) : undefined;
      // The parent is shown as it is now, like Slack after chat.update.
      const message =
        row.kind === 'parent' && composed.ok
          ? composed.message
          : stored ?? (composed.ok ? composed.message : undefined);
      return {
        id: row.id,
        kind: row.kind,
        state: row.state,
        orderAt: row.order_at,
        attempts: row.attempts,
        // Kept without Slack and never rendered: say why it cannot be.
        lastError:
          !row.rendered && row.state === 'not_delivered' && !composed.ok
            ? composed.reason
            : row.last_error ?? undefined,
        slackTs: row.slack_ts ?? undefined,
        deliveredAt: row.delivered_at ?? undefined,
        broadcast: composed.ok && composed.broadcast,
        message,
      };
    });
    // Before the worker routes it (or without Slack), show where it would go.
    const routed = thread
      ? undefined
      : await this.sources.routing.channelFor(release).catch(() => undefined);
    return {
      releaseId,
      delivery:
        routed && !routed.ok
          ? {
              ...this.delivery,
              problems: [...this.delivery.problems, routed.reason],
            }
          : this.delivery,
      channel: thread?.channel ?? (routed?.ok ? routed.channel : undefined),
      threadTs: thread?.parent_ts ?? undefined,
      messages,
    };
  }

  async status(): Promise<CommsStatus> {
    return {
      delivery: this.delivery,
      counts: await this.outbox.countByState(),
    };
  }

  /** Puts parked messages back in line; answers how many. */
  async requeueParked(releaseId?: string): Promise<number> {
    return this.outbox.requeueParked({ releaseId }, new Date().toISOString());
  }
}
