import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  Release,
  ReleaseEvent,
  ReleaseFootprint,
  ReleaseNotes,
  ReleaseWithEvents,
} from '@release-ledger/plugin-release-ledger-common';
import { randomUUID } from 'node:crypto';
import type {
  LaneMessage,
  OutboxRow,
  OutboxStore,
} from '../outbox/OutboxStore';
import type { MessageContext } from '../render/statusCard';
import type { ChannelDecision } from '../routing/ReleaseRouting';
import { backoffDelayMs } from './backoff';
import { cardHash, Composed, composeMessage } from './composeMessage';
import {
  MessageTransport,
  NOT_CONFIGURED,
  SendOutcome,
} from './SlackTransport';

/**
 * The event a reply is about when its release's events do not list it: an
 * incident sent without a release and attributed to this one by its window.
 */
export async function unlistedEvent(
  row: OutboxRow,
  release: ReleaseWithEvents,
  releases: WorkerSources['releases'],
): Promise<ReleaseEvent | undefined> {
  if (row.kind !== 'reply' || !row.event_id) return undefined;
  if (release.events.some(e => e.eventId === row.event_id)) return undefined;
  return releases.getEvent(row.event_id);
}

/** What the worker reads besides the outbox. */
export type WorkerSources = {
  releases: {
    getRelease(id: string): Promise<ReleaseWithEvents | undefined>;
    getEvent(eventId: string): Promise<ReleaseEvent | undefined>;
  };
  footprints: {
    getReleaseFootprint(id: string): Promise<ReleaseFootprint | undefined>;
  };
  routing: {
    channelFor(release: Release): Promise<ChannelDecision>;
    contextFor(release: Release): Promise<MessageContext>;
  };
  /** Release notes for summaries; optional (a summary without them is still sent). */
  notes?: {
    notesOf(release: ReleaseWithEvents): Promise<ReleaseNotes>;
  };
};

export type OutboxWorkerOptions = WorkerSources & {
  outbox: OutboxStore;
  transport: MessageTransport;
  logger: LoggerService;
  perChannelIntervalMs: number;
  maxAttempts: number;
  /** Lanes (channels) one instance sends to at once. */
  concurrency: number;
  /** How long a claimed lane stays ours if we die mid-send. */
  leaseMs: number;
  /** Pause between passes when there was nothing to do. */
  idleMs?: number;
  /** Retry delays (defaults: 1 s doubling to 5 min). */
  backoff?: { baseMs?: number; maxMs?: number };
  clock?: () => number;
  random?: () => number;
};

const iso = (ms: number) => new Date(ms).toISOString();

/** Rows that belong to a thread and must wait for its parent. */
const THREADED = new Set(['reply', 'card', 'summary']);

/**
 * Drains the outbox into Slack. Each pass routes new releases to their
 * channel, leases ready lanes (one per channel, so a channel's messages go
 * out one at a time and in order, whichever instance sends them) and sends
 * each lane's next message. Slack has no idempotency key, so a message
 * whose earlier attempt may have reached Slack is first looked for (by its
 * outbox id in the message metadata) before it is sent again.
 */
export class OutboxWorker {
  readonly #o: OutboxWorkerOptions;
  readonly #owner = randomUUID();
  readonly #now: () => number;
  #running = false;
  #loop?: Promise<void>;
  #wake?: () => void;
  #wakeRequested = false;

