import {
  changeLabel,
  type Release,
  type ReleaseFootprint,
} from '@release-ledger/plugin-release-ledger-common';
import { bold, code, escapeText, link } from '../mrkdwn';
import { context, fitMessage, section, SlackMessage } from './blockKit';
import { formatDuration, median } from './format';
import type { MessageContext } from './statusCard';

/**
 * The post-release summary that closes the thread (and, calmer, goes to the
 * PM/CS channel): version, risk, flags toggled, customer-visible changes,
 * this release's lead time, and its time to restore if it failed.
 */
export function renderReleaseSummary(
  release: Release,
  footprint: ReleaseFootprint | undefined,
  ctx: MessageContext,
): SlackMessage {
  const title = `${ctx.entityTitle} ${release.version ?? release.releaseId}`;
  const outcome =
    release.outcome === 'rolled_back' || release.rolledBackAt
      ? 'rolled back'
      : 'promoted';
  const lines = [
    `🏁 ${bold(`${title}: ${outcome}`)}`,
    [
      `Version ${release.version ? code(release.version) : '—'}`,
      `Risk ${release.risk ? escapeText(release.risk) : 'not stated'}`,
      `${release.changes.length} change${
        release.changes.length === 1 ? '' : 's'
      }`,
    ].join(' · '),
  ];
  if (release.flagToggles.length > 0) {
    lines.push(
      `${bold('Flags toggled')} ${release.flagToggles
        .map(
          f =>
            `${code(f.flag)} ${code(JSON.stringify(f.from ?? null))} → ${code(
              JSON.stringify(f.to),
            )}`,
        )
        .join(', ')}`,
    );
  }
  const visible = release.changes.filter(c => c.customerVisible);
  if (visible.length > 0) {
    lines.push(bold('Customer-visible changes'));
    for (const c of visible) {
      const change = changeLabel(c);
      lines.push(`• ${c.url ? link(c.url, change) : escapeText(change)}`);
    }
  }
  const lead = median(footprint?.leadTimesMs ?? []);
  if (lead !== undefined) {
    lines.push(
      `${bold('Lead time')} ${formatDuration(lead)} median over ${
        footprint!.leadTimesMs.length
      } change${footprint!.leadTimesMs.length === 1 ? '' : 's'}`,
    );
  }
  if (footprint?.failed) {
    lines.push(
      footprint.timeToRestoreMs !== undefined
        ? `${bold('Time to restore')} ${formatDuration(
            footprint.timeToRestoreMs,
          )}`
        : `${bold('Time to restore')} not restored yet`,
    );
  }
  return fitMessage(
    {
      text: escapeText(`Summary: ${title} ${outcome}`),
      blocks: [
        section(lines.join('\n')),
        context(link(ctx.releaseUrl, 'Release page')),
      ],
    },
    ctx.releaseUrl,
  );
}
