import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { EVENTS, EventRow, RELEASES } from '../database/tables';
import { fromEventRow } from './eventRows';
import type { AcceptedEvent, AcceptedReleaseEvent } from './ReleaseLedgerStore';

/*
 * Merged changes linked to releases by commit.
 *
 * A merge workflow runs before the release that ships its change exists, so
 * it sends `pr_merged` with the entity and the merge commit and no release.
 * A release lists the mainline commits it ships on its `release_started`.
 * Whichever arrives second links the two: the ledger appends a copy of the
 * merge event under the release (`linkedFrom` names the original, which
 * stays in the log without a release), so the release's changes, lead time,
 * notes and thread are built from its own events as for any other event.
 *
 * Both sides run in the append's transaction, which holds the entity's lock
 * (PostgreSQL; SQLite has one writer): a merge and a release start of one
 * entity committed concurrently cannot miss each other.
 */

export const RELEASE_COMMITS = 'release_ledger_release_commits';
export const UNLINKED_CHANGES = 'release_ledger_unlinked_changes';
/** The other entities each release deploys: their release lists include it. */
export const RELEASE_COMPONENTS = 'release_ledger_release_components';

type ReleaseCommitRow = { entity_ref: string; sha: string; release_id: string };
type UnlinkedChangeRow = {
  event_id: string;
  entity_ref: string;
  commit: string;
  received_at: string;
};

/** The id of the copy of merge event `eventId` linked to `releaseId`. */
export function linkedEventId(releaseId: string, eventId: string): string {
  return `link-${createHash('sha256')
    .update(`${releaseId}\0${eventId}`)
    .digest('hex')
    .slice(0, 40)}`;
}

/** The merge commit of a `pr_merged`, lower-case. */
function mergeCommitOf(event: AcceptedEvent): string | undefined {
  if (event.type !== 'pr_merged') return undefined;
  return (event.attributes.commit ?? event.commit)?.toLowerCase();
}

/** The commits a release start lists (its own commit included), lower-case. */
export function releaseCommitsOf(event: AcceptedReleaseEvent): string[] {
  if (event.type !== 'release_started') return [];
  const a = event.attributes;
  const shas = (a.commits ?? []).map(c => c.sha.toLowerCase());
  const own = a.commit ?? event.commit;
  if (own && /^[0-9a-f]{7,64}$/i.test(own)) shas.push(own.toLowerCase());
  return [...new Set(shas)];
}

/** The entities a release start deploys: its own and its components. */
export function releaseEntitiesOf(event: AcceptedReleaseEvent): string[] {
  if (event.type !== 'release_started') return [event.releaseEntityRef];
  return [
    ...new Set([
      event.releaseEntityRef,
      ...(event.attributes.components ?? []),
    ]),
  ];
}

