/**
 * The plugin's tables as the store writes them (see migrations/). Times are
 * UTC ISO 8601 strings with milliseconds: they sort as text and read back
 * identically on SQLite and PostgreSQL.
 */

import type {
  ReleaseEventAttributes,
  ReleaseEventType,
} from '@release-ledger/plugin-release-ledger-common';

/** How bulk writes address a table: its columns and its unique key. */
export type TableSpec<R> = {
  table: string;
  columns: ReadonlyArray<keyof R & string>;
  key: keyof R & string;
  /**
   * What an upsert replaces in an existing row (default: every column but
   * the key); a queue row keeps when it was first enqueued, say.
   */
  mergeColumns?: ReadonlyArray<keyof R & string>;
  /** PostgreSQL element types of non-text columns (for unnest arrays). */
  types?: Partial<Record<keyof R & string, 'boolean' | 'bigint'>>;
};

/** A row of release_ledger_events (the append-only log). */
export type EventRow = {
  seq?: number;
  event_id: string;
  /** Null for incidents sent without a release. */
  release_id: string | null;
  type: string;
  entity_ref: string | null;
  occurred_at: string;
  environment: string;
  version: string | null;
  commit: string | null;
  attributes: string;
  received_at: string;
  /** The incident an incident event is about. */
  incident_id: string | null;
};

/** An event's type with the attributes of that type. */
export type TypedAttributes = {
  [T in ReleaseEventType]: { type: T; attributes: ReleaseEventAttributes[T] };
}[ReleaseEventType];

/**
 * The type and attributes of a stored event, typed by a cast rather than
 * parsed again: every row was checked on its way in (the intake validates it
 * against the event contract; the ledger's own gate events are built by
 * typed code) and the log is never rewritten. This is the one place rows
 * become typed events, so a contract change that makes a field required or
 * narrows its type must account for the rows already stored.
 */
export function typedAttributesOf(
  row: Pick<EventRow, 'type' | 'attributes'>,
): TypedAttributes {
  return {
    type: row.type,
    attributes: JSON.parse(row.attributes),
  } as TypedAttributes;
}

export const EVENTS: TableSpec<EventRow> = {
  table: 'release_ledger_events',
  key: 'event_id',
  columns: [
    'event_id',
    'release_id',
    'type',
    'entity_ref',
    'occurred_at',
    'environment',
    'version',
    'commit',
    'attributes',
    'received_at',
    'incident_id',
  ],
};

/** Every written column of release_ledger_releases. */
export type ReleaseWriteRow = {
  release_id: string;
  entity_ref: string;
  owner_ref: string | null;
  /** The entity's catalog System when the release started (kept like the owner). */
  system_ref: string | null;
  status: string;
  /** How a finished release ended (Release.outcome); null until it finishes. */
  outcome: string | null;
  environment: string;
  version: string | null;
  started_at: string | null;
  promoted_at: string | null;
  finished_at: string | null;
  sort_at: string;
  has_anomalies: boolean;
  /** The projected Release as JSON; '{}' until the first projection. */
  projection: string;
  /**
   * Where the projection continues from (ProjectionCursor as JSON, see
   * ledger/releaseProjection.ts); null: the next events re-project the
   * release from all its events.
   */
  projection_cursor: string | null;
  updated_at: string;
};

export const RELEASES: TableSpec<ReleaseWriteRow> = {
  table: 'release_ledger_releases',
  key: 'release_id',
  columns: [
    'release_id',
    'entity_ref',
    'owner_ref',
    'system_ref',
    'status',
    'outcome',
    'environment',
    'version',
    'started_at',
    'promoted_at',
    'finished_at',
    'sort_at',
    'has_anomalies',
    'projection',
    'projection_cursor',
    'updated_at',
  ],
  types: { has_anomalies: 'boolean' },
};

/** A row of release_ledger_incidents: one incident and its attribution. */
export type IncidentRow = {
  incident_id: string;
  entity_ref: string | null;
  severity: string | null;
  title: string | null;
  started_at: string | null;
  resolved_at: string | null;
  /** The release the incident's own events name, if any. */
  explicit_release_id: string | null;
  /** The release it is attributed to (explicit or by window); null when unattributed. */
  release_id: string | null;
  attribution: 'explicit' | 'window' | 'unattributed';
};

