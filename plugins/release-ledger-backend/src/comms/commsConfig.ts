import type { Config } from '@backstage/config';
import { parseChannel } from './render/slackTargets';

/** `releaseLedger.slack`, checked, with defaults applied. */
export type CommsConfig = {
  /** Bot token; absent: messages are rendered and kept, not delivered. */
  token?: string;
  apiUrl: string;
  /** Where threads go when neither the entity nor its owner names a channel. */
  defaultChannel?: string;
  /** Whether messages are sent (default: when a token is set). */
  deliver: boolean;
  /** Backstage's base URL, for links from Slack back to the portal. */
  appBaseUrl: string;
  /** Dashboards linked from every status card; `{{entity}}`-style templates. */
  grafanaPanels: Array<{ title: string; url: string }>;
  /** Minimum time between two posts to one channel (Slack allows ~1/s). */
  perChannelIntervalMs: number;
  /** Per-call time-out of the Slack client. */
  timeoutMs: number;
  /** Attempts before a message that keeps failing is parked. */
  maxAttempts: number;
  /** Channels one instance sends to at the same time. */
  concurrency: number;
  /** PM/CS channel: one calm summary per finished release, or a daily digest. */
  pm?: { channel: string; mode: 'per-release' | 'daily'; dailyAtUtc: string };
  /** Leadership channel: the weekly DORA digest. */
  leadership?: { channel: string; weekday: number; atUtc: string };
  /**
   * Configuration problems that do not stop the backend: logged at startup
   * and shown in the portal's comms views.
   */
  problems: string[];
};

const WEEKDAYS = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
];
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * Reads `releaseLedger.slack`. Values that would make every message fail
 * (a malformed channel, delivery on without a token) are reported as
 * problems — the ledger keeps recording and rendering — rather than
 * stopping the backend.
 */
export function readCommsConfig(config: Config): CommsConfig {
  const slack = config.getOptionalConfig('releaseLedger.slack');
  const problems: string[] = [];
  const token = slack?.getOptionalString('token') || undefined;
  const deliverSetting = slack?.getOptionalBoolean('delivery.enabled');
  if (deliverSetting === true && !token) {
    problems.push(
      'releaseLedger.slack.delivery.enabled is true but releaseLedger.slack.token is not set: messages are rendered and kept, not delivered',
    );
  }
  const channel = (key: string): string | undefined => {
    const raw = slack?.getOptionalString(key);
    if (raw === undefined) return undefined;
    const parsed = parseChannel(raw, `releaseLedger.slack.${key}`);
    if (parsed.ok) return parsed.value.channel;
    problems.push(parsed.message);
    return undefined;
  };
  const positive = (key: string, fallback: number): number => {
    const value = slack?.getOptionalNumber(key) ?? fallback;
    if (!(value > 0) || !Number.isFinite(value)) {
      throw new Error(
        `releaseLedger.slack.${key}: must be a positive number, got ${value}`,
      );
    }
    return value;
  };
  const time = (key: string, fallback: string): string => {
    const value = slack?.getOptionalString(key) ?? fallback;
    if (!HH_MM.test(value)) {
      throw new Error(
        `releaseLedger.slack.${key}: must be a UTC time like 09:00, got '${value}'`,
      );
    }
    return value;
  };

  const grafanaPanels = (
    slack?.getOptionalConfigArray('grafanaPanels') ?? []
  ).map((panel, i) => {
    const title = panel.getString('title');
    const url = panel.getString('url');
    if (!/^https?:\/\//.test(url)) {
      throw new Error(
        `releaseLedger.slack.grafanaPanels[${i}].url: must be an http(s) URL, got '${url}'`,
      );
    }
    return { title, url };
  });

  const pmChannel = channel('pm.channel');
  const pmMode = slack?.getOptionalString('pm.mode') ?? 'per-release';
  if (pmMode !== 'per-release' && pmMode !== 'daily') {
    throw new Error(
      `releaseLedger.slack.pm.mode: must be per-release or daily, got '${pmMode}'`,
    );
  }
  const leadershipChannel = channel('leadership.channel');
  const weekdayName = (
    slack?.getOptionalString('leadership.weekday') ?? 'monday'
  ).toLowerCase();
  const weekday = WEEKDAYS.indexOf(weekdayName);
  if (weekday < 0) {
    throw new Error(
      `releaseLedger.slack.leadership.weekday: must be a day name like monday, got '${weekdayName}'`,
    );
  }

  return {
    token,
    apiUrl: slack?.getOptionalString('apiUrl') ?? 'https://slack.com/api/',
    defaultChannel: channel('defaultChannel'),
    deliver: Boolean(token) && deliverSetting !== false,
    appBaseUrl: (
      config.getOptionalString('app.baseUrl') ?? 'http://localhost:3000'
    ).replace(/\/+$/, ''),
    grafanaPanels,
    perChannelIntervalMs: positive('delivery.perChannelIntervalMs', 1000),
    timeoutMs: positive('delivery.timeoutMs', 10_000),
    maxAttempts: Math.round(positive('delivery.maxAttempts', 15)),
    concurrency: Math.round(positive('delivery.concurrency', 8)),
    pm: pmChannel
      ? {
          channel: pmChannel,
          mode: pmMode,
          dailyAtUtc: time('pm.dailyAt', '17:00'),
        }
      : undefined,
    leadership: leadershipChannel
      ? {
          channel: leadershipChannel,
          weekday,
          atUtc: time('leadership.at', '09:00'),
        }
      : undefined,
    problems,
  };
}
