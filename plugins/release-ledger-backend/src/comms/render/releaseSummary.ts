import {
  changeLabel,
  type Release,
  type ReleaseFootprint,
  type ReleaseNotes,
} from '@release-ledger/plugin-release-ledger-common';
import { bold, code, escapeText, link } from '../mrkdwn';
import { context, fitMessage, section, SlackMessage } from './blockKit';
import { formatDuration, median } from './format';
import type { MessageContext } from './statusCard';

/**
 * The post-release summary that closes the thread (and, calmer, goes to the
 * PM/CS channel): version, risk, flags toggled, customer-visible changes,
 * its release notes in brief (what kinds of change, the breaking ones by
 * name, the non-conventional share when it is flagged), this release's lead
 * time, and its time to restore if it failed.
 */
export function renderReleaseSummary(
  release: Release,
  footprint: ReleaseFootprint | undefined,
  ctx: MessageContext,
  notes?: ReleaseNotes,
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
  if (notes) lines.push(...notesLines(notes, ctx));
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

/** Breaking changes named (a few), the other sections counted. */
const MAX_BREAKING_LISTED = 5;

function notesLines(notes: ReleaseNotes, ctx: MessageContext): string[] {
  if (notes.counts.commits === 0) return [];
  const counts = notes.sections.map(s => `${s.title} ${s.entries.length}`);
  if (notes.counts.nonConventional > 0) {
    counts.push(`Not conventional ${notes.counts.nonConventional}`);
  }
  const lines = [`${bold('Release notes')} ${counts.join(' · ')}`];
  const breaking =
    notes.sections.find(s => s.kind === 'breaking')?.entries ?? [];
  for (const entry of breaking.slice(0, MAX_BREAKING_LISTED)) {
    const text = `${entry.scope ? `${entry.scope}: ` : ''}${entry.subject}`;
    const pr = entry.prNumber !== undefined ? ` #${entry.prNumber}` : '';
    lines.push(
      `• ⚠️ ${
        entry.url ? link(entry.url, `${text}${pr}`) : escapeText(`${text}${pr}`)
      }`,
    );
  }
  if (breaking.length > MAX_BREAKING_LISTED) {
    lines.push(
      `• … and ${breaking.length - MAX_BREAKING_LISTED} more breaking (${link(
        ctx.releaseUrl,
        'release notes',
      )})`,
    );
  }
  if (notes.flagged) {
    lines.push(
      `⚠️ ${Math.round(
        notes.nonConventionalShare * 100,
      )} % of commits are not conventional (limit ${Math.round(
        notes.maxNonConventionalShare * 100,
      )} %)`,
    );
  }
  return lines;
}
