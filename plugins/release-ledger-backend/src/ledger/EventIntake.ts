import { AuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { LRUCache } from 'lru-cache';
import {
  IngestResult,
  MAX_EVENTS_PER_BATCH,
  ReleaseEvent,
  validateReleaseEvent,
  ValidationIssue,
} from '@release-ledger/plugin-release-ledger-common';
import {
  AcceptedEvent,
  OmitEach,
  ReleaseLedgerStore,
  SentAs,
} from './ReleaseLedgerStore';
import { systemOf } from './systemOf';
import { deriveEventId } from './deriveEventId';
import { EventIdConflictError } from './eventConflicts';
import { normaliseTime } from './projectRelease';
import { ownerOf } from './ownerOf';

/** The outcome of an ingest request: either results, or every problem found. */
export type IntakeOutcome =
  | { ok: true; results: IngestResult[] }
  | {
      ok: false;
      /** 400 for bad events, 409 for an eventId reused for a different event. */
      status: 400 | 409;
      issues: ValidationIssue[];
    };

/** Times before this are refused: no release pipeline ran in the 1990s. */
export const EARLIEST_EVENT_TIME = '2000-01-01T00:00:00.000Z';

type CatalogFacts = { ownerRef?: string; systemRef?: string };

/** An event that passed the contract; incidents may come without a release. */
type ValidatedEvent = OmitEach<ReleaseEvent, 'releaseId'> & {
  releaseId?: string;
} & SentAs;

/**
 * Entities rarely disappear; a short cache keeps catalog round-trips off the
 * ingest path. An in-process LRU rather than Backstage's cache service: this
 * is read for every event of every batch, and a shared store's round trip
 * would cost what the cache saves.
 */
const CATALOG_CACHE_TTL_MS = 60_000;
const CATALOG_CACHE_MAX_ENTRIES = 50_000;

/**
 * Accepts events into the ledger: validates each against the contract,
 * checks entities against the catalog, derives missing ids, and appends them
 * all-or-nothing.
 */
export class EventIntake {
  readonly #store: ReleaseLedgerStore;
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #now: () => Date;
  readonly #maxFutureSkewMs: number;
  readonly #catalogCache = new LRUCache<string, CatalogFacts>({
    max: CATALOG_CACHE_MAX_ENTRIES,
    ttl: CATALOG_CACHE_TTL_MS,
  });
  /** Catalog lookups under way, by entity ref (see #lookUpEntities). */
  readonly #catalogInFlight = new Map<
    string,
    Promise<CatalogFacts | undefined>
  >();

  constructor(options: {
    store: ReleaseLedgerStore;
    catalog: CatalogService;
    auth: AuthService;
    /** How far in the future an event's times may be; default 24 h. */
    maxFutureSkewMs?: number;
    now?: () => Date;
  }) {
    this.#store = options.store;
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#now = options.now ?? (() => new Date());
    this.#maxFutureSkewMs = options.maxFutureSkewMs ?? 24 * 60 * 60 * 1000;
  }

  /**
   * `body` is either one event or `{ events: [...] }`. `authorize`, when
   * given, is called once the events are valid, with the entity each one
   * writes for (undefined for an incident sent with neither release nor
   * entity); it throws to refuse the whole request before anything is stored.
   */
  async ingest(
    body: unknown,
    options: {
      authorize?: (entityRefs: Array<string | undefined>) => Promise<void>;
    } = {},
  ): Promise<IntakeOutcome> {
    const isBatch =
      typeof body === 'object' && body !== null && 'events' in body;
    if (isBatch) {
      const extra = Object.keys(body as object).filter(k => k !== 'events');
      if (extra.length > 0) {
        return {
          ok: false,
          status: 400,
          issues: [
            {
              field: extra[0],
              message: 'unknown field; a batch body has only "events"',
            },
          ],
        };
      }
    }
    const raws: unknown[] = isBatch
      ? ((body as { events: unknown }).events as unknown[])
      : [body];
    if (!Array.isArray(raws)) {
      return {
        ok: false,
        status: 400,
        issues: [{ field: 'events', message: 'must be an array of events' }],
      };
    }
    if (raws.length === 0) {
      return {
        ok: false,
        status: 400,
        issues: [
          { field: 'events', message: 'must contain at least one event' },
        ],
      };
    }
    if (raws.length > MAX_EVENTS_PER_BATCH) {
      return {
        ok: false,
        status: 400,
        issues: [
          {
            field: 'events',
            message: `must contain at most ${MAX_EVENTS_PER_BATCH} events, got ${raws.length}`,
          },
        ],
      };
    }

    const issues: ValidationIssue[] = [];
    const prefix = (i: number) => (isBatch ? `events[${i}]` : '');
    const field = (i: number, f: string) => (isBatch ? `events[${i}].${f}` : f);
    const nowDate = this.#now();
    const now = nowDate.toISOString();
    const latest = new Date(
      nowDate.getTime() + this.#maxFutureSkewMs,
    ).toISOString();
    /** An issue for a time outside [EARLIEST_EVENT_TIME, now + skew]. */
    const timeIssue = (f: string, value: unknown) => {
      const t = typeof value === 'string' ? normaliseTime(value) : undefined;
      if (t === undefined) return undefined;
      if (t < EARLIEST_EVENT_TIME) {
        return {
          field: f,
          message: `must not be before ${EARLIEST_EVENT_TIME}`,
        };
      }
      if (t > latest) {
        return {
          field: f,
          message: `must not be more than ${
            this.#maxFutureSkewMs / 1000
          } s in the future (releaseLedger.ingest.maxFutureSkewMs); got ${t}, now is ${now}`,
        };
      }
      return undefined;
    };
    const events: Array<ValidatedEvent | undefined> = raws.map((raw, i) => {
      const result = validateReleaseEvent(raw, prefix(i));
      if (!result.ok) {
        issues.push(...result.issues);
        return undefined;
      }
      const e = result.event;
      const badTime =
        timeIssue(field(i, 'timestamp'), e.timestamp) ??
        timeIssue(field(i, 'attributes.mergedAt'), e.attributes.mergedAt);
      if (badTime) {
        issues.push(badTime);
        return undefined;
      }
      let entityRef: string | undefined;
      if (e.entityRef !== undefined) {
        entityRef = normaliseEntityRef(e.entityRef);
        if (!entityRef) {
          issues.push({
            field: field(i, 'entityRef'),
            message: `'${e.entityRef.slice(
              0,
              100,
            )}' is not an entity ref like component:default/payments`,
          });
          return undefined;
        }
      }
      let components: string[] | undefined;
      if (e.type === 'release_started' && e.attributes.components) {
        components = [];
        for (const [k, ref] of e.attributes.components.entries()) {
          const normalised = normaliseEntityRef(ref);
          if (!normalised) {
            issues.push({
              field: field(i, `attributes.components.${k}`),
              message: `'${ref.slice(
                0,
                100,
              )}' is not an entity ref like component:default/payments`,
            });
            return undefined;
          }
          if (!components.includes(normalised)) components.push(normalised);
        }
      }
      const validated: ValidatedEvent = {
        // The spread keeps each type paired with its validated attributes.
        ...e,
        eventId: e.eventId ?? deriveEventId(raw as Record<string, unknown>),
        releaseId: e.releaseId,
        entityRef,
        timestamp: normaliseTime(e.timestamp) ?? now,
        timestampDefaulted: e.timestamp === undefined,
        environment: e.environment ?? 'production',
        version: e.version,
        commit: e.commit,
      };
      // Stored normalised, so the ledger compares and links them as refs.
      if (validated.type === 'release_started' && components) {
        validated.attributes = { ...validated.attributes, components };
      }
      return validated;
    });

    // Every event must resolve to exactly one catalog entity for its release.
    const valid = events.filter((e): e is ValidatedEvent => e !== undefined);
    const known = await this.#store.getReleaseEntities(
      valid.flatMap(e => (e.releaseId ? [e.releaseId] : [])),
    );
    const refsInBatch = new Map<string, string>();
    events.forEach((e, i) => {
      if (!e?.entityRef || !e.releaseId) return;
      const existing = known.get(e.releaseId) ?? refsInBatch.get(e.releaseId);
      if (existing && existing !== e.entityRef) {
        issues.push({
          field: field(i, 'entityRef'),
          message: `release ${e.releaseId} belongs to ${existing}, not ${e.entityRef}`,
        });
      } else {
        refsInBatch.set(e.releaseId, e.entityRef);
      }
    });
    const facts = await this.#lookUpEntities([
      ...new Set(
        valid.flatMap(e => [
          ...(e.entityRef ? [e.entityRef] : []),
          ...componentsOf(e),
        ]),
      ),
    ]);
    const accepted: AcceptedEvent[] = [];
    events.forEach((e, i) => {
      if (!e) return;
      if (e.entityRef && !facts.has(e.entityRef)) {
        issues.push({
          field: field(i, 'entityRef'),
          message: `${e.entityRef} is not in the catalog`,
        });
        return;
      }
      const unknownComponent = componentsOf(e).findIndex(c => !facts.has(c));
      if (unknownComponent >= 0) {
        issues.push({
          field: field(i, `attributes.components.${unknownComponent}`),
          message: `${componentsOf(e)[unknownComponent]} is not in the catalog`,
        });
        return;
      }
      if (!e.releaseId) {
        // An incident without a release: the ledger attributes it.
        accepted.push({ ...e, releaseId: undefined });
        return;
      }
      const releaseEntityRef =
        known.get(e.releaseId) ?? refsInBatch.get(e.releaseId);
      if (!releaseEntityRef) {
        issues.push({
          field: field(i, 'entityRef'),
          message: `is required on the first event of release ${e.releaseId}`,
        });
        return;
      }
      accepted.push({
        ...e,
        releaseId: e.releaseId,
        releaseEntityRef,
        ownerRef: known.has(e.releaseId)
          ? undefined
          : facts.get(releaseEntityRef)?.ownerRef,
        systemRef: known.has(e.releaseId)
          ? undefined
          : facts.get(releaseEntityRef)?.systemRef,
      });
    });

    if (issues.length > 0) return { ok: false, status: 400, issues };

    await options.authorize?.(
      accepted.map(e =>
        e.releaseId !== undefined ? e.releaseEntityRef : e.entityRef,
      ),
    );

    let statuses: Array<'created' | 'duplicate'>;
    try {
      statuses = await this.#store.appendEvents(accepted);
    } catch (error) {
      if (!(error instanceof EventIdConflictError)) throw error;
      return {
        ok: false,
        status: 409,
        issues: error.conflicts.map(c => ({
          field: field(c.index, 'eventId'),
          message: `'${
            c.eventId
          }' is already taken by an event with a different ${c.differences.join(
            ', ',
          )}; send a changed event with a new eventId`,
        })),
      };
    }
    return {
      ok: true,
      results: accepted.map((e, i) => ({
        index: i,
        eventId: e.eventId,
        releaseId: e.releaseId,
        status: statuses[i],
      })),
    };
  }

  /**
   * The catalog facts of `refs`: from the cache, from a lookup another
   * request already has in flight (a burst of requests for a cold entity
   * asks the catalog once, not once per request), or in one batch call.
   */
  async #lookUpEntities(refs: string[]): Promise<Map<string, CatalogFacts>> {
    const found = new Map<string, CatalogFacts>();
    const waits: Promise<void>[] = [];
    const missing: string[] = [];
    for (const ref of refs) {
      const cached = this.#catalogCache.get(ref);
      const inFlight = cached ? undefined : this.#catalogInFlight.get(ref);
      if (cached) found.set(ref, cached);
      else if (inFlight) {
        waits.push(
          inFlight.then(facts => {
            if (facts) found.set(ref, facts);
          }),
        );
      } else missing.push(ref);
    }
    if (missing.length > 0) {
      const lookup = this.#fetchFacts(missing);
      for (const ref of missing) {
        const facts = lookup.then(all => all.get(ref));
        // Its failure reaches every request that waits on it; none is an
        // unhandled rejection when nobody else did.
        facts.catch(() => undefined);
        this.#catalogInFlight.set(ref, facts);
      }
      waits.push(
        lookup
          .then(all => {
            for (const [ref, facts] of all) found.set(ref, facts);
          })
          .finally(() => {
            for (const ref of missing) this.#catalogInFlight.delete(ref);
          }),
      );
    }
    await Promise.all(waits);
    return found;
  }

  /** One catalog call for `refs`; caches what it finds. */
  async #fetchFacts(refs: string[]): Promise<Map<string, CatalogFacts>> {
    const { items } = await this.#catalog.getEntitiesByRefs(
      {
        entityRefs: refs,
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'spec.owner',
          'spec.system',
          'relations',
        ],
      },
      { credentials: await this.#auth.getOwnServiceCredentials() },
    );
    const found = new Map<string, CatalogFacts>();
    items.forEach((entity, i) => {
      if (!entity) return;
      const facts = { ownerRef: ownerOf(entity), systemRef: systemOf(entity) };
      found.set(refs[i], facts);
      this.#catalogCache.set(refs[i], facts);
    });
    return found;
  }
}

/** The other entities a release start deploys (normalised by the intake). */
function componentsOf(e: ValidatedEvent): string[] {
  return e.type === 'release_started' ? e.attributes.components ?? [] : [];
}

/** Lower-case `kind:namespace/name`, defaulting to `component:default/…`. */
export function normaliseEntityRef(ref: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref.trim(), {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}
