import { fillTemplate } from './ReleaseRouting';

describe('fillTemplate', () => {
  it('fills known placeholders, URL-encoded', () => {
    expect(
      fillTemplate('https://grafana/d/x?var-svc={{ name }}&r={{releaseId}}', {
        name: 'payments api',
        releaseId: 'payments@1+2',
      }),
    ).toBe('https://grafana/d/x?var-svc=payments%20api&r=payments%401%2B2');
  });

  it('leaves unknown and prototype names alone', () => {
    expect(
      fillTemplate('{{constructor}}/{{toString}}/{{__proto__}}/{{nope}}', {
        name: 'x',
      }),
    ).toBe('{{constructor}}/{{toString}}/{{__proto__}}/{{nope}}');
  });
});