export const INCIDENTS: TableSpec<IncidentRow> = {
  table: 'release_ledger_incidents',
  key: 'incident_id',
  columns: [
    'incident_id',
    'entity_ref',
    'severity',
    'title',
    'started_at',
    'resolved_at',
    'explicit_release_id',
    'release_id',
    'attribution',
  ],
};

/** A row of release_ledger_footprints: one release's DORA footprint. */
export type FootprintRow = {
  release_id: string;
  entity_ref: string;
  owner_ref: string | null;
  system_ref: string | null;
  environment: string;
  is_deployment: boolean;
  /** A deployment that fixes an incident or an earlier release. */
  is_rework: boolean;
  started_at: string | null;
  promoted_at: string | null;
  failed: boolean;
  /** Comma-separated FailureCause values. */
  failure_causes: string | null;
  first_failure_at: string | null;
  restored_at: string | null;
  restore_ms: number | null;
  /** Comma-separated lead times in ms, one per change; null when none. */
  lead_times_ms: string | null;
  /** Latest of start, promotion and first failure signal (or first event). */
  activity_at: string;
  /**
   * What a metrics answer reads of the row (refs, flags, epoch-ms times,
   * lead times) as a fragment of JSON: see packFootprint in
   * metrics/footprints.ts. Null only in a row an instance older than the
   * column wrote.
   */
  packed: string;
};

export const FOOTPRINTS: TableSpec<FootprintRow> = {
  table: 'release_ledger_footprints',
  key: 'release_id',
  columns: [
    'release_id',
    'entity_ref',
    'owner_ref',
    'system_ref',
    'environment',
    'is_deployment',
    'is_rework',
    'started_at',
    'promoted_at',
    'failed',
    'failure_causes',
    'first_failure_at',
    'restored_at',
    'restore_ms',
    'lead_times_ms',
    'activity_at',
    'packed',
  ],
  types: {
    is_deployment: 'boolean',
    is_rework: 'boolean',
    failed: 'boolean',
    restore_ms: 'bigint',
  },
};

/**
 * A row of release_ledger_component_footprints: a release's footprint as
 * one of the other entities it deploys (`Release.components`) sees it. The
 * release's times with the component's refs; see
 * metrics/componentFootprints.ts.
 */
export type ComponentFootprintRow = {
  release_id: string;
  /** The component. */
  entity_ref: string;
  /** The component's owner group when the release started; kept, like the release's. */
  owner_ref: string | null;
  /** The component's catalog System when the release started; kept. */
  system_ref: string | null;
  /** The release's own footprint's activity_at. */
  activity_at: string;
  /**
   * The release's id, its own owner and system key before the component's
   * packed footprint: see packComponentFootprint.
   */
  packed: string;
};

export const COMPONENT_FOOTPRINTS = {
  table: 'release_ledger_component_footprints',
  /** Its primary key: one row per release and component. */
  key: ['release_id', 'entity_ref'] as const,
  columns: [
    'release_id',
    'entity_ref',
    'owner_ref',
    'system_ref',
    'activity_at',
    'packed',
  ] as ReadonlyArray<keyof ComponentFootprintRow & string>,
};

/**
 * Releases recorded before component footprints were (see the migration
 * 20261203060000): metrics/componentBackfill.ts gives them theirs.
 */
export const COMPONENT_BACKFILL = 'release_ledger_component_backfill';

/**
 * A row of release_ledger_release_fixes: one thing a release fixes, as its
 * `fixes` name it (an incident id or an earlier release's id).
 */
export type ReleaseFixRow = {
  /** The release that fixes it. */
  fix_release_id: string;
  /** The incident or release it fixes. */
  target: string;
};

export const RELEASE_FIXES = 'release_ledger_release_fixes';

/** A row of release_ledger_weekly_notes. */
export type WeeklyNoteRow = {
  week: string;
  text: string;
  author: string;
  updated_at: string;
};

export const WEEKLY_NOTES = 'release_ledger_weekly_notes';
