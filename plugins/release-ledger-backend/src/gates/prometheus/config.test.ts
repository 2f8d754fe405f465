import { ConfigReader } from '@backstage/config';
import { readPrometheusConnections } from './config';

const readAll = (prometheus: unknown) =>
  readPrometheusConnections(
    new ConfigReader(
      prometheus === undefined ? {} : { releaseLedger: { prometheus } },
    ),
  );
/** The single connection of a one-connection config. */
const read = (prometheus: unknown) => {
  const all = readAll(prometheus);
  expect(all.length).toBeLessThanOrEqual(1);
  if (all.length === 0) return undefined;
  const { id, ...connection } = all[0];
  expect(id).toBe('prometheus');
  return connection;
};

describe('readPrometheusConnections', () => {
  it('is undefined without a prometheus section', () => {
    expect(read(undefined)).toBeUndefined();
  });

  it('applies the default time-out and ingestion delay', () => {
    expect(read({ url: 'http://prometheus.monitoring:9090' })).toEqual({
      url: 'http://prometheus.monitoring:9090',
      timeoutMs: 10_000,
      ingestionDelayMs: 30_000,
    });
  });

  it('reads an ingestion delay, zero included', () => {
    expect(read({ url: 'http://p', ingestionDelayMs: 0 })).toMatchObject({
      ingestionDelayMs: 0,
    });
    expect(read({ url: 'http://p', ingestionDelayMs: 45_000 })).toMatchObject({
      ingestionDelayMs: 45_000,
    });
  });

  it('reads a bearer token or basic auth', () => {
    expect(
      read({ url: 'https://p.example', token: 't0k', timeoutMs: 500 }),
    ).toEqual({
      url: 'https://p.example',
      token: 't0k',
      timeoutMs: 500,
      ingestionDelayMs: 30_000,
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
      ingestionDelayMs: 30_000,
    });
  });

  it('reads several connections, each the provider id gates name', () => {
    expect(
      readAll([
        { id: 'prometheus-eu', url: 'http://eu.example:9090' },
        {
          id: 'prometheus-us',
          url: 'http://us.example:9090',
          token: 't',
          ingestionDelayMs: 60_000,
        },
      ]),
    ).toEqual([
      {
        id: 'prometheus-eu',
        url: 'http://eu.example:9090',
        timeoutMs: 10_000,
        ingestionDelayMs: 30_000,
      },
      {
        id: 'prometheus-us',
        url: 'http://us.example:9090',
        token: 't',
        timeoutMs: 10_000,
        ingestionDelayMs: 60_000,
      },
    ]);
    expect(readAll({ id: 'thanos', url: 'http://thanos:9090' })).toMatchObject([
      { id: 'thanos' },
    ]);
  });

  it.each`
    problem                             | prometheus                                                      | message
    ${'a listed connection without id'} | ${[{ url: 'http://a' }]}                                        | ${'releaseLedger.prometheus[0].id: required when releaseLedger.prometheus lists several connections'}
    ${'two connections with one id'}    | ${[{ id: 'p', url: 'http://a' }, { id: 'p', url: 'http://b' }]} | ${"releaseLedger.prometheus[1].id: 'p' is used by another connection; each needs its own id"}
    ${'an id with upper case'}          | ${[{ id: 'EU', url: 'http://a' }]}                              | ${"releaseLedger.prometheus[0].id: must be lower-case letters and digits, optionally joined by - _ or ., got 'EU'"}
    ${'a bad url in the second'}        | ${[{ id: 'a', url: 'http://a' }, { id: 'b', url: 'b:9090' }]}   | ${"releaseLedger.prometheus[1].url: must be an http(s) URL, got 'b:9090'"}
  `('stops on $problem', ({ prometheus, message }) => {
    expect(() => readAll(prometheus)).toThrow(message);
  });

  it.each`
    problem                      | prometheus                                                                      | message
    ${'no url'}                  | ${{ token: 't' }}                                                               | ${'releaseLedger.prometheus.url: required when releaseLedger.prometheus is configured'}
    ${'a malformed url'}         | ${{ url: 'prometheus:9090' }}                                                   | ${"releaseLedger.prometheus.url: must be an http(s) URL, got 'prometheus:9090'"}
    ${'both kinds of auth'}      | ${{ url: 'http://p', token: 't', basicAuth: { username: 'u', password: 'p' } }} | ${'releaseLedger.prometheus: set either token or basicAuth, not both'}
    ${'basic auth, no password'} | ${{ url: 'http://p', basicAuth: { username: 'u' } }}                            | ${"Missing required config value at 'releaseLedger.prometheus.basicAuth.password'"}
    ${'a zero time-out'}         | ${{ url: 'http://p', timeoutMs: 0 }}                                            | ${'releaseLedger.prometheus.timeoutMs: must be a whole number of milliseconds from 1 to 300000, got 0'}
    ${'a time-out in text'}      | ${{ url: 'http://p', timeoutMs: '10s' }}                                        | ${'releaseLedger.prometheus.timeoutMs'}
    ${'a negative delay'}        | ${{ url: 'http://p', ingestionDelayMs: -1 }}                                    | ${'releaseLedger.prometheus.ingestionDelayMs: must be a whole number of milliseconds from 0 to 900000, got -1'}
    ${'an hour of delay'}        | ${{ url: 'http://p', ingestionDelayMs: 3_600_000 }}                             | ${'releaseLedger.prometheus.ingestionDelayMs: must be a whole number of milliseconds from 0 to 900000, got 3600000'}
  `('stops on $problem', ({ prometheus, message }) => {
    expect(() => read(prometheus)).toThrow(message);
  });
});
