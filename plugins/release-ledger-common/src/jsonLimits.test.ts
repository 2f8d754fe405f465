import { findJsonProblem, NUL_MESSAGE } from './jsonLimits';
import { validateReleaseEvent } from './events';

describe('findJsonProblem', () => {
  it.each([
    [{ a: 'fine', b: [1, true, null, { c: 'x' }] }, 3, undefined],
    [{ a: 'x\u0000' }, 5, { field: 'a', message: NUL_MESSAGE }],
    [{ a: [0, 'ok', 'n\u0000'] }, 5, { field: 'a[2]', message: NUL_MESSAGE }],
    [{ ['k\u0000']: 1 }, 5, { field: 'k\\u0000', message: NUL_MESSAGE }],
    [{ a: Infinity }, 5, { field: 'a', message: 'must be a finite number' }],
    [{ a: [NaN] }, 5, { field: 'a[0]', message: 'must be a finite number' }],
    [
      { a: { b: { c: {} } } },
      3,
      { field: 'a.b.c', message: 'must not nest deeper than 3 levels' },
    ],
    [{ a: { b: { c: 1 } } }, 3, undefined],
    ['\u0000', 1, { field: '(body)', message: NUL_MESSAGE }],
  ])('%p (max depth %p) → %p', (value, maxDepth, expected) => {
    expect(findJsonProblem(value, '', maxDepth)).toEqual(expected);
  });

  it('walks 100,000 levels without growing its own stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findJsonProblem(deep, 'x', 200_000)).toBeUndefined();
    expect(findJsonProblem(deep, 'x', 2)?.message).toBe(
      'must not nest deeper than 2 levels',
    );
  });

  it('names a long key by its start only', () => {
    const key = 'k'.repeat(500);
    expect(findJsonProblem({ [key]: 'a\u0000' }, 'attributes', 5)?.field).toBe(
      `attributes.${'k'.repeat(50)}…`,
    );
  });
});

describe('validateReleaseEvent on hostile values', () => {
  const base = {
    type: 'pr_merged',
    releaseId: 'payments-api@1',
    attributes: { prNumber: 1, title: 'Fix' },
  };

  it.each([
    // eslint-disable-next-line no-script-url -- the hostile input under test
    ['javascript:alert(1)'],
    ['data:text/html,x'],
    ['ftp://example.com/x'],
    ['not a url'],
  ])('refuses the link %p', url => {
    const result = validateReleaseEvent({
      ...base,
      attributes: { ...base.attributes, url },
    });
    expect(result).toEqual({
      ok: false,
      issues: [{ field: 'attributes.url', message: 'must be an http(s) URL' }],
    });
  });

  it('accepts http(s) links', () => {
    for (const url of ['https://github.com/o/r/pull/1', 'HTTP://example.com']) {
      expect(
        validateReleaseEvent({
          ...base,
          attributes: { ...base.attributes, url },
        }).ok,
      ).toBe(true);
    }
  });

  it('limits attributes to 16 levels, named under the batch prefix', () => {
    let attributes: Record<string, unknown> = { leaf: 1 };
    for (let i = 1; i < 17; i++) attributes = { a: attributes };
    expect(validateReleaseEvent({ ...base, attributes }, 'events[2]')).toEqual({
      ok: false,
      issues: [
        {
          field: `events[2].attributes${'.a'.repeat(16)}`,
          message: 'must not nest deeper than 16 levels',
        },
      ],
    });
  });
});
