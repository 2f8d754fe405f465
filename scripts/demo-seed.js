#!/usr/bin/env node
/*
 * Posts a deterministic, realistic release history for the demo services
 * (examples/entities.yaml) through the real HTTP API, in batches.
 *
 *   node scripts/demo-seed.js [--if-empty] [--wait] [--days 100]
 *
 * Same seed, same history: event ids are stable, so seeding twice stores
 * nothing new. Times are laid out backwards from today's UTC midnight, so
 * the history always covers the last --days days.
 */
'use strict';

const { answer, ledger, waitForBackend } = require('./ledgerApi');

const args = process.argv.slice(2);
const flag = name => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};

/** mulberry32: a tiny seeded PRNG, so the demo is the same on every machine. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = [
  { name: 'payments-api', team: 'payments', cadenceDays: 2, risk: 0.16 },
  { name: 'ledger-service', team: 'payments', cadenceDays: 4, risk: 0.08 },
  { name: 'invoice-worker', team: 'payments', cadenceDays: 6, risk: 0.05 },
  { name: 'storefront-web', team: 'storefront', cadenceDays: 1, risk: 0.12 },
  { name: 'cart-service', team: 'storefront', cadenceDays: 2, risk: 0.1 },
  { name: 'search-service', team: 'storefront', cadenceDays: 3, risk: 0.07 },
  { name: 'api-gateway', team: 'platform', cadenceDays: 5, risk: 0.06 },
  { name: 'auth-service', team: 'platform', cadenceDays: 4, risk: 0.09 },
];

const TITLES = [
  'feat: add idempotency keys to refunds',
  'fix: handle null currency in tax calc',
  'perf: cache exchange rates for 60s',
  'feat: expose retry-after on 429 answers',
  'fix: close DB connections on shutdown',
  'chore: bump node to 22',
  'feat: new checkout summary layout',
  'fix: race in session refresh',
  'refactor: split pricing rules engine',
  'feat: per-tenant rate limits',
  'fix: escape user names in emails',
  'feat: search ranking by margin',
  'fix: timezone bug in invoice dates',
  'perf: batch ledger writes',
  'feat: add SCA challenge flow',
  'fix: avoid double submit on pay button',
];
const AUTHORS = [
  'amara',
  'bo',
  'chen',
  'dmitri',
  'elif',
  'farah',
  'goran',
  'hana',
  'ines',
  'jon',
];
const ROLLBACK_REASONS = [
  'canary error rate 2.4% > 1% threshold',
  'p95 latency 870ms > 500ms on canary',
  'checkout conversion dropped on canary cohort',
  'migration lock contention on orders table',
];
const FLAGS = [
  'new-tax-engine',
  'fast-checkout',
  'search-v2',
  'sca-challenge',
  'edge-cache',
];

/** The service whose newest release lists its commits, so its notes show every part. */
const LISTED_COMMITS_SERVICE = 'payments-api';

/**
 * Gives the newest release of LISTED_COMMITS_SERVICE the mainline commits
 * `release-ledger start --repo` would list: its PRs' squash merges, a
 * breaking change, a change reverted within the release, and direct pushes
 * that do not follow Conventional Commits (enough to flag the notes). Uses
 * its own PRNG, so the rest of the history stays as it was.
 */
function listCommits(events) {
  const started = events.filter(
    e =>
      e.type === 'release_started' &&
      e.entityRef === `component:default/${LISTED_COMMITS_SERVICE}`,
  );
  const newest = started[started.length - 1];
  if (!newest) return;
  const random = rng(4242);
  const sha = () =>
    Array.from(
      { length: 40 },
      () => '0123456789abcdef'[Math.floor(random() * 16)],
    ).join('');
  const start = Date.parse(newest.timestamp);
  const prs = events
    .filter(e => e.type === 'pr_merged' && e.releaseId === newest.releaseId)
    .sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  const reverted = sha();
  // Newest first, as `git log --first-parent` lists them.
  const written = [
    {
      subject: 'Revert "perf(rates): cache exchange rates for 60s"',
      body: `This reverts commit ${reverted}.\n\nStale rates on the refunds path.`,
      author: 'chen',
    },
    ...prs.map(pr => ({
      subject: `${pr.attributes.title} (#${pr.attributes.prNumber})`,
      author: pr.attributes.author,
      prNumber: pr.attributes.prNumber,
      at: Date.parse(pr.timestamp),
    })),
    { subject: 'Update README.md', author: 'bo' },
    // A merge without the PR title in its body: nothing to read it by.
    {
      subject: "Merge branch 'hotfix/rates' into main",
      author: 'chen',
      isMerge: true,
    },
    {
      subject: 'feat(refunds)!: answer 409 when an idempotency key is reused',
      body: 'BREAKING CHANGE: a retry that reuses a key with a different amount now gets 409 instead of the first answer.',
      author: 'amara',
    },
    { subject: 'fixed the flaky settlement test', author: 'dmitri' },
    {
      sha: reverted,
      subject: 'perf(rates): cache exchange rates for 60s',
      author: 'farah',
    },
    { subject: 'docs(api): document the refunds rate limits', author: 'hana' },
    { subject: 'WIP payouts retry', author: 'jon' },
  ];
  const commits = written
    .map((c, i) => {
      // Direct pushes land through the morning; squash merges when merged.
      const at = c.at ?? start - (i + 1) * 47 * 60_000;
      return {
        sha: c.sha ?? sha(),
        subject: c.subject,
        ...(c.body ? { body: c.body } : {}),
        author: c.author,
        authoredAt: new Date(at - 20 * 60_000).toISOString(),
        committedAt: new Date(at).toISOString(),
        ...(c.prNumber ? { prNumber: c.prNumber } : {}),
        ...(c.isMerge ? { isMerge: true } : {}),
      };
    })
    .sort((a, b) => b.committedAt.localeCompare(a.committedAt));
  newest.attributes = {
    ...newest.attributes,
    commits,
    commitCount: commits.length,
    changeCount: commits.length,
  };
}

