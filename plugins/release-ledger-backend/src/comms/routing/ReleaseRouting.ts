import type { AuthService } from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { LRUCache } from 'lru-cache';
import {
  Release,
  RELEASE_LEDGER_ANNOTATIONS,
} from '@release-ledger/plugin-release-ledger-common';
import type { CommsConfig } from '../commsConfig';
import type { MessageContext } from '../render/statusCard';
import { parseChannel, parseOncall } from '../render/slackTargets';

/** Where a release's thread goes, or why it cannot go anywhere. */
export type ChannelDecision =
  | { ok: true; channel: string; source: string }
  | { ok: false; reason: string };

const CACHE_MS = 60_000;
/** Entities and owner groups of the releases being announced at once. */
const ROUTING_CACHE_MAX_ENTRIES = 5_000;

/**
 * Resolves a release's channel (entity annotation → owner group's
 * annotation → `releaseLedger.slack.defaultChannel`) and the catalog facts
 * its messages show. Entities are cached for a minute: messages of one
 * release come in bursts, and the catalog is eventually consistent anyway.
 */
export class ReleaseRouting {
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #config: CommsConfig;
  readonly #cache = new LRUCache<string, Promise<Entity | undefined>>({
    max: ROUTING_CACHE_MAX_ENTRIES,
    ttl: CACHE_MS,
  });

  constructor(options: {
    catalog: CatalogService;
    auth: AuthService;
    config: CommsConfig;
  }) {
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#config = options.config;
  }

  async channelFor(release: Release): Promise<ChannelDecision> {
    const key = RELEASE_LEDGER_ANNOTATIONS.slackChannel;
    const sources: Array<[string | undefined, string]> = [
      [release.entityRef, release.entityRef],
      [release.ownerRef, release.ownerRef ?? ''],
    ];
    for (const [ref, name] of sources) {
      if (!ref) continue;
      const raw = (await this.#entity(ref))?.metadata.annotations?.[key];
      if (raw === undefined) continue;
      const parsed = parseChannel(raw, `${name} annotation ${key}`);
      if (!parsed.ok) return { ok: false, reason: parsed.message };
      return { ok: true, channel: parsed.value.channel, source: name };
    }
    if (this.#config.defaultChannel) {
      return {
        ok: true,
        channel: this.#config.defaultChannel,
        source: 'releaseLedger.slack.defaultChannel',
      };
    }
    return {
      ok: false,
      reason: `no Slack channel for ${release.entityRef}: set the annotation ${key} on it or its owner, or releaseLedger.slack.defaultChannel`,
    };
  }

  /** Links and names for a release's messages. */
  async contextFor(release: Release): Promise<MessageContext> {
    const entity = await this.#entity(release.entityRef);
    const owner = release.ownerRef
      ? await this.#entity(release.ownerRef)
      : undefined;
    const oncallRaw =
      entity?.metadata.annotations?.[RELEASE_LEDGER_ANNOTATIONS.oncall];
    const oncall = oncallRaw
      ? parseOncall(oncallRaw, RELEASE_LEDGER_ANNOTATIONS.oncall)
      : undefined;
    const ref = parseEntityRef(release.entityRef);
    const base = this.#config.appBaseUrl;
    const vars: Record<string, string> = {
      entity: release.entityRef,
      namespace: ref.namespace,
      kind: ref.kind,
      name: ref.name,
      releaseId: release.releaseId,
      version: release.version ?? '',
      environment: release.environment,
    };
    return {
      releaseUrl: `${base}/release-ledger/releases/${encodeURIComponent(
        release.releaseId,
      )}`,
      entityUrl: `${base}/catalog/${[ref.namespace, ref.kind, ref.name]
        .map(encodeURIComponent)
        .join('/')}`,
      entityTitle: entity?.metadata.title ?? ref.name,
      ownerTitle: owner ? displayName(owner) : release.ownerRef,
      oncall: oncall?.ok ? oncall.value : undefined,
      grafanaPanels: this.#config.grafanaPanels.map(p => ({
        title: p.title,
        url: fillTemplate(p.url, vars),
      })),
    };
  }

  async #entity(ref: string): Promise<Entity | undefined> {
    const hit = this.#cache.get(ref);
    if (hit) return hit;
    const entity = this.#auth
      .getOwnServiceCredentials()
      .then(credentials => this.#catalog.getEntityByRef(ref, { credentials }));
    this.#cache.set(ref, entity);
    // A failed lookup is not cached: the next message asks again.
    entity.catch(() => this.#cache.delete(ref));
    return entity;
  }
}

function displayName(entity: Entity): string {
  const profile = (entity.spec as { profile?: { displayName?: string } })
    ?.profile;
  return profile?.displayName ?? entity.metadata.title ?? entity.metadata.name;
}

/** `{{name}}` placeholders, URL-encoded, in a configured link. */
export function fillTemplate(
  template: string,
  vars: Record<string, string>,
): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) =>
    // Own keys only: `{{constructor}}` must not fill in Object.prototype's.
    Object.hasOwn(vars, key) ? encodeURIComponent(vars[key]) : whole,
  );
}
