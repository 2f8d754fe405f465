import { ConfigReader } from '@backstage/config';
import { readPrometheusConfig } from './config';

const read = (prometheus: unknown) =>
  readPrometheusConfig(
    new ConfigReader(
      prometheus === undefined ? {} : { releaseLedger: { prometheus } },
    ),
  );

describe('readPrometheusConfig', () => {
  it('is undefined without a prometheus section', () => {
    expect(read(undefined)).toBeUndefined();
  });

  it('applies the default time-out', () => {
    expect(read({ url: 'http://prometheus.monitoring:9090' })).toEqual({
      url: 'http://prometheus.monitoring:9090',
      timeoutMs: 10_000,
    });
  });

  it('reads a bearer token or basic auth', () => {
    expect(
      read({ url: 'https://p.example', token: 't0k', timeoutMs: 500 }),
    ).toEqual({
      url: 'https://p.example',
      token: 't0k',
      timeoutMs: 500,
    });
    expect(
      read({
        url: 'https://p.example',
        basicAuth: { username: 'u', password: 'p' },
      }),
    ).toEqual({
      url: 'https://p.example',
      basicAuth: { username: 'u', password: 'p' },
      timeoutMs: 10_000,
    });
  });

  it.each`
    problem                      | prometheus                                                                      | message
    ${'no url'}                  | ${{ token: 't' }}                                                               | ${'releaseLedger.prometheus.url: required when releaseLedger.prometheus is configured'}
    ${'a malformed url'}         | ${{ url: 'prometheus:9090' }}                                                   | ${"releaseLedger.prometheus.url: must be an http(s) URL, got 'prometheus:9090'"}
    ${'both kinds of auth'}      | ${{ url: 'http://p', token: 't', basicAuth: { username: 'u', password: 'p' } }} | ${'releaseLedger.prometheus: set either token or basicAuth, not both'}
    ${'basic auth, no password'} | ${{ url: 'http://p', basicAuth: { username: 'u' } }}                            | ${"Missing required config value at 'releaseLedger.prometheus.basicAuth.password'"}
    ${'a zero time-out'}         | ${{ url: 'http://p', timeoutMs: 0 }}                                            | ${'releaseLedger.prometheus.timeoutMs: must be a whole number of milliseconds from 1 to 300000, got 0'}
    ${'a time-out in text'}      | ${{ url: 'http://p', timeoutMs: '10s' }}                                        | ${'releaseLedger.prometheus.timeoutMs'}
  `('stops on $problem', ({ prometheus, message }) => {
    expect(() => read(prometheus)).toThrow(message);
  });
});