/** An abbreviated commit id names the full ids it starts. */
function commitMatches(sha: string, commit: string): boolean {
  return sha.startsWith(commit);
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/**
 * Links the fresh events of an append (already inserted): records the
 * components and commits of fresh release starts, links waiting merges to them, links
 * fresh merges without a release to the release that lists their commit or
 * leaves them waiting. Answers the linked copies to store and project with
 * the batch (the caller inserts them).
 */
export async function linkChanges(
  tx: Knex.Transaction,
  fresh: AcceptedEvent[],
  receivedAt: string,
): Promise<AcceptedReleaseEvent[]> {
  const starts = fresh.filter(
    (e): e is AcceptedReleaseEvent =>
      e.type === 'release_started' && e.releaseId !== undefined,
  );
  const merges = fresh.filter(
    e => e.releaseId === undefined && mergeCommitOf(e) !== undefined,
  );
  if (starts.length === 0 && merges.length === 0) return [];

  const linked: AcceptedReleaseEvent[] = [];
  const startEntity = new Map<string, string>();
  for (const start of starts) {
    startEntity.set(start.releaseId, start.releaseEntityRef);
    const components = releaseEntitiesOf(start)
      .filter(ref => ref !== start.releaseEntityRef)
      .map(ref => ({ release_id: start.releaseId, entity_ref: ref }));
    if (components.length > 0) {
      await tx(RELEASE_COMPONENTS)
        .insert(components)
        .onConflict(['release_id', 'entity_ref'])
        .ignore();
    }
    const rows: ReleaseCommitRow[] = [];
    for (const entityRef of releaseEntitiesOf(start)) {
      for (const sha of releaseCommitsOf(start)) {
        rows.push({ entity_ref: entityRef, sha, release_id: start.releaseId });
      }
    }
    // The first release that lists a commit keeps it.
    for (const part of chunks(rows, 300)) {
      await tx<ReleaseCommitRow>(RELEASE_COMMITS)
        .insert(part)
        .onConflict(['entity_ref', 'sha'])
        .ignore();
    }
    linked.push(...(await linkWaiting(tx, start)));
  }

  const waiting: UnlinkedChangeRow[] = [];
  for (const merge of merges) {
    const commit = mergeCommitOf(merge)!;
    const release = await tx<ReleaseCommitRow>(RELEASE_COMMITS)
      .where({ entity_ref: merge.entityRef! })
      .andWhere('sha', 'like', `${commit}%`)
      .orderBy('sha')
      .first();
    if (!release) {
      waiting.push({
        event_id: merge.eventId,
        entity_ref: merge.entityRef!,
        commit,
        received_at: receivedAt,
      });
      continue;
    }
    const entityRef =
      startEntity.get(release.release_id) ??
      (
        await tx(RELEASES.table)
          .where({ release_id: release.release_id })
          .first('entity_ref')
      )?.entity_ref;
    // A release listed in release_commits always has a row; be safe anyway.
    if (!entityRef) continue;
    linked.push(linkedCopy(merge, release.release_id, entityRef));
  }
  for (const part of chunks(waiting, 300)) {
    await tx<UnlinkedChangeRow>(UNLINKED_CHANGES)
      .insert(part)
      .onConflict('event_id')
      .ignore();
  }
  return linked;
}

/** The waiting merges of the start's entities whose commit it lists. */
async function linkWaiting(
  tx: Knex.Transaction,
  start: AcceptedReleaseEvent,
): Promise<AcceptedReleaseEvent[]> {
  const shas = releaseCommitsOf(start);
  if (shas.length === 0) return [];
  const rows = await tx<UnlinkedChangeRow>(UNLINKED_CHANGES)
    .whereIn('entity_ref', releaseEntitiesOf(start))
    .select('event_id', 'commit');
  const full = new Set(shas);
  const matched = rows.filter(
    r => full.has(r.commit) || shas.some(sha => commitMatches(sha, r.commit)),
  );
  if (matched.length === 0) return [];
  const ids = matched.map(r => r.event_id);
  const originals: EventRow[] = [];
  for (const part of chunks(ids, 500)) {
    originals.push(
      ...(await tx<EventRow>(EVENTS.table).whereIn('event_id', part)),
    );
    await tx(UNLINKED_CHANGES).whereIn('event_id', part).delete();
  }
  return originals.map(row => {
    const event = fromEventRow(row) as AcceptedEvent;
    return linkedCopy(
      { ...event, releaseId: undefined } as AcceptedEvent,
      start.releaseId,
      start.releaseEntityRef,
    );
  });
}

/** The merge event as the release's own, naming the original. */
function linkedCopy(
  merge: AcceptedEvent,
  releaseId: string,
  releaseEntityRef: string,
): AcceptedReleaseEvent {
  return {
    ...merge,
    eventId: linkedEventId(releaseId, merge.eventId),
    releaseId,
    releaseEntityRef,
    attributes: { ...merge.attributes, linkedFrom: merge.eventId },
    receivedAt: undefined,
  } as AcceptedReleaseEvent;
}
