import {
  ANNOTATION_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  Entity,
  parseLocationRef,
} from '@backstage/catalog-model';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import path from 'node:path';
import { RELEASE_LEDGER_ANNOTATIONS } from '@release-ledger/plugin-release-ledger-common';

/** The file read when an entity has no `release-ledger/checklist` annotation. */
export const DEFAULT_CHECKLIST_FILE = 'RELEASE_CHECKLIST.md';

/** Where an entity's checklist is, for Backstage's UrlReader. */
export type ChecklistLocation =
  | {
      ok: true;
      /** What to read: a URL, or a local file path for `file` locations. */
      target: string;
      type: 'url' | 'file';
      /**
       * The commit the target is pinned to, when the release's commit is
       * known and the host's URLs name a ref that could be replaced.
       * Otherwise the target is the file as its location names it (usually
       * the default branch), and the pinned copy records what was read.
       */
      commit?: string;
    }
  | { ok: false; reason: string };

/**
 * Resolves an entity's checklist: the annotation's value (a path relative to
 * the entity's catalog file, or an absolute URL), else
 * `RELEASE_CHECKLIST.md` beside the catalog file. With `commit`, a URL whose
 * path names its ref (`…/blob/<ref>/…` on GitHub and Gitea, `…/-/blob/<ref>/…`
 * on GitLab, `…/src/<ref>/…` on Bitbucket Cloud) is pinned to that commit.
 * Other links (query-string refs, a branch whose name has a slash: where it
 * ends cannot be told from the URL) are read as they are.
 */
export function resolveChecklistLocation(
  entity: Entity,
  integrations: ScmIntegrationRegistry,
  options: { commit?: string } = {},
): ChecklistLocation {
  const annotations = entity.metadata.annotations ?? {};
  const configured = annotations[RELEASE_LEDGER_ANNOTATIONS.checklist]?.trim();
  const base =
    annotations[ANNOTATION_LOCATION] ?? annotations[ANNOTATION_SOURCE_LOCATION];

  if (configured && /^[a-z][a-z0-9+.-]*:\/\//i.test(configured)) {
    return pinned({ ok: true, type: 'url', target: configured }, options);
  }
  if (configured?.startsWith('url:')) {
    return pinned(
      { ok: true, type: 'url', target: configured.slice(4) },
      options,
    );
  }
  if (!base) {
    return {
      ok: false,
      reason: `the entity has neither a "${ANNOTATION_LOCATION}" annotation nor an absolute URL in "${RELEASE_LEDGER_ANNOTATIONS.checklist}", so there is nothing to resolve the checklist against`,
    };
  }
  let location: { type: string; target: string };
  try {
    location = parseLocationRef(base);
  } catch (error) {
    return {
      ok: false,
      reason: `the entity's location "${base}" is not a location reference: ${
        (error as Error).message
      }`,
    };
  }
  const relative = configured || DEFAULT_CHECKLIST_FILE;
  if (location.type === 'file') {
    // Local catalog files (the dev portal): a markdown file at or below the
    // catalog file's directory, so an annotation cannot read any file the
    // backend can.
    const dir = path.dirname(path.resolve(location.target));
    const target = path.resolve(dir, relative);
    if (
      !target.startsWith(`${dir}${path.sep}`) ||
      !/\.(md|markdown)$/i.test(target)
    ) {
      return {
        ok: false,
        reason: `beside a local catalog file the checklist must be a markdown file in its directory or below; "${relative}" is not`,
      };
    }
    return { ok: true, type: 'file', target };
  }
  if (location.type !== 'url') {
    return {
      ok: false,
      reason: `the entity's location "${base}" is of type "${location.type}"; the checklist can be read beside "url" and "file" locations, or set "${RELEASE_LEDGER_ANNOTATIONS.checklist}" to an absolute URL`,
    };
  }
  const target = integrations.resolveUrl({
    url: relative,
    base: location.target,
  });
  return pinned({ ok: true, type: 'url', target }, options);
}

/** The ref segment of an SCM host's file link: `/blob/<ref>/`, `/-/blob/<ref>/`, `/src/<ref>/`. */
const REF_IN_URL = /(\/(?:-\/)?(?:blob|tree|raw|src)\/)([^/]+)(\/)/;

function pinned(
  location: Extract<ChecklistLocation, { ok: true }>,
  options: { commit?: string },
): ChecklistLocation {
  const commit = options.commit?.trim();
  if (!commit || !/^[0-9a-f]{7,64}$/i.test(commit)) return location;
  if (!REF_IN_URL.test(location.target)) return location;
  return {
    ...location,
    target: location.target.replace(
      REF_IN_URL,
      (_m, before: string, _ref: string, after: string) =>
        `${before}${commit}${after}`,
    ),
    commit,
  };
}
