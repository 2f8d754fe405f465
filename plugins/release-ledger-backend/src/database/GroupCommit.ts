/**
 * Group commit: callers that arrive while a commit is running are queued and
 * committed together in the next transaction, each getting its own answer
 * only after that transaction has committed.
 *
 * Why: with one event per request, a transaction (and its fsync on SQLite,
 * its round trips on PostgreSQL) per request dominates the cost of ingest.
 * Under load, concurrent requests share one. Durability is unchanged: nobody
 * is answered before the commit that holds their items.
 *
 * A commit starts on `setImmediate`, i.e. right after the event loop has
 * handled the I/O that is ready, not on a timer: every request read in the
 * same turn joins, and a lone request waits no longer than that turn. This
 * matters on SQLite, where better-sqlite3 is synchronous and a whole
 * transaction runs without giving the event loop a turn, so callers could
 * never arrive "during" a commit.
 *
 * When a grouped commit fails, each caller is retried in a transaction of its
 * own, so one caller's failure (a constraint, a lock time-out) is reported to
 * that caller only.
 */
export class GroupCommit<T, R> {
  readonly #commit: (items: T[]) => Promise<R[]>;
  readonly #maxItems: number;
  #queue: Array<Waiting<T, R>> = [];
  #running = false;

  /**
   * @param commit - commits all items in one transaction; answers one result per item, in order
   * @param options.maxItems - upper bound for one grouped transaction
   */
  constructor(
    commit: (items: T[]) => Promise<R[]>,
    options: { maxItems: number },
  ) {
    this.#commit = commit;
    this.#maxItems = options.maxItems;
  }

  submit(items: T[]): Promise<R[]> {
    return new Promise<R[]>((resolve, reject) => {
      this.#queue.push({ items, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain() {
    try {
      while (this.#queue.length > 0) {
        const group = this.#takeGroup();
        await this.#commitGroup(group);
      }
    } finally {
      this.#running = false;
    }
  }

  /** Takes waiting callers in arrival order, up to maxItems (always at least one). */
  #takeGroup(): Array<Waiting<T, R>> {
    const group: Array<Waiting<T, R>> = [];
    let size = 0;
    while (this.#queue.length > 0) {
      const next = this.#queue[0];
      if (group.length > 0 && size + next.items.length > this.#maxItems) break;
      group.push(this.#queue.shift()!);
      size += next.items.length;
    }
    return group;
  }

  async #commitGroup(group: Array<Waiting<T, R>>) {
    if (group.length === 1) {
      await this.#commitAlone(group[0]);
      return;
    }
    let results: R[];
    try {
      results = await this.#commit(group.flatMap(w => w.items));
    } catch {
      // Nothing of the group was committed; find out whose items failed.
      for (const waiting of group) await this.#commitAlone(waiting);
      return;
    }
    let offset = 0;
    for (const waiting of group) {
      waiting.resolve(results.slice(offset, offset + waiting.items.length));
      offset += waiting.items.length;
    }
  }

  async #commitAlone(waiting: Waiting<T, R>) {
    try {
      waiting.resolve(await this.#commit(waiting.items));
    } catch (error) {
      waiting.reject(error);
    }
  }
}

type Waiting<T, R> = {
  items: T[];
  resolve: (results: R[]) => void;
  reject: (error: unknown) => void;
};
