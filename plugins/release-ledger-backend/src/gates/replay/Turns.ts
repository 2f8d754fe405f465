/** Lets at most `limit` callers run at a time; the others wait in order. */
export class Turns {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#free = limit;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#free > 0) {
      this.#free -= 1;
    } else {
      await new Promise<void>(resolve => this.#waiting.push(resolve));
    }
    try {
      return await fn();
    } finally {
      // The turn passes straight to the next waiter, or back to the pool.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    }
  }
}
