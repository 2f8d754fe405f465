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

const flag = (v: unknown): string =>
  v === undefined ? '—' : code(JSON.stringify(v));

/** One measured check of a gate verdict, as a gate evaluation reports it. */
type Measurement = {
  check: string;
  value?: number;
  condition?: string;
  result?: string;
};

/**
 * The checks of a gate event. `measurements` is not part of the event
 * contract (the ledger's own gate evaluations add it; a pipeline may send
 * anything under that name), so it is checked field by field.
 */
function measurements(raw: unknown): Measurement[] {
  if (!Array.isArray(raw)) return [];
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return raw.flatMap(m => {
    const check = text(m?.check) ?? text(m?.name);
    if (!check) return [];
    return [
      {
        check,
        value: typeof m.value === 'number' ? m.value : undefined,
        condition: text(m.condition),
        result: text(m.result),
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
  let lines: string[];
  let broadcast = false;
  switch (event.type) {
    case 'pr_merged': {
      const a = event.attributes;
      const title = `#${a.prNumber} ${a.title}`;
      const pr = a.url ? link(a.url, title) : escapeText(title);
      lines = [
        `🔀 Merged ${pr}${a.author ? ` by ${escapeText(a.author)}` : ''}`,
      ];
      break;
    }
    case 'release_started': {
      const plan = event.attributes.plan;
      lines = [`🟡 Release started${plan ? `: ${escapeText(plan)}` : ''}`];
      break;
    }
    case 'canary_started':
      lines = [`🐤 Canary at ${event.attributes.weight} %`];
      break;
    case 'canary_passed':
      lines = ['✅ Canary passed its checks'];
      break;
    case 'gate_evaluated':
    case 'gate_failed': {
      const a = event.attributes;
      const verdict =
        event.type === 'gate_failed' ? 'fail' : event.attributes.verdict;
      const icon = { pass: '✅', fail: '🛑', inconclusive: '❔' }[verdict];
      lines = [
        `${icon} Gate ${bold(a.gate ?? 'SLO')}: ${escapeText(verdict)}${
          a.reason ? ` — ${escapeText(a.reason)}` : ''
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
    case 'promoted': {
      const weight = event.attributes.weight;
      lines = [`✅ Promoted${weight !== undefined ? ` to ${weight} %` : ''}`];
      break;
    }
    case 'rolled_back': {
      const a = event.attributes;
      broadcast = true;
      lines = [
        `⏪ ${bold('Rolled back')}${
          a.owner ? ` by ${escapeText(a.owner)}` : ''
        }: ${escapeText(a.reason)}`,
      ];
      break;
    }
    case 'release_finished':
      lines = ['🏁 Release finished'];
      break;
    case 'incident_started': {
      const a = event.attributes;
      broadcast = a.severity === 'SEV-1' || a.severity === 'SEV-2';
      lines = [
        `🚨 ${bold(`${a.incidentId} (${a.severity})`)}${
          a.title ? ` ${escapeText(a.title)}` : ''
        }${a.url ? ` ${link(a.url, 'incident')}` : ''}`,
      ];
      break;
    }
    case 'incident_resolved':
      lines = [`💚 ${bold(event.attributes.incidentId)} resolved`];
      break;
    case 'slo_restored': {
      const slo = event.attributes.slo;
      lines = [`💚 SLO restored${slo ? `: ${escapeText(slo)}` : ''}`];
      break;
    }
    case 'flag_toggled': {
      const a = event.attributes;
      lines = [`🚩 Flag ${code(a.flag)}: ${flag(a.from)} → ${flag(a.to)}`];
      break;
    }
    case 'checklist_item_checked': {
      const a = event.attributes;
      // An untick says so: the thread must not read as if it were done.
      lines = [
        `${a.checked === false ? '↩️ Unchecked: ' : '☑️ '}${escapeText(
          a.item,
        )}${a.by ? ` — ${escapeText(a.by)}` : ''}`,
      ];
      break;
    }
    case 'note_added': {
      const a = event.attributes;
      lines = [
        `📝 ${escapeText(a.text)}${
          a.author ? ` — ${escapeText(a.author)}` : ''
        }`,
      ];
      break;
    }
    default:
      // A type newer than this code: say what it is rather than nothing.
      lines = [escapeText((event as { type: string }).type)];
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
