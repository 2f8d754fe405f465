import { ConfigReader } from '@backstage/config';
import { readCommsConfig } from './commsConfig';

const read = (
  slack: object,
  app: object = { baseUrl: 'https://portal.example.com/' },
) => readCommsConfig(new ConfigReader({ app, releaseLedger: { slack } }));

describe('readCommsConfig', () => {
  it('delivers only with a token, with Slack-friendly defaults', () => {
    expect(read({})).toMatchObject({
      deliver: false,
      apiUrl: 'https://slack.com/api/',
      appBaseUrl: 'https://portal.example.com',
      perChannelIntervalMs: 1000,
      timeoutMs: 10_000,
      maxAttempts: 15,
      problems: [],
    });
    expect(read({ token: 'xoxb-1' }).deliver).toBe(true);
    expect(
      read({ token: 'xoxb-1', delivery: { enabled: false } }).deliver,
    ).toBe(false);
  });

  it('reports delivery without a token and malformed channels as problems instead of failing startup', () => {
    const config = read({
      delivery: { enabled: true },
      defaultChannel: 'releases channel',
      pm: { channel: '#product updates' },
    });
    expect(config.deliver).toBe(false);
    expect(config.defaultChannel).toBeUndefined();
    expect(config.pm).toBeUndefined();
    expect(config.problems).toEqual([
      expect.stringContaining(
        'releaseLedger.slack.delivery.enabled is true but releaseLedger.slack.token is not set',
      ),
      expect.stringContaining(
        "releaseLedger.slack.pm.channel: '#product updates' is not a Slack channel",
      ),
      expect.stringContaining(
        "releaseLedger.slack.defaultChannel: 'releases channel' is not a Slack channel",
      ),
    ]);
  });

  it('reads the role channels and their schedules', () => {
    expect(
      read({
        pm: { channel: '#product-updates', mode: 'daily', dailyAt: '16:30' },
        leadership: { channel: 'C0123456789', weekday: 'Friday', at: '08:00' },
      }),
    ).toMatchObject({
      pm: { channel: '#product-updates', mode: 'daily', dailyAtUtc: '16:30' },
      leadership: { channel: 'C0123456789', weekday: 5, atUtc: '08:00' },
    });
  });

  it.each([
    [
      { pm: { channel: '#p', mode: 'hourly' } },
      'releaseLedger.slack.pm.mode: must be per-release or daily',
    ],
    [
      { leadership: { channel: '#l', weekday: 'someday' } },
      'releaseLedger.slack.leadership.weekday',
    ],
    [
      { leadership: { channel: '#l', at: '9am' } },
      "releaseLedger.slack.leadership.at: must be a UTC time like 09:00, got '9am'",
    ],
    [
      { delivery: { timeoutMs: -1 } },
      'releaseLedger.slack.delivery.timeoutMs: must be a positive number',
    ],
    [
      {
        grafanaPanels: [
          { title: 'p95', url: ['javascript', 'alert(1)'].join(':') },
        ],
      },
      'releaseLedger.slack.grafanaPanels[0].url: must be an http(s) URL',
    ],
  ])('stops startup on a value that is simply wrong: %j', (slack, message) => {
    expect(() => read(slack)).toThrow(message);
  });
});
