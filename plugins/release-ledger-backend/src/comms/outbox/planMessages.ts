import type {
  Release,
  ReleaseEvent,
  ReleaseStatus,
} from '@release-ledger/plugin-release-ledger-common';

/**
 * What one outbox row is for.
 * - `parent`: the thread's status card, posted when the release starts.
 * - `reply`: one event of the release, a reply in its thread.
 * - `card`: the parent card brought up to date (chat.update); re-armed on
 *   every status change, so it coalesces bursts.
 * - `summary`: the post-release summary that closes the thread.
 * - `pm_summary`: the calm per-release summary for the PM/CS channel.
 * - `post`: a message rendered when it was enqueued (digests).
 */
export type OutboxKind =
  | 'parent'
  | 'reply'
  | 'card'
  | 'summary'
  | 'pm_summary'
  | 'post';

/** A message the ledger owes Slack, before it has a row id. */
export type OutboxIntent = {
  dedupeKey: string;
  kind: OutboxKind;
  releaseId?: string;
  eventId?: string;
  /** Known up front for role channels; thread rows are routed later. */
  channel?: string;
  /** Event time: orders the messages of a thread. */
  orderAt: string;
  /** Pre-rendered message (kind `post`), Block Kit JSON. */
  rendered?: string;
};

/** A release touched by an ingest transaction, before and after it. */
export type TouchedRelease = {
  release: Release;
  /** Status before this transaction; undefined when the release is new. */
  previousStatus?: ReleaseStatus;
};

export type PlanOptions = {
  /** PM/CS channel that gets one summary per finished release. */
  pmPerReleaseChannel?: string;
};

/**
 * Events that do not get their own reply: the release start is the parent
 * card itself, and the finish is the summary that closes the thread.
 */
const NOT_A_REPLY = new Set<string>(['release_started', 'release_finished']);

/**
 * The messages owed for the events an ingest transaction created (pure; the
 * store writes them in the same transaction). Enqueueing is idempotent by
 * dedupe key, so replays and duplicates add nothing.
 */
export function planMessages(
  freshEvents: ReadonlyArray<ReleaseEvent>,
  touched: ReadonlyMap<string, TouchedRelease>,
  options: PlanOptions = {},
): OutboxIntent[] {
  const intents: OutboxIntent[] = [];
  for (const [releaseId, { release, previousStatus }] of touched) {
    // A thread starts when the release does; events sent before its start
    // (merged PRs) are kept and wait for the parent.
    if (release.status !== 'pending') {
      intents.push({
        dedupeKey: `parent:${releaseId}`,
        kind: 'parent',
        releaseId,
        orderAt: release.startedAt ?? release.firstEventAt,
      });
    }
    const started =
      previousStatus !== undefined && previousStatus !== 'pending';
    if (started && previousStatus !== release.status) {
      intents.push({
        dedupeKey: `card:${releaseId}`,
        kind: 'card',
        releaseId,
        orderAt: release.lastEventAt,
      });
    }
    if (release.status === 'finished' && previousStatus !== 'finished') {
      const finishedAt = release.finishedAt ?? release.lastEventAt;
      intents.push({
        dedupeKey: `summary:${releaseId}`,
        kind: 'summary',
        releaseId,
        orderAt: finishedAt,
      });
      if (options.pmPerReleaseChannel) {
        intents.push({
          dedupeKey: `pm_summary:${releaseId}`,
          kind: 'pm_summary',
          releaseId,
          channel: options.pmPerReleaseChannel,
          orderAt: finishedAt,
        });
      }
    }
  }
  // A failed gate is reported by its gate_failed reply; the gate_evaluated
  // of the same evaluation would say the same thing again.
  const failedEvaluations = new Set<unknown>(
    freshEvents
      .filter(e => e.type === 'gate_failed')
      .map(e => e.attributes.evaluationId)
      .filter(id => typeof id === 'string'),
  );
  for (const event of freshEvents) {
    if (NOT_A_REPLY.has(event.type) || !touched.has(event.releaseId)) continue;
    if (
      event.type === 'gate_evaluated' &&
      failedEvaluations.has(event.attributes.evaluationId)
    ) {
      continue;
    }
    // Merges linked by commit arrive together with (or after) the release's
    // start: the card lists them; a reply each would flood the thread.
    if (event.type === 'pr_merged' && event.attributes.linkedFrom) continue;
    intents.push({
      dedupeKey: `reply:${event.eventId}`,
      kind: 'reply',
      releaseId: event.releaseId,
      eventId: event.eventId,
      orderAt: event.timestamp,
    });
  }
  return intents;
}

/**
 * Replies for incident events sent without a release that the ledger
 * attributed to one by its time window: the incident belongs in that
 * release's thread like one sent with its releaseId (pure). The dedupe key
 * is the event's, so a later re-attribution never posts it twice.
 */
export function planAttributedIncidentReplies(
  events: ReadonlyArray<{ eventId: string; timestamp: string }>,
  attributedTo: ReadonlyMap<string, string>,
): OutboxIntent[] {
  return events.flatMap(event => {
    const releaseId = attributedTo.get(event.eventId);
    if (!releaseId) return [];
    return [
      {
        dedupeKey: `reply:${event.eventId}`,
        kind: 'reply' as const,
        releaseId,
        eventId: event.eventId,
        orderAt: event.timestamp,
      },
    ];
  });
}
