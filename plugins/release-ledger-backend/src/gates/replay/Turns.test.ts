import { Turns } from './Turns';

/** A task that runs until the test lets it finish. */
function task(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>(resolve => {
    finish = resolve;
  });
  const run = async () => {
    log.push(`start ${name}`);
    await done;
    log.push(`end ${name}`);
    return name;
  };
  return { run, finish };
}

const settle = () => new Promise(setImmediate);

describe('Turns', () => {
  it('runs at most the limit at once, the others in the order they came', async () => {
    const turns = new Turns(2);
    const log: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(n => task(log, n));
    const results = [a, b, c, d].map(t => turns.run(t.run));
    await settle();
    expect(log).toEqual(['start a', 'start b']);
    b.finish();
    await settle();
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    a.finish();
    c.finish();
    d.finish();
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(log.filter(l => l.startsWith('start'))).toEqual([
      'start a',
      'start b',
      'start c',
      'start d',
    ]);
  });

  it('frees the turn of a task that fails', async () => {
    const turns = new Turns(1);
    await expect(
      turns.run(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(turns.run(async () => 'next')).resolves.toBe('next');
  });
});
