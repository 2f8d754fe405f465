/*
 * The fake Slack of the comms benchmark (child process of bench/comms/run.js):
 * the tests' fake Slack Web API server
 * (@release-ledger/test-utils, packages/test-utils) in a process
 * of its own, so Slack's answers do not share an event loop with the
 * backends that post to it.
 *
 *   node --require @backstage/cli-node/config/nodeTransform.cjs bench/comms/slack.ts
 *
 * It enforces `perChannelPostsPerSecond` (1, as Slack documents for
 * chat.postMessage): a post to a channel less than a second after the
 * previous accepted one is answered 429 + Retry-After and counted as a
 * violation. Driven over IPC by run.js:
 *   { id, cmd: 'reset' }   forget messages, calls and rate-limit state
 *   { id, cmd: 'report' }  every stored message and call, stats, duplicates,
 *                          the id of each of the bench's channels
 *   { id, cmd: 'close' }   stop the server and exit
 * Answers `{ id, ... }`; sends `{ type: 'ready', apiUrl }` once listening.
 */
/* eslint-disable no-console */
import { FakeSlack, startFakeSlack } from '@release-ledger/test-utils';

type Settings = {
  postsPerSecond: number;
  token: string;
  /** The bench's channel names, whose ids the report maps. */
  channels: string[];
};
type Command = { id: number; cmd: 'reset' | 'report' | 'close' };

const S: Settings = JSON.parse(process.env.BENCH_SLACK ?? '{}');

/** What run.js needs of a stored message to check threads and timing. */
function compactMessages(fake: FakeSlack) {
  return fake.allMessages().map(m => {
    const payload = m.metadata?.event_payload ?? {};
    return {
      channel: m.channel,
      ts: m.ts,
      threadTs: m.threadTs,
      outboxId:
        payload.outbox_id === undefined ? undefined : String(payload.outbox_id),
      releaseId:
        payload.release_id === undefined
          ? undefined
          : String(payload.release_id),
      postedAt: m.postedAt,
      updatedAt: m.updatedAt,
      updates: m.updates,
      // The status line of a parent card as it reads now.
      status: m.threadTs
        ? undefined
        : /\*Status\*\n([^\n"]*)/.exec(
            (m.blocks ?? [])
              .flatMap(b => (b.fields as Array<{ text?: string }>) ?? [])
              .map(f => f.text ?? '')
              .join('\n'),
          )?.[1],
    };
  });
}

async function main() {
  const fake = await startFakeSlack({
    perChannelPostsPerSecond: S.postsPerSecond,
    token: S.token,
  });
  process.on('message', async (message: Command) => {
    const reply = (body: object) =>
      new Promise<void>(resolve =>
        process.send!({ id: message.id, ...body }, undefined, {}, () =>
          resolve(),
        ),
      );
    switch (message.cmd) {
      case 'reset':
        fake.reset();
        reply({});
        break;
      case 'report':
        reply({
          stats: fake.stats(),
          duplicates: fake.duplicates().length,
          // Messages and calls name channels by id; the ledger by name.
          channelIds: Object.fromEntries(
            S.channels.map(name => [name, fake.channelId(name)]),
          ),
          messages: compactMessages(fake),
          calls: fake.calls().map(c => ({
            method: c.method,
            channel: c.channel,
            at: c.at,
            status: c.status,
            ok: c.ok,
            error: c.error,
            violation: c.violation,
          })),
        });
        break;
      case 'close':
        await fake.close();
        await reply({});
        process.exit(0);
        break;
      default:
        reply({ error: `unknown command ${JSON.stringify(message)}` });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ type: 'ready', apiUrl: fake.apiUrl });
}

main().catch(error => {
  console.error(`[slack] ${error?.stack ?? error}`);
  process.exit(1);
});
