import { deriveEventId } from './deriveEventId';

describe('deriveEventId', () => {
  it('ignores key order and the eventId field, and changes with the content', () => {
    const a = deriveEventId({
      type: 'promoted',
      releaseId: 'r1',
      attributes: { x: 1, y: 2 },
    });
    const b = deriveEventId({
      attributes: { y: 2, x: 1 },
      releaseId: 'r1',
      type: 'promoted',
    });
    expect(a).toBe(b);
    expect(
      deriveEventId({
        type: 'promoted',
        releaseId: 'r2',
        attributes: { x: 1, y: 2 },
      }),
    ).not.toBe(a);
    expect(
      deriveEventId({
        type: 'promoted',
        releaseId: 'r1',
        attributes: { x: 1, y: 3 },
      }),
    ).not.toBe(a);
    expect(a).toMatch(/^derived-[0-9a-f]{40}$/);
  });
});
