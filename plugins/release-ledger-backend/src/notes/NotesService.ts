import type { AuthService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  ReleaseNotes,
  ReleaseWithEvents,
} from '@release-ledger/plugin-release-ledger-common';
import type { ReleaseLedgerStore } from '../ledger/ReleaseLedgerStore';
import { buildReleaseNotes, ReleaseNotesCommit } from './buildReleaseNotes';
import type { NotesConfig } from './notesConfig';
import { renderNotesMarkdown } from './renderNotesMarkdown';

const GITHUB_SLUG = 'github.com/project-slug';

type NotesServiceOptions = {
  ledger: Pick<ReleaseLedgerStore, 'getRelease'>;
  catalog: CatalogService;
  auth: AuthService;
  config: NotesConfig;
};

/**
 * A release's notes, built when asked from its events (so they follow the
 * configured rules and whatever was linked since): the commits its
 * `release_started` lists, or — for a release that lists none — its merged
 * PRs' titles, which squash-merging teams write as conventional headers.
 */
export class NotesService {
  readonly #o: NotesServiceOptions;

  constructor(options: NotesServiceOptions) {
    this.#o = options;
  }

  /** The notes of a release; undefined when the release is unknown. */
  async get(releaseId: string): Promise<ReleaseNotes | undefined> {
    const release = await this.#o.ledger.getRelease(releaseId);
    return release ? this.notesOf(release) : undefined;
  }

  /** The notes as a CHANGELOG section (markdown); undefined when the release is unknown. */
  async markdown(releaseId: string): Promise<string | undefined> {
    const release = await this.#o.ledger.getRelease(releaseId);
    if (!release) return undefined;
    return renderNotesMarkdown(await this.notesOf(release), {
      title: release.version
        ? `${release.releaseId} (${release.version})`
        : release.releaseId,
      date: (
        release.promotedAt ??
        release.startedAt ??
        release.firstEventAt
      ).slice(0, 10),
    });
  }

  async notesOf(release: ReleaseWithEvents): Promise<ReleaseNotes> {
    const started = release.events.find(e => e.type === 'release_started');
    const listed =
      started?.type === 'release_started'
        ? started.attributes.commits
        : undefined;
    const commits: ReleaseNotesCommit[] =
      listed ??
      [...release.changes].reverse().map(c => ({
        sha: c.commit ?? '',
        subject: c.title,
        author: c.author,
        prNumber: c.prNumber,
      }));
    const urls = new Map(
      release.changes.flatMap(c =>
        c.prNumber !== undefined && c.url ? [[c.prNumber, c.url] as const] : [],
      ),
    );
    const slug = await this.#slugOf(release.entityRef);
    return buildReleaseNotes({
      releaseId: release.releaseId,
      commits,
      commitCount:
        started?.type === 'release_started'
          ? started.attributes.commitCount
          : undefined,
      prUrl: n =>
        urls.get(n) ??
        (slug ? `https://github.com/${slug}/pull/${n}` : undefined),
      maxNonConventionalShare: this.#o.config.maxNonConventionalShare,
      lintRules: this.#o.config.lintRules,
    });
  }

  /** The entity's GitHub repository, for PR links; none when the catalog cannot say. */
  async #slugOf(entityRef: string): Promise<string | undefined> {
    try {
      const entity = await this.#o.catalog.getEntityByRef(entityRef, {
        credentials: await this.#o.auth.getOwnServiceCredentials(),
      });
      const slug = entity?.metadata.annotations?.[GITHUB_SLUG];
      return slug && /^[\w.-]+\/[\w.-]+$/.test(slug) ? slug : undefined;
    } catch {
      // Links are a convenience: notes without them beat no notes.
      return undefined;
    }
  }
}
