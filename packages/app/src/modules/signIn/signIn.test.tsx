import { providersFor } from './index';

describe('providersFor', () => {
  it('offers the guest in development and GitHub, never the guest, in production', () => {
    expect(providersFor('development')).toEqual(['guest']);
    const production = providersFor('production');
    expect(production).not.toContain('guest');
    expect(production).toEqual([
      expect.objectContaining({ id: 'github-auth-provider', title: 'GitHub' }),
    ]);
  });
});
