import { createLedgerStore } from '../../__testUtils__/ledgerStore';
import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../../__testUtils__/testLedger';
import { bulkWriterFor } from '../../database/bulkWrites';
import { enqueueMessages, OUTBOX_TABLE } from './OutboxStore';
import type { OutboxIntent } from './planMessages';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const card = (releaseId: string, orderAt: string): OutboxIntent => ({
  dedupeKey: `card:${releaseId}`,
  kind: 'card',
  releaseId,
  orderAt,
});

describe.each(databases.eachSupportedId())('enqueueMessages on %p', id => {
  async function setUp() {
    const knex = await databases.init(id);
    // Runs the migrations.
    await createLedgerStore({
      database: mockServices.database({ knex }),
    });
    const enqueue = (intents: OutboxIntent[], now: string) =>
      knex.transaction(tx =>
        enqueueMessages(tx, bulkWriterFor(knex), intents, now),
      );
    const rows = () =>
      knex(OUTBOX_TABLE)
        .orderBy('dedupe_key')
        .select('dedupe_key', 'generation', 'state', 'order_at', 'updated_at');
    return { knex, enqueue, rows };
  }

  it('re-arms each card once per batch, however many releases it touches, and adds other messages once', async () => {
    const { knex, enqueue, rows } = await setUp();
    const reply: OutboxIntent = {
      dedupeKey: 'reply:e1',
      kind: 'reply',
      releaseId: 'r1',
      eventId: 'e1',
      orderAt: '2026-11-27T10:00:00.000Z',
    };
    await enqueue(
      [
        reply,
        card('r1', '2026-11-27T10:00:00.000Z'),
        card('r2', '2026-11-27T10:01:00.000Z'),
      ],
      '2026-11-27T10:00:05.000Z',
    );
    // r1's card was sent meanwhile; the next batch must re-arm it.
    await knex(OUTBOX_TABLE)
      .where('dedupe_key', 'card:r1')
      .update({ state: 'delivered' });

    const cards = Array.from({ length: 700 }, (_, i) =>
      card(
        `r${i + 1}`,
        `2026-11-27T11:${String(i % 60).padStart(2, '0')}:00.000Z`,
      ),
    );
    // The same card twice in one batch counts once, as given last.
    cards.push(card('r2', '2026-11-27T12:00:00.000Z'));
    await enqueue([reply, ...cards], '2026-11-27T12:00:05.000Z');

    const all = await rows();
    expect(all).toHaveLength(701); // 700 cards + the reply, no duplicates
    const byKey = new Map(all.map(r => [r.dedupe_key, r]));
    // Generations start at 1; a re-armed card is one further.
    expect(byKey.get('card:r1')).toMatchObject({
      generation: 2,
      state: 'pending',
      order_at: '2026-11-27T11:00:00.000Z',
      updated_at: '2026-11-27T12:00:05.000Z',
    });
    expect(byKey.get('card:r2')).toMatchObject({
      generation: 2,
      order_at: '2026-11-27T12:00:00.000Z',
    });
    expect(byKey.get('card:r700')).toMatchObject({
      generation: 1,
      state: 'pending',
    });
    expect(byKey.get('reply:e1')).toMatchObject({
      generation: 1,
      updated_at: '2026-11-27T10:00:05.000Z',
    });
  });
});