function buildHistory(days) {
  const random = rng(20261127);
  const pick = list => list[Math.floor(random() * list.length)];
  const anchor = new Date();
  anchor.setUTCHours(0, 0, 0, 0);
  const dayMs = 86_400_000;
  const minute = 60_000;
  const iso = ms => new Date(ms).toISOString();
  const events = [];
  let pr = 1000;
  let incidentNo = 100;

  for (const svc of SERVICES) {
    const entityRef = `component:default/${svc.name}`;
    let minor = 0;
    let n = 0;
    // Walk forward from `days` ago; releases land in working hours (UTC).
    for (let day = days; day >= 0; ) {
      const start =
        anchor.getTime() -
        day * dayMs +
        (9 + Math.floor(random() * 8)) * 3_600_000 +
        Math.floor(random() * 60) * minute;
      if (start > Date.now() - 30 * minute) break;
      n += 1;
      minor += 1;
      const version = `1.${minor}.0`;
      const commit = Array.from(
        { length: 40 },
        () => '0123456789abcdef'[Math.floor(random() * 16)],
      ).join('');
      const releaseId = `${svc.name}@${iso(start)
        .slice(0, 10)
        .replace(/-/g, '.')}.${n}`;
      const id = suffix => `demo-${svc.name}-${n}-${suffix}`;
      const base = { releaseId, environment: 'production', version, commit };
      const changes = 1 + Math.floor(random() * 5);
      for (let c = 0; c < changes; c++) {
        pr += 1;
        const mergedAt = start - Math.floor((1 + random() * 70) * 3_600_000);
        events.push({
          eventId: id(`pr-${pr}`),
          type: 'pr_merged',
          releaseId,
          entityRef,
          timestamp: iso(mergedAt),
          environment: 'production',
          commit,
          attributes: {
            prNumber: pr,
            title: pick(TITLES),
            author: pick(AUTHORS),
            customerVisible: random() < 0.4,
            url: `https://github.com/acme/${svc.name}/pull/${pr}`,
          },
        });
      }
      const risk = random() < 0.2 ? 'high' : random() < 0.5 ? 'medium' : 'low';
      events.push({
        eventId: id('started'),
        type: 'release_started',
        entityRef,
        timestamp: iso(start),
        ...base,
        attributes: {
          changeCount: changes,
          plan: 'canary 10%/5m, 50%/10m, 100%/10m',
          risk,
        },
      });
      events.push({
        eventId: id('checklist-1'),
        type: 'checklist_item_checked',
        timestamp: iso(start + minute),
        ...base,
        attributes: {
          // An item of examples/RELEASE_CHECKLIST.md, the demo services'
          // checklist (beside examples/entities.yaml), so it shows ticked.
          item: 'Verify database migrations are backwards-compatible and behind flags',
          itemId:
            'pre.verify-database-migrations-are-backwards-compatible-and-behi',
          by: pick(AUTHORS),
        },
      });

      const inProgress = day === 0;
      let t = start + 2 * minute;
      events.push({
        eventId: id('canary-10'),
        type: 'canary_started',
        timestamp: iso(t),
        ...base,
        attributes: { weight: 10 },
      });
      if (random() < 0.25) {
        const f = pick(FLAGS);
        events.push({
          eventId: id('flag'),
          type: 'flag_toggled',
          timestamp: iso(t + minute),
          ...base,
          attributes: { flag: f, from: false, to: true },
        });
      }
      const fails = random() < svc.risk;
      t += 5 * minute;
      if (fails) {
        events.push({
          eventId: id('gate-1'),
          type: 'gate_evaluated',
          timestamp: iso(t),
          ...base,
          attributes: {
            gate: 'default',
            verdict: 'fail',
            reason: 'error rate above 1%',
          },
        });
        events.push({
          eventId: id('gate-failed'),
          type: 'gate_failed',
          timestamp: iso(t + 10_000),
          ...base,
          attributes: { gate: 'default', reason: 'error_rate 0.024 > 0.01' },
        });
        if (inProgress) continue;
        const reason = pick(ROLLBACK_REASONS);
        events.push({
          eventId: id('rolled-back'),
          type: 'rolled_back',
          timestamp: iso(t + 3 * minute),
          ...base,
          attributes: { reason, owner: pick(AUTHORS) },
        });
        events.push({
          eventId: id('finished'),
          type: 'release_finished',
          timestamp: iso(t + 6 * minute),
          ...base,
          attributes: {},
        });
      } else {
        events.push({
          eventId: id('gate-1'),
          type: 'gate_evaluated',
          timestamp: iso(t),
          ...base,
          attributes: { gate: 'default', verdict: 'pass' },
        });
        t += 5 * minute;
        events.push({
          eventId: id('canary-50'),
          type: 'canary_started',
          timestamp: iso(t),
          ...base,
          attributes: { weight: 50 },
        });
        if (inProgress) {
          day -= svc.cadenceDays;
          continue;
        }
        t += 10 * minute;
        events.push({
          eventId: id('canary-passed'),
          type: 'canary_passed',
          timestamp: iso(t),
          ...base,
          attributes: {},
        });
        events.push({
          eventId: id('promoted'),
          type: 'promoted',
          timestamp: iso(t + minute),
          ...base,
          attributes: { weight: 100 },
        });
        events.push({
          eventId: id('finished'),
          type: 'release_finished',
          timestamp: iso(t + 15 * minute),
          ...base,
          attributes: {},
        });
        if (random() < svc.risk / 2) {
          incidentNo += 1;
          const incidentId = `INC-${incidentNo}`;
          const at = t + Math.floor((1 + random() * 20) * 3_600_000);
          const severity = pick(['SEV-1', 'SEV-2', 'SEV-2', 'SEV-3', 'SEV-4']);
          // Half the incidents come from the incident tool, which knows the
          // service but not the release: the ledger attributes them.
          const fromIncidentTool = random() < 0.5;
          const incidentBase = fromIncidentTool
            ? { entityRef, environment: 'production' }
            : base;
          events.push({
            eventId: id('incident'),
            type: 'incident_started',
            timestamp: iso(at),
            ...incidentBase,
            attributes: {
              incidentId,
              severity,
              title: `Elevated errors on ${svc.name}`,
            },
          });
          const restored = at + Math.floor((20 + random() * 220) * minute);
          events.push({
            eventId: id('slo-restored'),
            type: 'slo_restored',
            timestamp: iso(restored),
            ...base,
            attributes: { slo: 'availability' },
          });
          events.push({
            eventId: id('incident-resolved'),
            type: 'incident_resolved',
            timestamp: iso(restored + 30 * minute),
            ...incidentBase,
            attributes: { incidentId },
          });
        }
      }
      // Now and then an incident no release explains (a dependency, the
      // cloud): attributed only if a promotion happened in the window.
      if (random() < 0.04) {
        incidentNo += 1;
        const at = start - Math.floor((2 + random() * 40) * 3_600_000);
        events.push({
          eventId: `demo-${svc.name}-${n}-unrelated-incident`,
          type: 'incident_started',
          entityRef,
          environment: 'production',
          timestamp: iso(at),
          attributes: {
            incidentId: `INC-${incidentNo}`,
            severity: pick(['SEV-2', 'SEV-3', 'SEV-3', 'SEV-4']),
            title: `Upstream latency seen by ${svc.name}`,
          },
        });
      }
      day -= Math.max(1, Math.round(svc.cadenceDays * (0.5 + random())));
    }
  }
  const history = events.filter(e => Date.parse(e.timestamp) <= Date.now());
  listCommits(history);
  return history;
}

