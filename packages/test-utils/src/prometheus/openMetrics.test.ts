import { toOpenMetrics } from './openMetrics';

describe('toOpenMetrics', () => {
  it('writes families with timestamps in seconds, series in time order, and # EOF', () => {
    expect(
      toOpenMetrics([
        {
          name: 'http_requests',
          type: 'counter',
          samples: [
            {
              labels: { service: 'a', code: '200' },
              value: 20,
              at: 1717416015000,
            },
            {
              labels: { code: '200', service: 'a' },
              value: 10,
              at: 1717416000000,
            },
            {
              labels: { service: 'b"\\\n', code: '200' },
              value: NaN,
              at: 1717416000500,
            },
          ],
        },
        {
          name: 'ALERTS',
          type: 'gauge',
          samples: [{ labels: {}, value: Infinity, at: 1717416000000 }],
        },
      ]),
    ).toBe(
      [
        '# TYPE http_requests counter',
        'http_requests_total{code="200",service="a"} 10 1717416000',
        'http_requests_total{code="200",service="a"} 20 1717416015',
        'http_requests_total{code="200",service="b\\"\\\\\\n"} NaN 1717416000.5',
        '# TYPE ALERTS gauge',
        'ALERTS +Inf 1717416000',
        '# EOF',
        '',
      ].join('\n'),
    );
  });
});
