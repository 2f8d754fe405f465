import {
  LedgerIncident,
  IncidentSeverity,
  ReleaseFootprint,
  WeeklyNote,
} from '@release-ledger/plugin-release-ledger-common';
import { Knex } from 'knex';
import { fromFootprintRow } from '../metrics/footprints';
import {
  FOOTPRINTS,
  FootprintRow,
  INCIDENTS,
  IncidentRow,
  WEEKLY_NOTES,
  WeeklyNoteRow,
} from './tables';

/** Which releases a metrics read covers. */
export type FootprintScope =
  | { kind: 'entity'; entityRef: string }
  | { kind: 'owners'; ownerRefs: string[] }
  | { kind: 'org' };

/** Reads for DORA metrics and leadership's weekly notes. */
export interface MetricsStore {
  /**
   * Footprints of releases whose start, promotion or first failure signal is
   * at or after `from`: every release a window from `from` to now counts.
   */
  listFootprints(
    scope: FootprintScope,
    from: string,
  ): Promise<ReleaseFootprint[]>;
  getFootprint(releaseId: string): Promise<ReleaseFootprint | undefined>;
  /** Incidents attributed to the release (explicitly or by window). */
  listReleaseIncidents(releaseId: string): Promise<LedgerIncident[]>;
  /** Unattributed incidents started at or after `from`, newest first. */
  listUnattributedIncidents(options: {
    from: string;
    /** Only these entities; all when absent. */
    entityRefs?: string[];
    limit: number;
  }): Promise<LedgerIncident[]>;
  getWeeklyNote(week: string): Promise<WeeklyNote | undefined>;
  putWeeklyNote(note: WeeklyNote): Promise<WeeklyNote>;
}

/** Columns a metrics computation needs; the row's other columns stay on disk. */
const FOOTPRINT_READ_COLUMNS = FOOTPRINTS.columns.filter(
  c => c !== 'activity_at',
);

/** Bound parameters per IN list, under every database's limit. */
const IN_CHUNK = 500;

/** The knex implementation of MetricsStore, for SQLite and PostgreSQL. */
export class DatabaseMetricsStore implements MetricsStore {
  constructor(private readonly db: Knex) {}

  async listFootprints(
    scope: FootprintScope,
    from: string,
  ): Promise<ReleaseFootprint[]> {
    const query = (refs?: string[]) => {
      const q = this.db<FootprintRow>(FOOTPRINTS.table)
        .where('activity_at', '>=', from)
        .select(FOOTPRINT_READ_COLUMNS);
      if (scope.kind === 'entity') q.where('entity_ref', scope.entityRef);
      if (refs) q.whereIn('owner_ref', refs);
      return q;
    };
    if (scope.kind !== 'owners') {
      return (await query()).map(fromFootprintRow);
    }
    const out: ReleaseFootprint[] = [];
    for (let i = 0; i < scope.ownerRefs.length; i += IN_CHUNK) {
      const rows = await query(scope.ownerRefs.slice(i, i + IN_CHUNK));
      for (const row of rows) out.push(fromFootprintRow(row));
    }
    return out;
  }

  async getFootprint(releaseId: string): Promise<ReleaseFootprint | undefined> {
    const row = await this.db<FootprintRow>(FOOTPRINTS.table)
      .where('release_id', releaseId)
      .first();
    return row ? fromFootprintRow(row) : undefined;
  }

  async listReleaseIncidents(releaseId: string): Promise<LedgerIncident[]> {
    const rows = await this.db<IncidentRow>(INCIDENTS.table)
      .where('release_id', releaseId)
      .orderBy([
        { column: 'started_at', order: 'asc' },
        { column: 'incident_id', order: 'asc' },
      ]);
    return rows.flatMap(toIncident);
  }

  async listUnattributedIncidents(options: {
    from: string;
    entityRefs?: string[];
    limit: number;
  }): Promise<LedgerIncident[]> {
    const query = (refs?: string[]) => {
      const q = this.db<IncidentRow>(INCIDENTS.table)
        .where('attribution', 'unattributed')
        .where('started_at', '>=', options.from)
        .orderBy([
          { column: 'started_at', order: 'desc' },
          { column: 'incident_id', order: 'asc' },
        ])
        .limit(options.limit);
      if (refs) q.whereIn('entity_ref', refs);
      return q;
    };
    if (!options.entityRefs) return (await query()).flatMap(toIncident);
    const rows: IncidentRow[] = [];
    for (let i = 0; i < options.entityRefs.length; i += IN_CHUNK) {
      rows.push(...(await query(options.entityRefs.slice(i, i + IN_CHUNK))));
    }
    return rows
      .sort((a, b) =>
        a.started_at === b.started_at
          ? a.incident_id.localeCompare(b.incident_id)
          : (b.started_at ?? '').localeCompare(a.started_at ?? ''),
      )
      .slice(0, options.limit)
      .flatMap(toIncident);
  }

  async getWeeklyNote(week: string): Promise<WeeklyNote | undefined> {
    const row = await this.db<WeeklyNoteRow>(WEEKLY_NOTES)
      .where('week', week)
      .first();
    return row ? toNote(row) : undefined;
  }

  async putWeeklyNote(note: WeeklyNote): Promise<WeeklyNote> {
    const row: WeeklyNoteRow = {
      week: note.week,
      text: note.text,
      author: note.author,
      updated_at: note.updatedAt,
    };
    await this.db(WEEKLY_NOTES).insert(row).onConflict('week').merge();
    return toNote(row);
  }
}

function toIncident(row: IncidentRow): LedgerIncident[] {
  // An incident known only from its resolution has no start or entity yet.
  if (!row.entity_ref || !row.started_at || !row.severity) return [];
  return [
    {
      incidentId: row.incident_id,
      entityRef: row.entity_ref,
      severity: row.severity as IncidentSeverity,
      title: row.title ?? undefined,
      startedAt: row.started_at,
      resolvedAt: row.resolved_at ?? undefined,
      attribution: row.attribution,
      releaseId: row.release_id ?? undefined,
    },
  ];
}

function toNote(row: WeeklyNoteRow): WeeklyNote {
  return {
    week: row.week,
    text: row.text,
    author: row.author,
    updatedAt: row.updated_at,
  };
}
