import { renderQuery } from '@release-ledger/plugin-release-ledger-common';
import {
  createServer as createHttpServer,
  IncomingMessage,
  Server,
} from 'node:http';
import { createServer as createNetServer, Socket } from 'node:net';
import {
  CANARIES,
  Canary,
  canaryFamilies,
  canaryTime,
  ERROR_RATIO_QUERY,
  FLAPPING_PATTERN,
  freePort,
  prometheusAvailable,
  RunningPrometheus,
  startPrometheus,
  toOpenMetrics,
} from '@release-ledger/test-utils';
import { PrometheusClient } from './PrometheusClient';

const errorRatio = (canary: Canary) =>
  renderQuery(ERROR_RATIO_QUERY, {
    entity: canary.service,
    version: canary.version,
    interval: '1m',
  });

// A day of one-second steps: more than Prometheus' 11,000 points.
const CANARY_DAY_MINUTES = 24 * 60;

const describeWithPrometheus = prometheusAvailable() ? describe : describe.skip;

describeWithPrometheus('PrometheusClient against a real Prometheus', () => {
  let prometheus: RunningPrometheus;
  let client: PrometheusClient;

  beforeAll(async () => {
    prometheus = await startPrometheus(toOpenMetrics(canaryFamilies()));
    client = new PrometheusClient({ url: prometheus.url, timeoutMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  describe('instantQuery', () => {
    it('measures the healthy canary', async () => {
      const result = await client.instantQuery(
        errorRatio(CANARIES.healthy),
        canaryTime(5),
      );
      expect(result).toEqual({ kind: 'value', value: expect.any(Number) });
      expect(result.kind === 'value' && result.value).toBeCloseTo(0.002, 9);
    });

    it('measures the failing canary', async () => {
      const result = await client.instantQuery(
        errorRatio(CANARIES.failing),
        canaryTime(5),
      );
      expect(result.kind === 'value' && result.value).toBeCloseTo(0.05, 9);
    });

    it('answers NaN (0/0 from a canary without traffic) as no data', async () => {
      await expect(
        client.instantQuery(errorRatio(CANARIES.noTraffic), canaryTime(5)),
      ).resolves.toEqual({ kind: 'no-data', cause: 'nan' });
      await expect(client.instantQuery('0/0', canaryTime(5))).resolves.toEqual({
        kind: 'no-data',
        cause: 'nan',
      });
    });

    it('answers an empty result as no data', async () => {
      await expect(
        client.instantQuery(
          errorRatio({ ...CANARIES.healthy, version: '9.9.9' }),
          canaryTime(5),
        ),
      ).resolves.toEqual({ kind: 'no-data', cause: 'no-series' });
    });

    it('sees nothing more than 5 minutes after the last backfilled sample', async () => {
      await expect(
        client.instantQuery(
          'sum(http_requests_total{service="payments"})',
          canaryTime(24),
        ),
      ).resolves.toMatchObject({ kind: 'value' });
      await expect(
        client.instantQuery(
          'sum(http_requests_total{service="payments"})',
          canaryTime(26),
        ),
      ).resolves.toEqual({ kind: 'no-data', cause: 'no-series' });
    });

    it('follows the flapping canary minute by minute', async () => {
      const values = [];
      for (let minute = 1; minute <= FLAPPING_PATTERN.length; minute++) {
        const result = await client.instantQuery(
          errorRatio(CANARIES.flapping),
          canaryTime(minute),
        );
        values.push(result.kind === 'value' ? result.value : result.kind);
      }
      expect(values.map(v => (Number(v) < 0.01 ? 'p' : 'f')).join('')).toBe(
        FLAPPING_PATTERN,
      );
      expect(values[1]).toBeCloseTo(0.03, 9);
    });

    it('reads a scalar and infinities', async () => {
      await expect(
        client.instantQuery('1 + 1', canaryTime(0)),
      ).resolves.toEqual({
        kind: 'value',
        value: 2,
      });
      await expect(client.instantQuery('1/0', canaryTime(0))).resolves.toEqual({
        kind: 'value',
        value: Infinity,
      });
      await expect(client.instantQuery('-1/0', canaryTime(0))).resolves.toEqual(
        {
          kind: 'value',
          value: -Infinity,
        },
      );
    });

    it('refuses several series rather than picking one', async () => {
      const result = await client.instantQuery(
        'sum by (service) (rate(http_requests_total[1m]))',
        canaryTime(5),
      );
      expect(result).toEqual({
        kind: 'error',
        errorType: 'multiple_series',
        message: expect.stringMatching(
          /^query returned 4 series; a gate needs one number: aggregate them, e\.g\. sum\(…\) or max\(…\)\. Series: \{service="\w+"\}, \{service="\w+"\}, \{service="\w+"\}, …$/,
        ),
      });
    });

    it('refuses a range vector', async () => {
      await expect(
        client.instantQuery(
          'http_requests_total{service="payments",code="200"}[1m]',
          canaryTime(5),
        ),
      ).resolves.toMatchObject({
        kind: 'error',
        errorType: 'invalid_response',
        message: expect.stringContaining('query returned a range vector'),
      });
    });

    it("carries Prometheus' message for a bad query (HTTP 400 bad_data)", async () => {
      await expect(
        client.instantQuery('sum(rate(http_requests_total[5m)', canaryTime(5)),
      ).resolves.toEqual({
        kind: 'error',
        errorType: 'bad_query',
        httpStatus: 400,
        message: expect.stringMatching(
          /^invalid parameter "query": 1:\d+: parse error: /,
        ),
      });
    });

    it("carries Prometheus' message for a failed execution (HTTP 422)", async () => {
      await expect(
        client.instantQuery(
          'label_replace(http_requests_total, "a", "$1", "service", "(")',
          canaryTime(5),
        ),
      ).resolves.toEqual({
        kind: 'error',
        errorType: 'execution',
        httpStatus: 422,
        message: 'invalid regular expression in label_replace(): (',
      });
    });

    it('keeps a hostile annotation value inside its label value', async () => {
      const template =
        'sum(rate(http_requests_total{service="{{annotation.service}}"}[1m]))';
      const honest = renderQuery(template, {
        annotations: { service: 'cart' },
      });
      await expect(
        client.instantQuery(honest, canaryTime(5)),
      ).resolves.toMatchObject({
        kind: 'value',
      });
      for (const hostile of [
        'cart"} or vector(1) #',
        'cart"}) or vector(1) or sum(x{a="',
        'cart\\"} or vector(1) #',
        'cart\n"} or vector(1)',
      ]) {
        const query = renderQuery(template, {
          annotations: { service: hostile },
        });
        // Prometheus parses it (no 400) and finds no such service (no vector(1)).
        await expect(
          client.instantQuery(query, canaryTime(5)),
        ).resolves.toEqual({
          kind: 'no-data',
          cause: 'no-series',
        });
      }
    });
  });

  describe('rangeQuery', () => {
    it('answers one point per step, in order', async () => {
      const result = await client.rangeQuery(
        errorRatio(CANARIES.flapping),
        canaryTime(1),
        canaryTime(FLAPPING_PATTERN.length),
        60,
      );
      if (result.kind !== 'range') {
        throw new Error(`expected a range, got ${JSON.stringify(result)}`);
      }
      expect(result.points.map(p => p.at)).toEqual(
        [...FLAPPING_PATTERN].map((_, i) => canaryTime(i + 1)),
      );
      expect(
        result.points
          .map(p =>
            p.result.kind === 'value' && p.result.value < 0.01 ? 'p' : 'f',
          )
          .join(''),
      ).toBe(FLAPPING_PATTERN);
    });

    it('fills steps without samples as no data', async () => {
      // Samples end at minute 20; a one-minute rate needs two of them.
      const result = await client.rangeQuery(
        errorRatio(CANARIES.healthy),
        canaryTime(19),
        canaryTime(22),
        60,
      );
      expect(result).toEqual({
        kind: 'range',
        points: [
          {
            at: canaryTime(19),
            result: { kind: 'value', value: expect.any(Number) },
          },
          {
            at: canaryTime(20),
            result: { kind: 'value', value: expect.any(Number) },
          },
          {
            at: canaryTime(21),
            result: { kind: 'no-data', cause: 'no-series' },
          },
          {
            at: canaryTime(22),
            result: { kind: 'no-data', cause: 'no-series' },
          },
        ],
      });
    });

    it('answers NaN steps as no data', async () => {
      const result = await client.rangeQuery(
        errorRatio(CANARIES.noTraffic),
        canaryTime(1),
        canaryTime(3),
        60,
      );
      expect(result).toEqual({
        kind: 'range',
        points: [1, 2, 3].map(minute => ({
          at: canaryTime(minute),
          result: { kind: 'no-data', cause: 'nan' },
        })),
      });
    });

    it("carries Prometheus' message when a range has too many points (HTTP 400)", async () => {
      await expect(
        client.rangeQuery(
          errorRatio(CANARIES.healthy),
          canaryTime(0),
          canaryTime(CANARY_DAY_MINUTES),
          1,
        ),
      ).resolves.toEqual({
        kind: 'error',
        errorType: 'bad_query',
        httpStatus: 400,
        message:
          'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      });
    });

    it('refuses several series and a wrong step', async () => {
      await expect(
        client.rangeQuery(
          'sum by (service) (rate(http_requests_total[1m]))',
          canaryTime(1),
          canaryTime(2),
          60,
        ),
      ).resolves.toMatchObject({ kind: 'error', errorType: 'multiple_series' });
      await expect(
        client.rangeQuery('up', canaryTime(2), canaryTime(1), 60),
      ).resolves.toMatchObject({ kind: 'error', errorType: 'bad_query' });
      await expect(
        client.rangeQuery('up', canaryTime(1), canaryTime(2), 0),
      ).resolves.toMatchObject({ kind: 'error', errorType: 'bad_query' });
    });
  });

  describe('firingAlerts', () => {
    const gate = { release_gate: 'true' };

    it('finds the firing gate alert of the failing canary', async () => {
      await expect(
        client.firingAlerts({ ...gate, service: 'cart' }, canaryTime(5)),
      ).resolves.toEqual({
        kind: 'alerts',
        alerts: [
          {
            labels: {
              alertname: 'CanaryErrorRateHigh',
              alertstate: 'firing',
              release_gate: 'true',
              service: 'cart',
              severity: 'page',
            },
          },
        ],
      });
    });

    it('sees alerts start and add up over time', async () => {
      const names = async (minute: number) => {
        const result = await client.firingAlerts(
          { ...gate, service: 'cart' },
          canaryTime(minute),
        );
        return result.kind === 'alerts'
          ? result.alerts.map(a => a.labels.alertname).sort()
          : result;
      };
      expect(await names(1)).toEqual([]);
      expect(await names(12)).toEqual([
        'CanaryErrorRateHigh',
        'CanaryLatencyHigh',
      ]);
    });

    it('ignores pending alerts and alerts without release_gate', async () => {
      await expect(
        client.firingAlerts({ ...gate, service: 'inventory' }, canaryTime(5)),
      ).resolves.toEqual({ kind: 'alerts', alerts: [] });
      await expect(
        client.firingAlerts({ ...gate, service: 'payments' }, canaryTime(5)),
      ).resolves.toEqual({ kind: 'alerts', alerts: [] });
      await expect(
        client.firingAlerts({ service: 'payments' }, canaryTime(5)),
      ).resolves.toMatchObject({
        kind: 'alerts',
        alerts: [{ labels: { alertname: 'HighMemory' } }],
      });
    });

    it('matches hostile values literally', async () => {
      await expect(
        client.firingAlerts(
          { ...gate, service: 'cart"} or vector(1) #' },
          canaryTime(5),
        ),
      ).resolves.toEqual({ kind: 'alerts', alerts: [] });
      await expect(
        client.firingAlerts({ 'service"}': 'cart' }, canaryTime(5)),
      ).resolves.toMatchObject({ kind: 'error', errorType: 'bad_query' });
    });
  });
});

describe('PrometheusClient without a working Prometheus', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map(close => close()));
  });

  /** A local HTTP server answering every request with `answer`. */
  async function serve(
    answer: (
      req: IncomingMessage,
      body: string,
    ) => {
      status: number;
      body: string;
      contentType?: string;
    },
  ): Promise<{
    url: string;
    requests: Array<{ req: IncomingMessage; body: string }>;
  }> {
    const requests: Array<{ req: IncomingMessage; body: string }> = [];
    const server: Server = createHttpServer((req, res) => {
      let body = '';
      req.on('data', chunk => {
        body += chunk;
      });
      req.on('end', () => {
        requests.push({ req, body });
        const reply = answer(req, body);
        res.writeHead(reply.status, {
          'content-type': reply.contentType ?? 'application/json',
        });
        res.end(reply.body);
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise(resolve => server.close(() => resolve())));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, requests };
  }

  const scalar = JSON.stringify({
    status: 'success',
    data: { resultType: 'scalar', result: [1717416000, '0.5'] },
  });

  it('times out on a server that accepts the connection and never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createNetServer(socket => {
      sockets.push(socket);
    });
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise(resolve => {
          sockets.forEach(s => s.destroy());
          silent.close(() => resolve());
        }),
    );
    const { port } = silent.address() as { port: number };
    const client = new PrometheusClient({
      url: `http://127.0.0.1:${port}`,
      timeoutMs: 200,
    });
    await expect(client.instantQuery('up', canaryTime(0))).resolves.toEqual({
      kind: 'error',
      errorType: 'timeout',
      message: `no answer from Prometheus at http://127.0.0.1:${port}/api/v1/query within 200 ms`,
    });
  });

  it("rejects when the caller's own signal aborts, rather than blaming Prometheus", async () => {
    const silent = createNetServer(() => {});
    const sockets: Socket[] = [];
    silent.on('connection', s => sockets.push(s));
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise(resolve => {
          sockets.forEach(s => s.destroy());
          silent.close(() => resolve());
        }),
    );
    const { port } = silent.address() as { port: number };
    const client = new PrometheusClient({
      url: `http://127.0.0.1:${port}`,
      timeoutMs: 10_000,
    });
    const controller = new AbortController();
    const pending = client.instantQuery('up', canaryTime(0), {
      signal: controller.signal,
    });
    controller.abort(new Error('shutting down'));
    await expect(pending).rejects.toThrow('shutting down');
  });

  it('reports an unreachable port with the connection error', async () => {
    const port = await freePort();
    const client = new PrometheusClient({
      url: `http://127.0.0.1:${port}`,
      timeoutMs: 5_000,
    });
    await expect(client.instantQuery('up', canaryTime(0))).resolves.toEqual({
      kind: 'error',
      errorType: 'unreachable',
      message: `cannot reach Prometheus at http://127.0.0.1:${port}/api/v1/query: connect ECONNREFUSED 127.0.0.1:${port}`,
    });
    await expect(
      client.rangeQuery('up', canaryTime(0), canaryTime(1), 60),
    ).resolves.toMatchObject({ kind: 'error', errorType: 'unreachable' });
    await expect(
      client.firingAlerts({ release_gate: 'true' }, canaryTime(0)),
    ).resolves.toMatchObject({ kind: 'error', errorType: 'unreachable' });
  });

  it('sends the query as a form POST under a path prefix, with a bearer token', async () => {
    const server = await serve(() => ({ status: 200, body: scalar }));
    const client = new PrometheusClient({
      url: `${server.url}/prometheus`,
      token: 's3cret',
      timeoutMs: 5_000,
    });
    await expect(
      client.instantQuery(
        'sum(x{a="b"})',
        new Date('2024-06-03T12:00:30.500Z'),
      ),
    ).resolves.toEqual({ kind: 'value', value: 0.5 });
    const [{ req, body }] = server.requests;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/prometheus/api/v1/query');
    expect(req.headers.authorization).toBe('Bearer s3cret');
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({
      query: 'sum(x{a="b"})',
      time: '1717416030.5',
    });
  });

  it('sends basic auth', async () => {
    const server = await serve(() => ({ status: 200, body: scalar }));
    const client = new PrometheusClient({
      url: server.url,
      basicAuth: { username: 'gate', password: 'p:ss' },
      timeoutMs: 5_000,
    });
    await client.instantQuery('up', canaryTime(0));
    expect(server.requests[0].req.headers.authorization).toBe(
      `Basic ${Buffer.from('gate:p:ss').toString('base64')}`,
    );
  });

  it.each`
    answer                                                                                                                  | result
    ${{ status: 401, body: 'Unauthorized\n', contentType: 'text/plain' }}                                                   | ${{ errorType: 'http', httpStatus: 401, message: expect.stringMatching(/^HTTP 401 Unauthorized from http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query: Unauthorized$/) }}
    ${{ status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' }}                                          | ${{ errorType: 'http', httpStatus: 502, message: expect.stringContaining('HTTP 502 Bad Gateway from') }}
    ${{ status: 503, body: '{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}' }} | ${{ errorType: 'timeout', httpStatus: 503, message: 'query timed out in expression evaluation' }}
    ${{ status: 200, body: 'not json' }}                                                                                    | ${{ errorType: 'invalid_response', message: expect.stringContaining('unexpected answer from') }}
    ${{ status: 200, body: '{"status":"success","data":{"resultType":"string","result":[1,"a"]}}' }}                        | ${{ errorType: 'invalid_response', message: 'query returned a string; a gate needs one number' }}
  `('maps HTTP $answer.status $answer.body', async ({ answer, result }) => {
    const server = await serve(() => answer);
    const client = new PrometheusClient({ url: server.url, timeoutMs: 5_000 });
    await expect(client.instantQuery('up', canaryTime(0))).resolves.toEqual({
      kind: 'error',
      ...result,
    });
  });
});
