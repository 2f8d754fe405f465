import {
  LedgerIncident,
  IncidentSeverity,
  ReleaseFootprint,
  WeeklyNote,
} from '@release-ledger/plugin-release-ledger-common';
import type { Knex } from 'knex';
import {
  fromFootprintRow,
  packFootprint,
  PackedValue,
  parsePacked,
} from './footprints';
import {
  COMPONENT_FOOTPRINTS,
  FOOTPRINTS,
  FootprintRow,
  INCIDENTS,
  IncidentRow,
  WEEKLY_NOTES,
  WeeklyNoteRow,
} from '../database/tables';

/** Which releases a metrics read covers. */
export type FootprintScope =
  | { kind: 'entity'; entityRef: string }
  | { kind: 'owners'; ownerRefs: string[] }
  | { kind: 'org' };

/**
 * A scope's footprints, packed and joined by the database: the releases'
 * own (packFootprint) and their components' (packComponentFootprint).
 */
export type PackedFootprints = {
  releases: PackedValue[];
  components: PackedValue[];
};

/** Reads for DORA metrics and leadership's weekly notes. */
export interface MetricsStore {
  /**
   * Footprints of releases whose start, promotion or first failure signal is
   * at or after `from` (every release a window from `from` to now counts)
   * in the scope: the releases' own footprints and their components' (see
   * componentFootprints.ts), each as a ReleaseFootprint with the
   * component's refs. A release is there once per entity it deploys in the
   * scope; figures count it once.
   */
  listFootprints(
    scope: FootprintScope,
    from: string,
  ): Promise<ReleaseFootprint[]>;
  /**
   * The same footprints as {@link MetricsStore.listFootprints}, packed and
   * joined by the database into one list of each kind: a read of a few
   * strings instead of one row object per release.
   */
  listPackedFootprints(
    scope: FootprintScope,
    from: string,
  ): Promise<PackedFootprints>;
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

/** Columns a ReleaseFootprint needs; the row's other columns stay on disk. */
const FOOTPRINT_READ_COLUMNS = FOOTPRINTS.columns.filter(
  c => c !== 'activity_at' && c !== 'packed',
);

type PackedReadRow = {
  /** The scope's packed footprints joined with `,`; null without any. */
  packed: string | null;
  /** PostgreSQL answers counts as strings. */
  n: number | string;
  packed_n: number | string;
};

/** Bound parameters per IN list, under every database's limit. */
const IN_CHUNK = 500;

/** The knex implementation of MetricsStore, for SQLite and PostgreSQL. */
export class DatabaseMetricsStore implements MetricsStore {
  readonly #client: string;

  constructor(private readonly db: Knex) {
    this.#client = String(db.client.config.client);
  }

