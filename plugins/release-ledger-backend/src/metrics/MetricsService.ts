import { AuthService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { LRUCache } from 'lru-cache';
import {
  BAND_SETS,
  isMetricWindow,
  METRIC_WINDOWS,
  METRICS_SCOPES,
  MetricsResponse,
  MetricsScope,
  MetricWindow,
  ReleaseDoraFootprint,
  resolveBandSet,
  windowDays,
} from '@release-ledger/plugin-release-ledger-common';
import type { MetricsConfig } from '../config';
import type {
  FootprintScope,
  MetricsStore,
  PackedFootprints,
} from './DatabaseMetricsStore';
import { ownFootprintInScope } from './componentFootprints';
import { normaliseEntityRef } from '../ledger/EventIntake';
import { groupTree, groupWithDescendants } from './groupHierarchy';
import { MetricsRollup } from './rollups';

const DAY_MS = 86_400_000;
/**
 * Catalog answers (groups, ownership, entity existence) are kept this long:
 * the catalog itself is eventually consistent, and a leadership page
 * refreshing its figures should not re-read 150 groups each time. Metrics are
 * never cached; they always come from the current footprints.
 */
const CATALOG_CACHE_TTL_MS = 30_000;
const CATALOG_CACHE_MAX_ENTRIES = 500;
/** Unattributed incidents listed per answer. */
const UNATTRIBUTED_LIMIT = 100;

/** The query of `GET /metrics`, as received. */
export type MetricsQuery = {
  scope?: string;
  ref?: string;
  window?: string;
  bandSet?: string;
};

/**
 * Answers DORA metrics for an entity, a group with its child groups, or the
 * org, from the footprints that ingest keeps current.
 *
 * Scopes are resolved against the catalog with the plugin's own
 * credentials, not the caller's: the group tree, ownership and entity
 * existence are the ledger's working data (as the owner stored at ingest
 * is), and a pipeline token restricted to `release-ledger` (the documented
 * setup) may not call the catalog at all. Who may read metrics is decided
 * by the router (`release-ledger.release.read`), as for releases.
 */
export class MetricsService {
  readonly #store: MetricsStore;
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #config: MetricsConfig;
  readonly #now: () => Date;
  readonly #catalogCache = new LRUCache<string, Promise<unknown>>({
    max: CATALOG_CACHE_MAX_ENTRIES,
    ttl: CATALOG_CACHE_TTL_MS,
  });

  constructor(options: {
    store: MetricsStore;
    catalog: CatalogService;
    auth: AuthService;
    config: MetricsConfig;
    now?: () => Date;
  }) {
    this.#store = options.store;
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#config = options.config;
    this.#now = options.now ?? (() => new Date());
  }

  /** Band sets a caller may choose: built-in first, then configured. */
  get bandSetNames(): string[] {
    return [
      ...Object.keys(BAND_SETS),
      ...Object.keys(this.#config.customBandSets),
    ];
  }

  async getMetrics(query: MetricsQuery): Promise<MetricsResponse> {
    const scope = parseScope(query.scope);
    const window = parseWindow(query.window);
    const bandSetName = query.bandSet || this.#config.bandSet;
    let bandSet;
    try {
      bandSet = resolveBandSet(bandSetName, this.#config.customBandSets);
    } catch (e) {
      throw new InputError(`bandSet: ${(e as Error).message}`);
    }
    const now = this.#now();
    const to = now.toISOString();
    const from = new Date(
      now.getTime() - windowDays(window) * DAY_MS,
    ).toISOString();
    const base = {
      window,
      generatedAt: to,
      changeFailureRateTarget: this.#config.changeFailureRateTarget,
      bandSets: this.bandSetNames,
    };
    // Each scope reads its packed footprints and computes everything it
    // answers in one pass over them; a release that deploys several of the
    // scope's entities counts once (see componentFootprints.ts).
    const read = async (
      footprintScope: FootprintScope,
      parts: { teams?: boolean; contributors?: boolean },
    ) => {
      const packed: PackedFootprints = await this.#store.listPackedFootprints(
        footprintScope,
        from,
      );
      const rollup = new MetricsRollup({
        from,
        to,
        bandSet,
        minSamples: this.#config.minSamples,
        ...parts,
      });
      rollup.addPacked(packed.releases);
      rollup.addPackedComponents(
        packed.components,
        ownFootprintInScope(footprintScope),
      );
      return rollup;
    };

    if (scope === 'entity') {
      const ref = this.#parseRef(query.ref, 'component');
      await this.#requireEntity(ref);
      const [rollup, unattributedIncidents] = await Promise.all([
        read({ kind: 'entity', entityRef: ref }, {}),
        this.#store.listUnattributedIncidents({
          from,
          entityRefs: [ref],
          limit: UNATTRIBUTED_LIMIT,
        }),
      ]);
      return {
        scope,
        ref,
        ...base,
        metrics: rollup.metrics(),
        unattributedIncidents,
      };
    }

    if (scope === 'group') {
      const ref = this.#parseRef(query.ref, 'group');
      if (!ref.startsWith('group:')) {
        throw new InputError(
          `ref: must be a group ref for scope=group, got '${ref}'`,
        );
      }
      const tree = groupTree(await this.#groups());
      if (!tree.has(ref))
        throw new NotFoundError(`group ${ref} not found in the catalog`);
      const groups = groupWithDescendants(tree, ref).sort();
      const [rollup, owned] = await Promise.all([
        read({ kind: 'owners', ownerRefs: groups }, { contributors: true }),
        this.#ownedEntities(groups),
      ]);
      return {
        scope,
        ref,
        ...base,
        metrics: rollup.metrics(),
        groups,
        topContributors: rollup.topContributors(),
        unattributedIncidents: await this.#store.listUnattributedIncidents({
          from,
          entityRefs: owned,
          limit: UNATTRIBUTED_LIMIT,
        }),
      };
    }

    const [rollup, groups, unattributedIncidents] = await Promise.all([
      read({ kind: 'org' }, { teams: true, contributors: true }),
      this.#groups(),
      this.#store.listUnattributedIncidents({
        from,
        limit: UNATTRIBUTED_LIMIT,
      }),
    ]);
    const titles = new Map(
      [...groupTree(groups).values()].map(g => [g.ref, g.title]),
    );
    return {
      scope,
      ...base,
      metrics: rollup.metrics(),
      teams: rollup.teamRows(titles),
      topContributors: rollup.topContributors(),
      unattributedIncidents,
    };
  }

  /** A release's footprint with the incidents attributed to it. */
  async getReleaseFootprint(
    releaseId: string,
  ): Promise<ReleaseDoraFootprint | undefined> {
    const [footprint, incidents] = await Promise.all([
      this.#store.getFootprint(releaseId),
      this.#store.listReleaseIncidents(releaseId),
    ]);
    return footprint ? { ...footprint, incidents } : undefined;
  }

  #parseRef(raw: string | undefined, defaultKind: string): string {
    if (!raw) throw new InputError('ref: is required for this scope');
    const ref =
      defaultKind === 'group'
        ? normaliseGroupRef(raw)
        : normaliseEntityRef(raw);
    if (!ref) {
      throw new InputError(`ref: '${raw.slice(0, 100)}' is not an entity ref`);
    }
    return ref;
  }

  /** Caches a catalog answer; failed lookups are not kept. */
  #cached<T>(cacheKey: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#catalogCache.get(cacheKey);
    if (hit) return hit as Promise<T>;
    const value = load();
    this.#catalogCache.set(cacheKey, value);
    value.catch(() => this.#catalogCache.delete(cacheKey));
    return value;
  }

  /** The plugin's own credentials, for the catalog reads it makes for itself. */
  async #own() {
    return { credentials: await this.#auth.getOwnServiceCredentials() };
  }

  async #requireEntity(ref: string) {
    const exists = await this.#cached(`entity:${ref}`, async () =>
      Boolean(await this.#catalog.getEntityByRef(ref, await this.#own())),
    );
    if (!exists) throw new NotFoundError(`${ref} not found in the catalog`);
  }

  #groups(): Promise<Entity[]> {
    return this.#cached('groups', () => this.#loadGroups());
  }

  async #loadGroups(): Promise<Entity[]> {
    const { items } = await this.#catalog.getEntities(
      {
        filter: { kind: 'group' },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'spec.profile.displayName',
          'spec.parent',
          'spec.children',
          'relations',
        ],
      },
      await this.#own(),
    );
    return items;
  }

  #ownedEntities(groups: string[]): Promise<string[]> {
    return this.#cached(`owned:${groups.join(',')}`, () =>
      this.#loadOwnedEntities(groups),
    );
  }

  async #loadOwnedEntities(groups: string[]): Promise<string[]> {
    const { items } = await this.#catalog.getEntities(
      {
        filter: { 'relations.ownedBy': groups },
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      await this.#own(),
    );
    return items.map(e => stringifyEntityRef(e).toLocaleLowerCase('en-US'));
  }
}

function parseScope(raw: string | undefined): MetricsScope {
  const scope = raw || 'org';
  if (!(METRICS_SCOPES as readonly string[]).includes(scope)) {
    throw new InputError(
      `scope: must be one of ${METRICS_SCOPES.join(', ')}, got '${scope.slice(
        0,
        50,
      )}'`,
    );
  }
  return scope as MetricsScope;
}

function parseWindow(raw: string | undefined): MetricWindow {
  const window = raw || '30d';
  if (!isMetricWindow(window)) {
    throw new InputError(
      `window: must be one of ${METRIC_WINDOWS.join(', ')}, got '${window.slice(
        0,
        50,
      )}'`,
    );
  }
  return window;
}

function normaliseGroupRef(raw: string): string | undefined {
  // `team-payments` means group:default/team-payments here.
  const withKind = raw.includes(':') ? raw : `group:${raw}`;
  return normaliseEntityRef(withKind);
}
