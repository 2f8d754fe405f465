import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChecklistReader } from './ChecklistReader';
import { MAX_CHECKLIST_BYTES } from './parseChecklist';

const CHECKLIST = '## Pre-release\n- [ ] Flags off (required)\n';
const URL =
  'https://github.com/acme/payments/tree/abc1234/RELEASE_CHECKLIST.md';

/** A UrlReader that answers from a map, or throws what a host would. */
function urlReader(answer: Buffer | Error): UrlReaderService {
  return {
    async readUrl(url: string) {
      if (answer instanceof Error) throw answer;
      expect(url).toBe(URL);
      return { buffer: async () => answer };
    },
    async readTree() {
      throw new Error('not used');
    },
    async search() {
      throw new Error('not used');
    },
  };
}

const at = {
  ok: true as const,
  type: 'url' as const,
  target: URL,
  commit: 'abc1234',
};

describe('ChecklistReader', () => {
  it('reads, parses and fingerprints a checklist through the UrlReader', async () => {
    const reader = new ChecklistReader({
      urlReader: urlReader(Buffer.from(CHECKLIST)),
    });
    expect(await reader.read(at)).toEqual({
      ok: true,
      source: URL,
      commit: 'abc1234',
      contentSha256: createHash('sha256').update(CHECKLIST).digest('hex'),
      checklist: {
        sections: [
          {
            phase: 'pre',
            title: 'Pre-release',
            items: [
              {
                id: 'pre.flags-off',
                text: 'Flags off',
                required: true,
                line: 2,
              },
            ],
          },
        ],
        warnings: [],
      },
    });
  });

  it('reads a local file beside a local catalog file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checklist-'));
    const file = path.join(dir, 'RELEASE_CHECKLIST.md');
    fs.writeFileSync(file, CHECKLIST);
    const reader = new ChecklistReader({
      urlReader: urlReader(new Error('unused')),
    });
    const read = await reader.read({ ok: true, type: 'file', target: file });
    expect(read).toMatchObject({ ok: true, source: file });
    expect(
      await reader.read({ ok: true, type: 'file', target: `${file}.x.md` }),
    ).toEqual({
      ok: false,
      retryable: false,
      reason: `no checklist at ${file}.x.md: add one (the plugin's templates/RELEASE_CHECKLIST.md is a start) or point the release-ledger/checklist annotation at it`,
    });
  });

  it.each([
    [
      'a missing file',
      new NotFoundError('404'),
      false,
      `no checklist at ${URL}: add one`,
    ],
    [
      'a refused read',
      new NotAllowedError('not in backend.reading.allow'),
      false,
      `the portal may not read ${URL}: not in backend.reading.allow`,
    ],
    [
      'a host that is away',
      Object.assign(new Error('connect ECONNREFUSED'), {
        code: 'ECONNREFUSED',
      }),
      true,
      `reading ${URL} failed: connect ECONNREFUSED`,
    ],
  ])(
    'says what went wrong with %s, and whether to try again',
    async (_what, error, retryable, reason) => {
      const reader = new ChecklistReader({ urlReader: urlReader(error) });
      const read = await reader.read(at);
      expect(read).toEqual({
        ok: false,
        retryable,
        reason: expect.stringContaining(reason),
      });
    },
  );

  it('refuses a file that is too big or not a checklist, naming the file', async () => {
    const big = new ChecklistReader({
      urlReader: urlReader(Buffer.alloc(MAX_CHECKLIST_BYTES + 1, 'a')),
    });
    expect(await big.read(at)).toEqual({
      ok: false,
      retryable: false,
      reason: `${URL}: the checklist is 65 KiB; at most 64 KiB is read`,
    });
    const notAChecklist = new ChecklistReader({
      urlReader: urlReader(Buffer.from('# Notes\n')),
    });
    expect(await notAChecklist.read(at)).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining(
        `${URL}: no pre-release, during-release or post-release section`,
      ),
    });
  });

  it('passes on a location that could not be resolved', async () => {
    const reader = new ChecklistReader({
      urlReader: urlReader(new Error('unused')),
    });
    expect(await reader.read({ ok: false, reason: 'no location' })).toEqual({
      ok: false,
      reason: 'no location',
      retryable: false,
    });
  });
});
