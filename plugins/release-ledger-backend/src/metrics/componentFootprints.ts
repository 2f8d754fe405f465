import type {
  DoraFootprintTimes,
  Release,
  ReleaseFootprint,
} from '@release-ledger/plugin-release-ledger-common';
import type { ComponentFootprintRow, FootprintRow } from '../database/tables';
import type { FootprintScope } from './DatabaseMetricsStore';
import {
  fromFootprintRow,
  packFootprint,
  PackedValue,
  walkPackedFootprints,
} from './footprints';

/*
 * A release deploys its own entity and the other entities its
 * `release_started` lists (`Release.components`). Each of them deployed it:
 *
 * - a component's metrics (entity scope) count the release as one of its
 *   deployments, with the release's times: its promotion, the lead times
 *   of its changes, its failure and restore, whether it is rework;
 * - a team, a system and the org count a release once, however many of the
 *   entities it deploys they hold: the org once; a group (with its child
 *   groups) when it owns the release's entity or any of its components; a
 *   team row and a contributing system likewise.
 *
 * A component's owner and System are those of when the release started,
 * as the release's own are: looked up in the catalog when its footprint is
 * first written (a second after the start, by the deferred projection), and
 * kept. So each component has a row of its own beside the release's
 * footprint (release_ledger_component_footprints): the release's footprint
 * with the component's refs. Its packed form leads with what a read needs
 * to count the release once: the release's id, its own owner (is the
 * release's own footprint in this read?) and its own system key (does that
 * footprint already count for this system?):
 *
 *   releaseId,releaseOwner,releaseSystemKey,<the component's packFootprint>
 *
 * all three JSON strings (releaseOwner `null` when unknown; the system key
 * is the release's System, or its entity when it has none, as top
 * contributors key it).
 */

/** The values a packed component footprint leads with. */
const COMPONENT_LEADING = 3;

/** A component's catalog facts when a release that deploys it started. */
export type ComponentFacts = { ownerRef?: string; systemRef?: string };

/** A component a release deploys, with its facts. */
export type DeployedComponent = ComponentFacts & { entityRef: string };

/** The release a packed component footprint belongs to. */
export type PackedRelease = {
  releaseId: string;
  /** The release's own owner. */
  ownerRef: string | undefined;
  /** The release's own System, or its entity without one. */
  systemKey: string;
};

/** The components a release deploys besides its own entity, each once. */
export function componentsOf(
  release: Pick<Release, 'entityRef' | 'components'>,
): string[] {
  return [...new Set(release.components ?? [])].filter(
    ref => ref !== release.entityRef,
  );
}

/** The footprint of a release as one of its components sees it. */
export function packComponentFootprint(
  release: ReleaseFootprint,
  component: DeployedComponent,
): string {
  return [
    JSON.stringify(release.releaseId),
    JSON.stringify(release.ownerRef ?? null),
    JSON.stringify(release.systemRef ?? release.entityRef),
    packFootprint({
      ...release,
      entityRef: component.entityRef,
      ownerRef: component.ownerRef,
      systemRef: component.systemRef,
    }),
  ].join(',');
}

/** A component's row, from the release's own footprint row. */
export function componentFootprintRow(
  own: Omit<FootprintRow, 'packed'>,
  component: DeployedComponent,
): ComponentFootprintRow {
  return {
    release_id: own.release_id,
    entity_ref: component.entityRef,
    owner_ref: component.ownerRef ?? null,
    system_ref: component.systemRef ?? null,
    activity_at: own.activity_at,
    packed: packComponentFootprint(fromFootprintRow(own), component),
  };
}

/**
 * Walks parsed packed component footprints (see packComponentFootprint):
 * as forEachPackedFootprint, with the release each belongs to (one reused
 * object). Answers how many it read; throws on a malformed list.
 */
export function forEachPackedComponentFootprint(
  values: ArrayLike<PackedValue>,
  each: (
    release: PackedRelease,
    ownerRef: string | undefined,
    entityRef: string,
    times: DoraFootprintTimes,
    systemRef: string | undefined,
  ) => void,
): number {
  const release: PackedRelease = {
    releaseId: '',
    ownerRef: undefined,
    systemKey: '',
  };
  return walkPackedFootprints(
    values,
    COMPONENT_LEADING,
    (ownerRef, entityRef, times, systemRef, at) => {
      const [id, owner, systemKey] = [
        values[at],
        values[at + 1],
        values[at + 2],
      ];
      if (
        typeof id !== 'string' ||
        !(owner === null || typeof owner === 'string') ||
        typeof systemKey !== 'string'
      ) {
        throw new Error(`packed footprints: expected a release at ${at}`);
      }
      release.releaseId = id;
      release.ownerRef = owner ?? undefined;
      release.systemKey = systemKey;
      each(release, ownerRef, entityRef, times, systemRef);
    },
  );
}

/**
 * Whether a scope's read holds a release's own footprint, by the release's
 * owner: the org's always; an entity's never beside a component's (a
 * release's components are other entities); a group's when the release's
 * owner is one of its groups.
 */
export function ownFootprintInScope(
  scope: FootprintScope,
): (releaseOwnerRef: string | undefined) => boolean {
  switch (scope.kind) {
    case 'org':
      return () => true;
    case 'entity':
      return () => false;
    case 'owners': {
      const owners = new Set(scope.ownerRefs);
      return ownerRef => ownerRef !== undefined && owners.has(ownerRef);
    }
    default:
      throw new Error(`unknown scope ${JSON.stringify(scope)}`);
  }
}