  async listFootprints(
    scope: FootprintScope,
    from: string,
  ): Promise<ReleaseFootprint[]> {
    const rows = await this.#readScoped(scope, refs =>
      this.#scoped(
        this.db<FootprintRow>(FOOTPRINTS.table).select(FOOTPRINT_READ_COLUMNS),
        scope,
        from,
        refs,
      ),
    );
    // A component's footprint by definition: the release's, with the
    // component's refs.
    const components = await this.#readScoped(scope, refs =>
      this.#scoped(
        this.db(`${COMPONENT_FOOTPRINTS.table} as c`)
          .join(`${FOOTPRINTS.table} as f`, 'f.release_id', 'c.release_id')
          .select([
            ...FOOTPRINT_READ_COLUMNS.filter(
              col => !['entity_ref', 'owner_ref', 'system_ref'].includes(col),
            ).map(col => `f.${col}`),
            'c.entity_ref',
            'c.owner_ref',
            'c.system_ref',
          ]),
        scope,
        from,
        refs,
        'c.',
      ),
    );
    return [...rows, ...components].map(fromFootprintRow);
  }

  async listPackedFootprints(
    scope: FootprintScope,
    from: string,
  ): Promise<PackedFootprints> {
    const [releases, components] = await Promise.all([
      this.#listPackedReleases(scope, from),
      // Values per chunk of owners, concatenated by #readScoped.
      this.#readScoped(scope, async refs => {
        const [read] = (await this.#packedComponentsQuery(
          scope,
          from,
          refs,
        )) as Array<{ packed: string | null }>;
        return parsePacked(read?.packed ?? '');
      }),
    ]);
    return { releases, components };
  }

  async #listPackedReleases(
    scope: FootprintScope,
    from: string,
  ): Promise<PackedValue[]> {
    // One row per read: an aggregate without GROUP BY.
    const reads = await this.#readScoped(
      scope,
      async refs =>
        (await this.#packedQuery(scope, from, refs)) as PackedReadRow[],
    );
    const parsed = reads.map(read => parsePacked(read.packed ?? ''));
    const values = parsed.length === 1 ? parsed[0] : parsed.flat();
    // The join skips null: a row an instance older than the column wrote.
    const incomplete = reads.some(
      read => Number(read.n) !== Number(read.packed_n),
    );
    if (incomplete) {
      const unpacked = await this.#readScoped(scope, refs =>
        this.#scoped(
          this.db<FootprintRow>(FOOTPRINTS.table)
            .whereNull('packed')
            .select(FOOTPRINT_READ_COLUMNS),
          scope,
          from,
          refs,
        ),
      );
      for (const row of unpacked) {
        for (const v of parsePacked(packFootprint(fromFootprintRow(row)))) {
          values.push(v);
        }
      }
    }
    return values;
  }

  /** The SQL of a packed read (e.g. to EXPLAIN it). */
  packedReadSql(
    scope: FootprintScope,
    from: string,
    of: keyof PackedFootprints = 'releases',
  ): Knex.SqlNative {
    const refs =
      scope.kind === 'owners' ? scope.ownerRefs.slice(0, IN_CHUNK) : undefined;
    return (
      of === 'releases'
        ? this.#packedQuery(scope, from, refs)
        : this.#packedComponentsQuery(scope, from, refs)
    )
      .toSQL()
      .toNative();
  }

  /**
   * The scope's packed component footprints joined into one string (every
   * row is packed: the table is newer than the column). On SQLite the org
   * read is a range of the covering index on (activity_at, packed).
   */
  #packedComponentsQuery(
    scope: FootprintScope,
    from: string,
    refs: string[] | undefined,
  ): Knex.QueryBuilder {
    return this.#scoped(
      this.db(COMPONENT_FOOTPRINTS.table).select(
        this.db.raw(`${this.#joinPacked()} AS packed`),
      ),
      scope,
      from,
      refs,
    );
  }

  /**
   * The scope's packed footprints joined into one string, with the counts
   * of rows and of packed rows. No order: every figure is order-free. On
   * SQLite the org read is a range of the covering index on
   * (activity_at, packed).
   */
  #packedQuery(
    scope: FootprintScope,
    from: string,
    refs: string[] | undefined,
  ): Knex.QueryBuilder {
    return this.#scoped(
      this.db(FOOTPRINTS.table).select(
        this.db.raw(`${this.#joinPacked()} AS packed`),
        this.db.raw('count(*) AS n'),
        this.db.raw('count(packed) AS packed_n'),
      ),
      scope,
      from,
      refs,
    );
  }

  /** The rows' packed values joined with `,` (an aggregate). */
  #joinPacked(): string {
    const postgres = ['pg', 'postgres', 'postgresql'].includes(this.#client);
    // PostgreSQL: string_agg; SQLite (and MySQL): group_concat.
    return postgres ? "string_agg(packed, ',')" : "group_concat(packed, ',')";
  }

  /**
   * Footprints of the scope whose activity is at or after `from`, of the
   * table its columns are named by with `prefix`.
   */
  #scoped<Q extends Knex.QueryBuilder>(
    q: Q,
    scope: FootprintScope,
    from: string,
    refs: string[] | undefined,
    prefix = '',
  ): Q {
    q.where(`${prefix}activity_at`, '>=', from);
    if (scope.kind === 'entity')
      q.where(`${prefix}entity_ref`, scope.entityRef);
    if (refs) q.whereIn(`${prefix}owner_ref`, refs);
    return q;
  }

  /** Runs `read` once, or per chunk of the scope's owners. */
  async #readScoped<R>(
    scope: FootprintScope,
    read: (refs: string[] | undefined) => Promise<R[]>,
  ): Promise<R[]> {
    if (scope.kind !== 'owners') return read(undefined);
    const out: R[] = [];
    for (let i = 0; i < scope.ownerRefs.length; i += IN_CHUNK) {
      for (const row of await read(scope.ownerRefs.slice(i, i + IN_CHUNK)))
        out.push(row);
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
