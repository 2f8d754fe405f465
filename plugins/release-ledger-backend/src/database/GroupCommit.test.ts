import { GroupCommit } from './GroupCommit';

/** A commit function that records every transaction it was asked for. */
function recordingCommit(options: { failWhen?: (items: number[]) => boolean }) {
  const transactions: number[][] = [];
  let release: () => void = () => {};
  let gate = Promise.resolve();
  const commit = async (items: number[]) => {
    transactions.push(items);
    await gate;
    if (options.failWhen?.(items)) throw new Error(`failed: ${items}`);
    return items.map(i => i * 10);
  };
  return {
    commit,
    transactions,
    /** Holds every commit until `open()` is called. */
    hold() {
      gate = new Promise(resolve => {
        release = resolve;
      });
    },
    open() {
      release();
    },
  };
}

describe('GroupCommit', () => {
  it('commits a lone caller at once, in a transaction of its own', async () => {
    const db = recordingCommit({});
    const group = new GroupCommit(db.commit, { maxItems: 100 });
    await expect(group.submit([1, 2])).resolves.toEqual([10, 20]);
    expect(db.transactions).toEqual([[1, 2]]);
  });

  it('commits callers of the same event-loop turn together, answering each its own results', async () => {
    const db = recordingCommit({});
    const group = new GroupCommit(db.commit, { maxItems: 100 });
    const first = group.submit([1]);
    const second = group.submit([2, 3]);
    const third = group.submit([4]);
    await expect(first).resolves.toEqual([10]);
    await expect(second).resolves.toEqual([20, 30]);
    await expect(third).resolves.toEqual([40]);
    expect(db.transactions).toEqual([[1, 2, 3, 4]]);
  });

  it('commits callers that arrive during a commit together in the next transaction', async () => {
    const db = recordingCommit({});
    const group = new GroupCommit(db.commit, { maxItems: 100 });
    db.hold();
    const first = group.submit([1]);
    await new Promise(resolve => setImmediate(resolve)); // the first commit has started
    const second = group.submit([2]);
    const third = group.submit([3]);
    db.open();
    await expect(Promise.all([first, second, third])).resolves.toEqual([
      [10],
      [20],
      [30],
    ]);
    expect(db.transactions).toEqual([[1], [2, 3]]);
  });

  it('keeps groups within maxItems, never splitting one caller', async () => {
    const db = recordingCommit({});
    const group = new GroupCommit(db.commit, { maxItems: 3 });
    const calls = [[1], [2, 3], [4, 5], [6, 7, 8, 9]].map(items =>
      group.submit(items),
    );
    await expect(Promise.all(calls)).resolves.toEqual([
      [10],
      [20, 30],
      [40, 50],
      [60, 70, 80, 90],
    ]);
    expect(db.transactions).toEqual([
      [1, 2, 3],
      [4, 5],
      [6, 7, 8, 9],
    ]);
  });

  it('retries callers alone when their group fails, so only the failing caller sees the error', async () => {
    const db = recordingCommit({ failWhen: items => items.includes(66) });
    const group = new GroupCommit(db.commit, { maxItems: 100 });
    const good = group.submit([2]);
    const bad = group.submit([66]);
    const alsoGood = group.submit([3]);
    await expect(good).resolves.toEqual([20]);
    await expect(bad).rejects.toThrow('failed: 66');
    await expect(alsoGood).resolves.toEqual([30]);
    expect(db.transactions).toEqual([[2, 66, 3], [2], [66], [3]]);
  });

  it('keeps working after a failure', async () => {
    const db = recordingCommit({ failWhen: items => items.includes(66) });
    const group = new GroupCommit(db.commit, { maxItems: 100 });
    await expect(group.submit([66])).rejects.toThrow('failed: 66');
    await expect(group.submit([5])).resolves.toEqual([50]);
  });
});
