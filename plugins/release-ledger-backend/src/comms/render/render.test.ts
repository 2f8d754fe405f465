/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectGolden", "expectWithinLimits"] }] */
import {
  Release,
  RELEASE_EVENT_TYPES,
  ReleaseEvent,
  ReleaseEventAttributes,
  ReleaseEventType,
  ReleaseNoteEntry,
  ReleaseNotes,
} from '@release-ledger/plugin-release-ledger-common';
import fs from 'node:fs';
import path from 'node:path';
import { Block, LIMITS, SlackMessage } from './blockKit';
import { renderEventReply } from './eventReply';
import { renderReleaseSummary } from './releaseSummary';
import { MessageContext, renderStatusCard } from './statusCard';

const GOLDEN = path.join(__dirname, '__golden__');

/**
 * Compares with the reviewed JSON in __golden__/; `UPDATE_GOLDEN=1` rewrites
 * it (then review the diff before committing).
 */
function expectGolden(name: string, actual: unknown) {
  const file = path.join(GOLDEN, `${name}.json`);
  const json = `${JSON.stringify(actual, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, json);
  }
  expect(json).toBe(fs.readFileSync(file, 'utf8'));
}

const ctx: MessageContext = {
  releaseUrl:
    'https://backstage.example.com/release-ledger/releases/payments-api%402026.11.27.142',
  entityUrl:
    'https://backstage.example.com/catalog/default/component/payments-api',
  entityTitle: 'payments-api',
  ownerTitle: 'Payments',
  oncall: { mrkdwn: '<!subteam^S0123ABCDE>' },
  grafanaPanels: [
    {
      title: 'p95 latency',
      url: 'https://grafana.example.com/d/abc?viewPanel=2',
    },
  ],
};

const release: Release = {
  releaseId: 'payments-api@2026.11.27.142',
  entityRef: 'component:default/payments-api',
  ownerRef: 'group:default/team-payments',
  status: 'canary',
  environment: 'production',
  version: '1.42.0',
  commit: '9f2c1ab0d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8',
  plan: 'canary 10%/5m, 50%/10m, 100%/10m',
  risk: 'medium',
  startedAt: '2026-11-27T10:00:00.000Z',
  canaryStartedAt: '2026-11-27T10:02:00.000Z',
  canaryWeight: 10,
  firstEventAt: '2026-11-27T09:00:00.000Z',
  lastEventAt: '2026-11-27T10:02:00.000Z',
  changes: [
    {
      prNumber: 481,
      title: 'feat: refunds idempotency keys',
      author: 'ana',
      mergedAt: '2026-11-27T08:00:00.000Z',
      customerVisible: true,
      url: 'https://github.com/acme/payments/pull/481',
    },
    {
      prNumber: 482,
      title: 'fix: tax rounding',
      mergedAt: '2026-11-27T09:00:00.000Z',
    },
  ],
  incidents: [],
  flagToggles: [
    {
      flag: 'refunds-v2',
      from: false,
      to: true,
      at: '2026-11-27T10:05:00.000Z',
    },
  ],
  anomalies: [],
  eventCount: 6,
};

const ATTRIBUTES: ReleaseEventAttributes = {
  pr_merged: {
    prNumber: 481,
    title: 'feat: refunds idempotency keys',
    author: 'ana',
    url: 'https://github.com/acme/payments/pull/481',
  },
  release_started: {
    changeCount: 2,
    plan: 'canary 10%/5m, 50%/10m, 100%/10m',
    risk: 'medium',
  },
  canary_started: { weight: 10 },
  canary_passed: {},
  gate_evaluated: {
    gate: 'payments-slo',
    verdict: 'pass',
    reason: 'all key checks passed',
    measurements: [
      {
        check: 'error-rate',
        value: 0.004,
        condition: '< 0.01',
        result: 'pass',
      },
      {
        check: 'p95-latency',
        value: 0.231,
        condition: '<= 0.3',
        result: 'pass',
      },
    ],
  },
  gate_failed: {
    gate: 'payments-slo',
    reason: 'error-rate 0.031 > 0.01 three times',
  },
  promoted: { weight: 100 },
  rolled_back: { reason: 'error rate 3.1% on canary', owner: 'ana (on-call)' },
  release_finished: {},
  incident_started: {
    incidentId: 'INC-123',
    severity: 'SEV-2',
    title: 'Refund API errors',
    url: 'https://incidents.example.com/INC-123',
  },
  incident_resolved: { incidentId: 'INC-123' },
  slo_restored: { slo: 'availability' },
  flag_toggled: { flag: 'refunds-v2', from: false, to: true },
  checklist_item_checked: {
    item: 'Migrations are backwards-compatible',
    by: 'ana',
  },
  note_added: { text: 'Holding at 50% until EU traffic peaks.', author: 'ana' },
};

const event = (
  type: ReleaseEventType,
  attributes = ATTRIBUTES[type],
): ReleaseEvent =>
  ({
    eventId: `e-${type}`,
    type,
    releaseId: release.releaseId,
    timestamp: '2026-11-27T10:10:00.000Z',
    environment: 'production',
    attributes,
  } as ReleaseEvent);

function allTexts(message: SlackMessage): string[] {
  const texts = [message.text];
  const visit = (b: Block) => {
    if (b.type === 'header') texts.push(b.text.text);
    if (b.type === 'section') {
      if (b.text) texts.push(b.text.text);
      for (const f of b.fields ?? []) texts.push(f.text);
    }
    if (b.type === 'context') for (const e of b.elements) texts.push(e.text);
  };
  message.blocks.forEach(visit);
  return texts;
}

function expectWithinLimits(message: SlackMessage) {
  expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  for (const b of message.blocks) {
    if (b.type === 'header')
      expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    if (b.type === 'section' && b.text)
      expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    if (b.type === 'section')
      for (const f of b.fields ?? [])
        expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
  }
}

describe('golden Block Kit messages', () => {
  it.each(RELEASE_EVENT_TYPES.map(t => [t]))('renders a %s reply', type => {
    const reply = renderEventReply(event(type), release, ctx);
    expectGolden(`reply-${type}`, reply);
    expectWithinLimits(reply);
  });

  it('renders the status card', () => {
    expectGolden('status-card', renderStatusCard(release, ctx));
  });

  it('renders the post-release summary', () => {
    expectGolden(
      'release-summary',
      renderReleaseSummary(
        {
          ...release,
          status: 'finished',
          outcome: 'rolled_back',
          rolledBackAt: '2026-11-27T10:20:00.000Z',
        },
        {
          releaseId: release.releaseId,
          entityRef: release.entityRef,
          environment: 'production',
          isDeployment: true,
          leadTimesMs: [2 * 3_600_000, 3 * 3_600_000],
          failed: true,
          failureCauses: ['rolled_back'],
          timeToRestoreMs: 18 * 60_000,
        },
        ctx,
      ),
    );
  });

  it('renders the post-release summary with its release notes in brief', () => {
    const entry = (subject: string, extra: Partial<ReleaseNoteEntry> = {}) => ({
      sha: 'abcdef1234',
      subject,
      breaking: false,
      findings: [],
      ...extra,
    });
    const breaking = Array.from({ length: 6 }, (_, i) =>
      entry(`drop v${i} endpoints`, {
        type: 'feat',
        scope: 'api',
        breaking: true,
        prNumber: 40 + i,
        url: i === 0 ? 'https://github.com/acme/payments/pull/40' : undefined,
      }),
    );
    const notes: ReleaseNotes = {
      releaseId: release.releaseId,
      sections: [
        { kind: 'breaking', title: 'Breaking changes', entries: breaking },
        { kind: 'fixes', title: 'Fixes', entries: [entry('round tax')] },
      ],
      nonConventional: [entry('Update README.md'), entry('wip')],
      counts: { commits: 9, conventional: 7, nonConventional: 2, breaking: 6 },
      nonConventionalShare: 2 / 9,
      maxNonConventionalShare: 0.2,
      flagged: true,
    };
    const message = renderReleaseSummary(
      { ...release, status: 'finished', outcome: 'promoted' },
      undefined,
      ctx,
      notes,
    );
    expectGolden('release-summary-notes', message);
    const text = allTexts(message).join('\n');
    expect(text).toContain(
      '*Release notes* Breaking changes 6 · Fixes 1 · Not conventional 2',
    );
    expect(text).toContain(
      '• ⚠️ <https://github.com/acme/payments/pull/40|api: drop v0 endpoints #40>',
    );
    expect(text).toContain('• … and 1 more breaking');
    expect(text).toContain(
      '⚠️ 22 % of commits are not conventional (limit 20 %)',
    );
  });

  it('broadcasts rollbacks and SEV-1/SEV-2 incidents only', () => {
    const broadcast = RELEASE_EVENT_TYPES.filter(
      t => renderEventReply(event(t), release, ctx).broadcast,
    );
    expect(broadcast).toEqual(['rolled_back', 'incident_started']);
    const sev3 = event('incident_started', {
      incidentId: 'INC-9',
      severity: 'SEV-3',
    });
    expect(renderEventReply(sev3, release, ctx).broadcast).toBe(false);
  });

  it('says when a checklist item was unchecked, so the thread does not read as done', () => {
    const texts = (checked?: boolean) =>
      allTexts(
        renderEventReply(
          event('checklist_item_checked', {
            item: 'Flags default OFF',
            itemId: 'pre.flags-default-off',
            by: 'ana',
            ...(checked === undefined ? {} : { checked }),
          }),
          release,
          ctx,
        ),
      ).join('\n');
    expect(texts()).toContain('☑️ Flags default OFF — ana');
    expect(texts(true)).toContain('☑️ Flags default OFF — ana');
    expect(texts(false)).toContain('↩️ Unchecked: Flags default OFF — ana');
    expect(texts(false)).not.toContain('☑️');
  });
});

describe('gate values', () => {
  it('shows measured values to four significant digits, not float noise', () => {
    const reply = renderEventReply(
      event('gate_evaluated', {
        gate: 'default',
        verdict: 'pass',
        measurements: [
          {
            check: 'error-rate',
            value: 0.0016124999999999709,
            condition: '< 0.01',
            result: 'passed',
          },
        ],
      }),
      release,
      ctx,
    );
    const text = JSON.stringify(reply.blocks);
    expect(text).toContain('`0.001612`');
    expect(text).not.toContain('0.00161249');
  });
});

describe('hostile input', () => {
  const hostile = [
    '<!channel> ship it',
    '<!here>',
    '<https://evil.example|click here>',
    '<@U0123ABCD> look',
    '&lt;!channel&gt;',
  ];

  it.each(hostile.map(h => [h]))('never lets %j ping or link', text => {
    const messages = [
      renderEventReply(
        event('pr_merged', { prNumber: 1, title: text, author: text }),
        release,
        ctx,
      ),
      renderEventReply(
        event('rolled_back', { reason: text, owner: text }),
        release,
        ctx,
      ),
      renderEventReply(
        event('note_added', { text, author: text }),
        release,
        ctx,
      ),
      renderEventReply(
        event('gate_failed', { gate: text, reason: text }),
        release,
        ctx,
      ),
      renderStatusCard(
        { ...release, plan: text, version: text, rollbackReason: text },
        { ...ctx, entityTitle: text, ownerTitle: text },
      ),
      renderReleaseSummary(
        {
          ...release,
          changes: [
            {
              prNumber: 2,
              title: text,
              mergedAt: release.firstEventAt,
              customerVisible: true,
            },
          ],
        },
        undefined,
        { ...ctx, entityTitle: text },
        {
          releaseId: release.releaseId,
          sections: [
            {
              kind: 'breaking',
              title: 'Breaking changes',
              entries: [
                {
                  sha: 'abcdef1',
                  subject: text,
                  scope: text,
                  breaking: true,
                  prNumber: 3,
                  findings: [],
                },
              ],
            },
          ],
          nonConventional: [],
          counts: {
            commits: 1,
            conventional: 1,
            nonConventional: 0,
            breaking: 1,
          },
          nonConventionalShare: 0,
          maxNonConventionalShare: 0.25,
          flagged: false,
        },
      ),
    ];
    for (const message of messages) {
      for (const t of allTexts(message)) {
        expect(t).not.toContain('<!channel>');
        expect(t).not.toContain('<!here>');
        expect(t).not.toContain('<https://evil.example');
        expect(t).not.toContain('<@U0123ABCD>');
      }
    }
  });

  it('shows pre-escaped input literally instead of decoding it into a mention', () => {
    const reply = renderEventReply(
      event('note_added', { text: '&lt;!channel&gt;' }),
      release,
      ctx,
    );
    expect(allTexts(reply).join('\n')).toContain('&amp;lt;!channel&amp;gt;');
  });

  it('cuts a 5,000-character title to the section limit with a link to the release page', () => {
    const reply = renderEventReply(
      event('pr_merged', { prNumber: 3, title: 'A'.repeat(5000) }),
      release,
      ctx,
    );
    expectWithinLimits(reply);
    const text = (reply.blocks[0] as { text: { text: string } }).text.text;
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text).toContain(`<${ctx.releaseUrl}|full text in Backstage>`);
    expect(reply.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
  });

  it('keeps a status card with a 5,000-character version inside the header limit', () => {
    const card = renderStatusCard(
      { ...release, version: 'v'.repeat(5000) },
      ctx,
    );
    expectWithinLimits(card);
  });
});
