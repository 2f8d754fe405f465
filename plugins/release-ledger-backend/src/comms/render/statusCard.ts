import type {
  Release,
  ReleaseStatus,
} from '@release-ledger/plugin-release-ledger-common';
import { bold, code, escapeText, link } from '../mrkdwn';
import { context, fitMessage, header, mrkdwn, SlackMessage } from './blockKit';
import type { OncallMention } from './slackTargets';

/** What a message needs besides the release: links and names from the catalog and config. */
export type MessageContext = {
  /** The release page in Backstage. */
  releaseUrl: string;
  /** The entity's page in Backstage. */
  entityUrl: string;
  /** The entity's title or name (catalog text: escaped when rendered). */
  entityTitle: string;
  ownerTitle?: string;
  oncall?: OncallMention;
  /** Dashboards configured for the entity, linked from the card. */
  grafanaPanels: Array<{ title: string; url: string }>;
};

const STATUS_LABEL: Record<ReleaseStatus, string> = {
  pending: '⏳ Pending',
  started: '🟡 Started',
  canary: '🐤 Canary',
  promoted: '✅ Promoted',
  rolled_back: '⏪ Rolled back',
  finished: '🏁 Finished',
};

export function statusLabel(release: Release): string {
  if (release.status === 'finished' && release.outcome === 'rolled_back')
    return '🏁 Finished (rolled back)';
  if (release.status === 'canary' && release.canaryWeight !== undefined)
    return `${STATUS_LABEL.canary} ${release.canaryWeight} %`;
  return STATUS_LABEL[release.status];
}

/**
 * The thread's parent message: the release at a glance, updated in place
 * (chat.update) whenever its status changes.
 */
export function renderStatusCard(
  release: Release,
  ctx: MessageContext,
): SlackMessage {
  const title = `${ctx.entityTitle} ${release.version ?? release.releaseId}`;
  const fields = [
    `*Status*\n${statusLabel(release)}`,
    `*Service*\n${link(ctx.entityUrl, ctx.entityTitle)}`,
    `*Version*\n${release.version ? code(release.version) : '—'}`,
    `*Commit*\n${release.commit ? code(release.commit.slice(0, 12)) : '—'}`,
    `*Owner*\n${ctx.ownerTitle ? escapeText(ctx.ownerTitle) : '—'}`,
    `*On-call*\n${ctx.oncall ? ctx.oncall.mrkdwn : '—'}`,
  ];
  const lines: string[] = [];
  if (release.plan) lines.push(`${bold('Plan')} ${escapeText(release.plan)}`);
  if (release.risk) lines.push(`${bold('Risk')} ${escapeText(release.risk)}`);
  if (release.changes.length > 0) {
    lines.push(
      `${bold('Changes')} ${release.changes.length} merged PR${
        release.changes.length === 1 ? '' : 's'
      }`,
    );
  }
  if (release.rollbackReason) {
    lines.push(`${bold('Rollback')} ${escapeText(release.rollbackReason)}`);
  }
  const links = [
    link(ctx.releaseUrl, 'Release page'),
    ...ctx.grafanaPanels.map(p => link(p.url, p.title)),
  ].join(' · ');
  return fitMessage(
    {
      text: escapeText(`${statusLabel(release)}: ${title}`),
      blocks: [
        header(escapeText(title)),
        { type: 'section', fields: fields.map(mrkdwn) },
        ...(lines.length
          ? [{ type: 'section' as const, text: mrkdwn(lines.join('\n')) }]
          : []),
        context(
          links,
          `Release ${code(release.releaseId)} · ${escapeText(
            release.environment,
          )}`,
        ),
      ],
    },
    ctx.releaseUrl,
  );
}
