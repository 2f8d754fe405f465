import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { isError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import type { ChecklistLocation } from './checklistLocation';
import type { Checklist } from '@release-ledger/plugin-release-ledger-common';
import {
  ChecklistParseError,
  MAX_CHECKLIST_BYTES,
  parseChecklist,
} from './parseChecklist';

/** A checklist read from its location: what is pinned to a release. */
export type ReadChecklist =
  | {
      ok: true;
      checklist: Checklist;
      /** What was read (the URL or the local path). */
      source: string;
      /** The commit the source was pinned to, when it was. */
      commit?: string;
      /** sha256 of the file as read: the pinned version. */
      contentSha256: string;
    }
  | {
      ok: false;
      /** Said to the team: names the file and what to do. */
      reason: string;
      /**
       * The host was away or refused for now: try again later. Otherwise the
       * file is missing or not a checklist until someone changes it.
       */
      retryable: boolean;
    };

/**
 * Reads and parses checklists with Backstage's UrlReader (every SCM
 * integration the portal has) or, beside a local catalog file, from disk.
 */
export class ChecklistReader {
  readonly #urlReader: UrlReaderService;

  constructor(options: { urlReader: UrlReaderService }) {
    this.#urlReader = options.urlReader;
  }

  async read(location: ChecklistLocation): Promise<ReadChecklist> {
    if (!location.ok)
      return { ok: false, reason: location.reason, retryable: false };
    let content: Buffer;
    try {
      content =
        location.type === 'file'
          ? await fs.readFile(location.target)
          : await (await this.#urlReader.readUrl(location.target)).buffer();
    } catch (error) {
      const name = isError(error) ? error.name : undefined;
      const missing =
        name === NotFoundError.name ||
        (error as NodeJS.ErrnoException)?.code === 'ENOENT';
      if (missing) {
        return {
          ok: false,
          reason: `no checklist at ${location.target}: add one (the plugin's templates/RELEASE_CHECKLIST.md is a start) or point the release-ledger/checklist annotation at it`,
          retryable: false,
        };
      }
      if (name === NotAllowedError.name) {
        return {
          ok: false,
          reason: `the portal may not read ${location.target}: ${
            (error as Error).message
          } (check the integration's credentials and the backend.reading.allow list)`,
          retryable: false,
        };
      }
      return {
        ok: false,
        reason: `reading ${location.target} failed: ${
          (error as Error)?.message ?? String(error)
        }`,
        retryable: true,
      };
    }
    if (content.length > MAX_CHECKLIST_BYTES) {
      return {
        ok: false,
        reason: `${location.target}: the checklist is ${Math.ceil(
          content.length / 1024,
        )} KiB; at most ${MAX_CHECKLIST_BYTES / 1024} KiB is read`,
        retryable: false,
      };
    }
    try {
      return {
        ok: true,
        checklist: parseChecklist(content.toString('utf8')),
        source: location.target,
        ...(location.commit ? { commit: location.commit } : {}),
        contentSha256: createHash('sha256').update(content).digest('hex'),
      };
    } catch (error) {
      if (error instanceof ChecklistParseError) {
        return {
          ok: false,
          reason: `${location.target}: ${error.message}`,
          retryable: false,
        };
      }
      throw error;
    }
  }
}
