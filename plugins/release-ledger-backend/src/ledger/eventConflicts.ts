import { canonicalJson } from './deriveEventId';

/** What makes an event the event it is; the idempotency key must not cover two of them. */
export type EventContent = {
  type: string;
  releaseId?: string;
  entityRef?: string;
  timestamp: string;
  environment: string;
  version?: string;
  commit?: string;
  attributes: Record<string, unknown>;
};

/** An eventId sent again with other content, at `index` of the caller's events. */
export type EventIdConflict = {
  index: number;
  eventId: string;
  /** The fields whose values differ, e.g. `['type', 'attributes']`. */
  differences: string[];
};

/**
 * The fields in which `sent` differs from the event already known under its
 * id. A timestamp the sender left out (the ledger used "now") is not
 * compared: a retry of such an event differs only in that.
 */
export function eventDifferences(
  known: EventContent,
  sent: EventContent,
  options: { compareTimestamp: boolean },
): string[] {
  const differences: string[] = [];
  const scalar = [
    'type',
    'releaseId',
    'entityRef',
    'environment',
    'version',
    'commit',
  ] as const;
  for (const field of scalar) {
    if ((known[field] ?? null) !== (sent[field] ?? null)) {
      differences.push(field);
    }
  }
  if (options.compareTimestamp && known.timestamp !== sent.timestamp) {
    differences.push('timestamp');
  }
  if (canonicalJson(known.attributes) !== canonicalJson(sent.attributes)) {
    differences.push('attributes');
  }
  return differences;
}

/**
 * Thrown inside the append transaction, so nothing of the caller's events is
 * stored: one of them reuses a known eventId for a different event.
 */
export class EventIdConflictError extends Error {
  readonly conflicts: EventIdConflict[];

  constructor(conflicts: EventIdConflict[]) {
    super(
      `eventId reused for a different event: ${conflicts
        .map(c => `${c.eventId} (${c.differences.join(', ')})`)
        .join('; ')}`,
    );
    this.name = 'EventIdConflictError';
    this.conflicts = conflicts;
  }
}
