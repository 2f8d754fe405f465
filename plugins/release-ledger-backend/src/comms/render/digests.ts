import type {
  DoraMetrics,
  MetricsResponse,
  Release,
  WeeklyNote,
} from '@release-ledger/plugin-release-ledger-common';
import { bold, code, escapeText, link } from '../mrkdwn';
import { context, fitMessage, header, section, SlackMessage } from './blockKit';
import { formatDuration } from './format';

/** Components listed under each top system in the digest. */
const COMPONENTS_PER_SYSTEM = 3;

const pct = (rate: number | undefined) =>
  rate === undefined ? 'n/a' : `${(rate * 100).toFixed(1)} %`;
const dur = (ms: number | undefined) =>
  ms === undefined ? 'n/a' : formatDuration(ms);

/** A finished release as the PM/CS digest lists it. */
export type DigestRelease = {
  release: Release;
  entityTitle: string;
  releaseUrl: string;
};

/**
 * The PM/CS daily digest: one calm line per release that finished that day,
 * customer-visible changes called out, nothing about canaries or gates.
 */
export function renderPmDigest(
  day: string,
  releases: DigestRelease[],
  portalUrl: string,
): SlackMessage {
  const lines = releases.map(({ release, entityTitle, releaseUrl }) => {
    const outcome =
      release.outcome === 'rolled_back' ? 'rolled back' : 'shipped';
    const visible = release.changes.filter(c => c.customerVisible);
    const changes = visible.length
      ? `: ${visible.map(c => escapeText(c.title)).join('; ')}`
      : '';
    return `• ${link(
      releaseUrl,
      `${entityTitle} ${release.version ?? release.releaseId}`,
    )} ${outcome}${changes}`;
  });
  return fitMessage(
    {
      text: escapeText(`Releases on ${day}: ${releases.length}`),
      blocks: [
        header(`Releases on ${day}`),
        section(
          lines.length > 0
            ? lines.join('\n')
            : 'No release finished in production today.',
        ),
        context(link(`${portalUrl}/release-ledger/releases`, 'All releases')),
      ],
    },
    `${portalUrl}/release-ledger/releases`,
  );
}

/** The CFR of the complete weeks of a trend, oldest first. */
function cfrByWeek(metrics: DoraMetrics) {
  return metrics.trend
    .filter(p => !p.partial)
    .map(p => ({ week: p.weekStart.slice(0, 10), rate: p.changeFailureRate }));
}

/**
 * Leadership's weekly digest: CFR trend against the target, lead time
 * median/p90, time to restore p50/p95, the top contributing systems and
 * the week's human note.
 */
export function renderLeadershipDigest(input: {
  weekStart: string;
  week: MetricsResponse;
  month: MetricsResponse;
  note?: WeeklyNote;
  portalUrl: string;
}): SlackMessage {
  const { week, month, note, portalUrl } = input;
  const m = week.metrics;
  const target = week.changeFailureRateTarget;
  const trend = cfrByWeek(month.metrics)
    .map(
      p =>
        `${p.week} ${pct(p.rate)}${
          p.rate !== undefined && p.rate > target ? ' ⚠️' : ''
        }`,
    )
    .join(' · ');
  const cfr = m.changeFailureRate;
  const lines = [
    `${bold('Change failure rate')} ${pct(cfr.rate)} (${cfr.failures} of ${
      cfr.deployments
    } deployments; target ${pct(target)})${
      cfr.rate !== undefined && cfr.rate > target ? ' — above target' : ''
    }`,
    `${bold('CFR by week')} ${trend || 'no complete week yet'}`,
    `${bold('Lead time')} median ${dur(m.leadTime.p50Ms)}, p90 ${dur(
      m.leadTime.p90Ms,
    )} over ${m.leadTime.sampleSize} changes`,
    `${bold('Time to restore')} p50 ${dur(m.timeToRestore.p50Ms)}, p95 ${dur(
      m.timeToRestore.p95Ms,
    )} over ${m.timeToRestore.sampleSize} restored failures${
      m.timeToRestore.unrestored
        ? `, ${m.timeToRestore.unrestored} not restored`
        : ''
    }`,
    `${bold('Deployments')} ${
      m.deploymentFrequency.deploys
    } (${m.deploymentFrequency.deployDaysPerWeek.toFixed(1)} deploy days)`,
  ];
  const top = (week.topContributors ?? []).slice(0, 3);
  const topLines = top.length
    ? top.map((s, i) => {
        const line = `${i + 1}. ${code(s.systemRef)} ${s.failures} failure${
          s.failures === 1 ? '' : 's'
        } in ${s.deployments} deployment${s.deployments === 1 ? '' : 's'}`;
        // A component without a system stands for itself: nothing beneath.
        const components = s.components.filter(
          c => c.entityRef !== s.systemRef,
        );
        if (components.length === 0) return line;
        const shown = components
          .slice(0, COMPONENTS_PER_SYSTEM)
          .map(c => `${code(c.entityRef)} ${c.failures} of ${c.deployments}`);
        const more = components.length - shown.length;
        return `${line}\n      ${shown.join(' · ')}${
          more > 0 ? ` and ${more} more` : ''
        }`;
      })
    : ['No failures this week.'];
  const blocks = [
    header(`Delivery this week (from ${input.weekStart})`),
    section(lines.join('\n')),
    section(`${bold('Top contributing systems')}\n${topLines.join('\n')}`),
    section(
      note
        ? `${bold('Note')} ${escapeText(note.text)}\n_${escapeText(
            note.author,
          )}_`
        : `${bold('Note')} none written for this week yet.`,
    ),
    context(link(`${portalUrl}/release-ledger`, 'Delivery metrics')),
  ];
  return fitMessage(
    {
      text: escapeText(
        `Delivery this week: CFR ${pct(cfr.rate)}, lead time ${dur(
          m.leadTime.p50Ms,
        )}`,
      ),
      blocks,
    },
    `${portalUrl}/release-ledger`,
  );
}