  constructor(options: OutboxWorkerOptions) {
    this.#o = options;
    this.#now = options.clock ?? Date.now;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops after the messages in flight are settled. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }

  /** Asks for a pass now (new messages were enqueued). */
  wake(): void {
    // Remembered when a pass is running, so the loop does not sleep after it.
    this.#wakeRequested = true;
    this.#wake?.();
  }

  /**
   * The long-running loop: each channel runs on its own clock. Lanes are
   * claimed whenever a slot is free, and the loop sleeps until a lane
   * finishes, new work is announced, or the next paced send is due.
   */
  async #run(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    while (this.#running) {
      let claimed = 0;
      try {
        if (!this.#o.transport.delivers) {
          claimed = await this.#keepUndelivered();
        } else {
          await this.#prepareLanes();
          const lanes = await this.#claim(this.#o.concurrency - inFlight.size);
          for (const lane of lanes) {
            const work: Promise<void> = this.#sendNext(lane)
              .then(() => undefined)
              .catch(error =>
                this.#o.logger.error(
                  `release-ledger: sending to ${lane} failed: ${error}`,
                ),
              )
              .finally(() => inFlight.delete(work));
            inFlight.add(work);
          }
          claimed = lanes.length;
        }
      } catch (error) {
        this.#o.logger.error(`release-ledger outbox pass failed: ${error}`);
      }
      if (!this.#running) break;
      if (claimed > 0 && inFlight.size < this.#o.concurrency) continue;
      if (this.#wakeRequested) {
        this.#wakeRequested = false;
        continue;
      }
      const delay = await this.#untilNextDue().catch(
        () => this.#o.idleMs ?? 250,
      );
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, delay);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
        // A lane finishing frees a slot (and may make its next message due).
        for (const work of inFlight) work.then(this.#wake);
      });
      this.#wake = undefined;
    }
    await Promise.all(inFlight);
  }

  /** Milliseconds until a paced lane or a retry becomes due, within [5, idle]. */
  async #untilNextDue(): Promise<number> {
    const idle = this.#o.idleMs ?? 250;
    const next = await this.#o.outbox.nextDueAt(iso(this.#now()));
    if (!next) return idle;
    return Math.min(idle, Math.max(5, Date.parse(next) - this.#now()));
  }

  async #prepareLanes(): Promise<void> {
    await this.#route();
    await this.#o.outbox.ensureLanes();
  }

  async #claim(max: number): Promise<string[]> {
    const now = this.#now();
    return this.#o.outbox.claimLanes(
      this.#owner,
      max,
      iso(now),
      iso(now + this.#o.leaseMs),
    );
  }

  /** One pass; answers how many messages it settled or sent. */
  async drainOnce(): Promise<number> {
    if (!this.#o.transport.delivers) return this.#keepUndelivered();
    await this.#prepareLanes();
    const lanes = await this.#claim(this.#o.concurrency);
    const results = await Promise.all(lanes.map(lane => this.#sendNext(lane)));
    return results.reduce((a, b) => a + b, 0);
  }

  /** Gives each newly started release its channel (its thread's home). */
  async #route(): Promise<void> {
    const releaseIds = await this.#o.outbox.unroutedReleases(64);
    // A burst of new releases is routed a few at a time, not one by one.
    for (let i = 0; i < releaseIds.length; i += 8) {
      await Promise.all(
        releaseIds.slice(i, i + 8).map(id => this.#routeOne(id)),
      );
    }
  }

  async #routeOne(releaseId: string): Promise<void> {
    const now = iso(this.#now());
    const thread = await this.#o.outbox.getThread(releaseId);
    if (thread) {
      await this.#o.outbox.routeRelease(releaseId, thread.channel, now);
      return;
    }
    const release = await this.#o.releases.getRelease(releaseId);
    if (!release) return;
    let decision: ChannelDecision;
    try {
      decision = await this.#o.routing.channelFor(release);
    } catch (error) {
      // The catalog is unavailable: try again on a later pass.
      this.#o.logger.warn(
        `release-ledger: cannot route release ${releaseId} yet: ${error}`,
      );
      return;
    }
    if (decision.ok) {
      await this.#o.outbox.routeRelease(releaseId, decision.channel, now);
    } else {
      const parked = await this.#o.outbox.parkUnroutable(
        releaseId,
        decision.reason,
        now,
      );
      this.#o.logger.warn(
        `release-ledger: ${parked} message(s) of release ${releaseId} parked: ${decision.reason}`,
      );
    }
  }

  /**
   * Sends the lane's next message: parents first, then thread messages in
   * event order (a reply waiting for a retry holds back the later replies
   * of its thread, never those of other threads).
   */
  async #sendNext(channel: string): Promise<number> {
    const now = this.#now();
    let nextSendAt = now;
    let channelId: string | undefined;
    let handled = 0;
    try {
      const messages = await this.#o.outbox.laneMessages(channel, 200);
      const blocked = new Set<string>();
      const nowIso = iso(now);
      for (const message of messages) {
        const { row, thread } = message;
        const threadKey = row.release_id ?? `row:${row.id}`;
        if (THREADED.has(row.kind) && !thread?.parent_ts) {
          const parked = await this.#parkIfParentFailed(row);
          if (parked) handled++;
          blocked.add(threadKey);
          continue;
        }
        if (row.kind !== 'card' && blocked.has(threadKey)) continue;
        if (row.available_at > nowIso) {
          if (row.kind !== 'card') blocked.add(threadKey);
          continue;
        }
        const result = await this.#send(message, channel);
        handled++;
        channelId = result.channelId;
        nextSendAt = result.nextSendAt;
        break;
      }
    } finally {
      await this.#o.outbox.releaseLane(
        channel,
        this.#owner,
        iso(nextSendAt),
        channelId,
      );
    }
    return handled;
  }

  /** A thread message whose parent was parked cannot be threaded: park it too. */
  async #parkIfParentFailed(row: OutboxRow): Promise<boolean> {
    const parent = (await this.#o.outbox.releaseMessages(row.release_id!)).find(
      r => r.kind === 'parent',
    );
    if (!parent || parent.state === 'pending') return false;
    if (parent.state === 'delivered') return false; // thread row catches up
    await this.#o.outbox.park(
      [row.id],
      `thread parent not delivered: ${parent.last_error ?? parent.state}`,
      iso(this.#now()),
    );
    return true;
  }

  async #compose(row: OutboxRow): Promise<Composed> {
    if (row.kind === 'post' || !row.release_id) return composeMessage({ row });
    const release = await this.#o.releases.getRelease(row.release_id);
    if (!release) return composeMessage({ row });
    const needsFootprint = row.kind === 'summary' || row.kind === 'pm_summary';
    const [ctx, footprint, event, notes] = await Promise.all([
      this.#o.routing.contextFor(release),
      needsFootprint
        ? this.#o.footprints.getReleaseFootprint(release.releaseId)
        : Promise.resolve(undefined),
      unlistedEvent(row, release, this.#o.releases),
      needsFootprint ? this.#notesOf(release) : Promise.resolve(undefined),
    ]);
    return composeMessage({ row, release, footprint, ctx, event, notes });
  }

  /** The notes for a summary; a summary without them beats no summary. */
  async #notesOf(
    release: ReleaseWithEvents,
  ): Promise<ReleaseNotes | undefined> {
    if (!this.#o.notes) return undefined;
    try {
      return await this.#o.notes.notesOf(release);
    } catch (error) {
      this.#o.logger.warn(
        `release-ledger: the summary of ${release.releaseId} goes without release notes: ${error}`,
      );
      return undefined;
    }
  }

  async #send(
    { row, thread }: LaneMessage,
    channel: string,
  ): Promise<{ nextSendAt: number; channelId?: string }> {
    const { outbox, transport, logger } = this.#o;
    const started = this.#now();
    // Slack counts its per-channel rate from when it took the last post.
    const pacedFrom = (t: number) => t + this.#o.perChannelIntervalMs;
    const composed = await this.#compose(row);
    if (!composed.ok) {
      await outbox.park([row.id], composed.reason, iso(started));
      logger.warn(
        `release-ledger: message ${row.id} parked: ${composed.reason}`,
      );
      return { nextSendAt: started };
    }
    const rendered = JSON.stringify(composed.message);
    const target = thread?.channel_id ?? channel;
    const laneId =
      row.kind === 'parent' ? await outbox.laneChannelId(channel) : undefined;

    // An earlier attempt may have reached Slack: look before sending again.
    if (row.in_flight_since && row.kind !== 'card') {
      let found: { ts: string } | undefined;
      try {
        found = await transport.findPosted(
          row.kind === 'parent' ? laneId ?? channel : target,
          row.id,
          {
            threadTs: row.kind === 'parent' ? undefined : thread?.parent_ts!,
            sinceEpochSeconds:
              Math.floor(Date.parse(row.in_flight_since) / 1000) - 60,
          },
        );
      } catch (error) {
        await this.#retry(row, `checking for an earlier send: ${error}`, true);
        return { nextSendAt: pacedFrom(this.#now()) };
      }
      if (found) {
        await outbox.markDelivered(
          row,
          { ts: found.ts, channelId: laneId, rendered, now: iso(this.#now()) },
          row.kind === 'parent' ? { cardHash: cardHash(composed.message) } : {},
        );
        logger.info(
          `release-ledger: message ${row.id} was already in Slack (ts ${found.ts}); not sent again`,
        );
        return { nextSendAt: started };
      }
    }

    const hash =
      row.kind === 'parent' || row.kind === 'card'
        ? cardHash(composed.message)
        : undefined;
    if (row.kind === 'card' && thread?.card_hash === hash) {
      // The card already shows this state (e.g. posted after the change).
      await outbox.markDelivered(
        row,
        { ts: thread!.parent_ts!, rendered, now: iso(started) },
        {},
      );
      return { nextSendAt: started };
    }

    await outbox.markInFlight(row.id, iso(started));
    let outcome: SendOutcome;
    if (row.kind === 'card') {
      outcome = await transport.update(
        target,
        thread!.parent_ts!,
        composed.message,
      );
    } else {
      outcome = await transport.post(
        row.kind === 'parent' ? channel : target,
        composed.message,
        {
          threadTs: THREADED.has(row.kind) ? thread!.parent_ts! : undefined,
          broadcast: composed.broadcast,
          outboxId: row.id,
          releaseId: row.release_id ?? undefined,
        },
      );
    }
    const done = this.#now();
    switch (outcome.kind) {
      case 'sent':
        await outbox.markDelivered(
          row,
          {
            ts: outcome.ts,
            channelId: outcome.channelId,
            rendered,
            now: iso(done),
          },
          hash ? { cardHash: hash } : {},
        );
        return { nextSendAt: pacedFrom(done), channelId: outcome.channelId };
      case 'rate_limited':
        await outbox.retryLater(row, 'rate limited by Slack', iso(done), {
          mayHaveBeenSent: false,
          countAttempt: false,
          now: iso(done),
        });
        return { nextSendAt: done + outcome.retryAfterMs };
      case 'permanent': {
        const reason = `Slack answered ${outcome.error}`;
        await outbox.park([row.id], reason, iso(done));
        logger.warn(
          `release-ledger: message ${row.id} (${row.kind}, release ${row.release_id}) to ${channel} parked: ${reason}`,
        );
        return { nextSendAt: pacedFrom(done) };
      }
      case 'transient':
      default:
        await this.#retry(row, outcome.error, outcome.mayHaveBeenSent);
        return { nextSendAt: pacedFrom(done) };
    }
  }

  async #retry(row: OutboxRow, error: string, mayHaveBeenSent: boolean) {
    const now = this.#now();
    const attempt = row.attempts + 1;
    if (attempt >= this.#o.maxAttempts) {
      const reason = `gave up after ${attempt} attempts: ${error}`;
      await this.#o.outbox.park([row.id], reason, iso(now));
      this.#o.logger.error(
        `release-ledger: message ${row.id} parked: ${reason}`,
      );
      return;
    }
    const delay = backoffDelayMs(attempt, {
      ...this.#o.backoff,
      random: this.#o.random,
    });
    await this.#o.outbox.retryLater(row, error, iso(now + delay), {
      mayHaveBeenSent,
      countAttempt: true,
      now: iso(now),
    });
  }

  /**
   * Without Slack: every message is kept, marked "not delivered" (so a token
   * configured later never floods Slack with the backlog); the portal
   * previews each as it would be sent.
   */
  async #keepUndelivered(): Promise<number> {
    return this.#o.outbox.markNotDelivered(
      NOT_CONFIGURED,
      iso(this.#now()),
      1000,
    );
  }
}
