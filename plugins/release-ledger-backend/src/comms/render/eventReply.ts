import {
  formatGateValue,
  type Release,
  type ReleaseEvent,
} from '@release-ledger/plugin-release-ledger-common';
import { bold, code, escapeText, link } from '../mrkdwn';
import { context, fitMessage, section, SlackMessage } from './blockKit';
import type { MessageContext } from './statusCard';

/** A thread reply, and whether it is also shown in the channel (reply_broadcast). */
export type ThreadReply = SlackMessage & { broadcast: boolean };

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : undefined;
const num = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : undefined;
const flag = (v: unknown): string =>
  v === undefined ? '—' : code(JSON.stringify(v));

/** One measured check of a gate verdict, as a gate evaluation reports it. */
type Measurement = {
  check: string;
  value?: number;
  condition?: string;
  result?: string;
};

function measurements(raw: unknown): Measurement[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap(m => {
    const check = str(m?.check) ?? str(m?.name);
    if (!check) return [];
    return [
      {
        check,
        value: num(m.value),
        condition: str(m.condition),
        result: str(m.result),
      },
    ];
  });
}

/**
 * The reply for one event of a release, rendered for its type. Rollbacks and
 * SEV-1/SEV-2 incidents are broadcast to the channel as well.
 */
export function renderEventReply(
  event: ReleaseEvent,
  release: Release,
  ctx: MessageContext,
): ThreadReply {
  const a = event.attributes;
  let lines: string[];
  let broadcast = false;
  switch (event.type) {
    case 'pr_merged': {
      const title = `#${num(a.prNumber)} ${str(a.title) ?? ''}`;
      const pr = str(a.url) ? link(str(a.url)!, title) : escapeText(title);
      lines = [
        `🔀 Merged ${pr}${
          str(a.author) ? ` by ${escapeText(str(a.author)!)}` : ''
        }`,
      ];
      break;
    }
    case 'release_started':
      lines = [
        `🟡 Release started${
          str(a.plan) ? `: ${escapeText(str(a.plan)!)}` : ''
        }`,
      ];
      break;
    case 'canary_started':
      lines = [`🐤 Canary at ${num(a.weight)} %`];
      break;
    case 'canary_passed':
      lines = ['✅ Canary passed its checks'];
      break;
    case 'gate_evaluated':
    case 'gate_failed': {
      const verdict =
        event.type === 'gate_failed' ? 'fail' : str(a.verdict) ?? 'unknown';
      const icon =
        { pass: '✅', fail: '🛑', inconclusive: '❔' }[verdict] ?? '🔎';
      lines = [
        `${icon} Gate ${bold(str(a.gate) ?? 'SLO')}: ${escapeText(verdict)}${
          str(a.reason) ? ` — ${escapeText(str(a.reason)!)}` : ''
        }`,
        ...measurements(a.measurements).map(
          m =>
            `• ${escapeText(m.check)}: ${
              m.value === undefined ? 'no data' : code(formatGateValue(m.value))
            }${m.condition ? ` (${escapeText(m.condition)})` : ''}${
              m.result ? ` ${escapeText(m.result)}` : ''
            }`,
        ),
      ];
      break;
    }
    case 'promoted':
      lines = [
        `✅ Promoted${
          num(a.weight) !== undefined ? ` to ${num(a.weight)} %` : ''
        }`,
      ];
      break;
    case 'rolled_back':
      broadcast = true;
      lines = [
        `⏪ ${bold('Rolled back')}${
          str(a.owner) ? ` by ${escapeText(str(a.owner)!)}` : ''
        }: ${escapeText(str(a.reason) ?? 'no reason given')}`,
      ];
      break;
    case 'release_finished':
      lines = ['🏁 Release finished'];
      break;
    case 'incident_started': {
      const severity = str(a.severity) ?? 'SEV-?';
      broadcast = severity === 'SEV-1' || severity === 'SEV-2';
      lines = [
        `🚨 ${bold(`${str(a.incidentId)} (${severity})`)}${
          str(a.title) ? ` ${escapeText(str(a.title)!)}` : ''
        }${str(a.url) ? ` ${link(str(a.url)!, 'incident')}` : ''}`,
      ];
      break;
    }
    case 'incident_resolved':
      lines = [`💚 ${bold(str(a.incidentId) ?? 'Incident')} resolved`];
      break;
    case 'slo_restored':
      lines = [
        `💚 SLO restored${str(a.slo) ? `: ${escapeText(str(a.slo)!)}` : ''}`,
      ];
      break;
    case 'flag_toggled':
      lines = [
        `🚩 Flag ${code(str(a.flag) ?? '?')}: ${flag(a.from)} → ${flag(a.to)}`,
      ];
      break;
    case 'checklist_item_checked':
      lines = [
        `☑️ ${escapeText(str(a.item) ?? '')}${
          str(a.by) ? ` — ${escapeText(str(a.by)!)}` : ''
        }`,
      ];
      break;
    case 'note_added':
      lines = [
        `📝 ${escapeText(str(a.text) ?? '')}${
          str(a.author) ? ` — ${escapeText(str(a.author)!)}` : ''
        }`,
      ];
      break;
    default:
      lines = [escapeText(event.type)];
  }
  if (!event.releaseId) {
    // An incident sent without a release, attributed to this one by time.
    lines.push(
      '_Sent without a release id; attributed to this release, the last promoted before it started._',
    );
  }
  const body = lines.join('\n');
  const message = fitMessage(
    {
      text: `${
        ctx.entityTitle ? `${escapeText(ctx.entityTitle)} ` : ''
      }${escapeText(release.version ?? release.releaseId)}: ${lines[0]}`,
      blocks: [
        section(body),
        context(
          `<!date^${Math.floor(
            Date.parse(event.timestamp) / 1000,
          )}^{date_short_pretty} {time}|${event.timestamp}>`,
        ),
      ],
    },
    ctx.releaseUrl,
  );
  return { ...message, broadcast };
}