/**
 * On a fresh start the catalog has not read examples/ yet, so the ledger
 * refuses the demo entities for a while; --wait retries until it knows them.
 */
async function postBatch(events) {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      return await answer(ledger().POST('/events', { body: { events } }));
    } catch (e) {
      if (
        !flag('--wait') ||
        !/not in the catalog/.test(e.message) ||
        Date.now() > deadline
      )
        throw e;
      await new Promise(r => setTimeout(r, 3000));
    }
  }
}

async function main() {
  if (flag('--wait')) await waitForBackend(10 * 60_000);
  if (flag('--if-empty')) {
    const page = await answer(
      ledger().GET('/releases', { params: { query: { limit: '1' } } }),
    );
    if (page.items.length > 0) {
      console.log('demo-seed: ledger already has releases; nothing to do');
      return;
    }
  }
  const events = buildHistory(Number(option('--days', '100')));
  let created = 0;
  let duplicate = 0;
  for (let i = 0; i < events.length; i += 500) {
    const { results } = await postBatch(events.slice(i, i + 500));
    for (const r of results) r.status === 'created' ? created++ : duplicate++;
  }
  console.log(
    `demo-seed: ${events.length} events posted (${created} created, ${duplicate} duplicate)`,
  );
}

module.exports = { buildHistory, rng, LISTED_COMMITS_SERVICE };
if (require.main === module) {
  main().catch(e => {
    console.error(`demo-seed: ${e.message}`);
    process.exit(1);
  });
}
