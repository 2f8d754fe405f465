/*
 * The synthetic org of the metrics benchmark: deterministic (seeded), so two
 * runs load the same history.
 *
 *   org:     1 organization (acme) -> 10 departments (dept-01..10) -> 139 teams
 *            (team-001..139): 150 Group entities in 3 levels; 1,000 Component
 *            services (svc-0001..1000) owned by the teams (7-8 each).
 *   history: about 400,000 production releases (x BENCH_SCALE) over the two
 *            years ending at `endMs`, about 2.5 M events; see buildHistory.
 *
 * svc-1000 gets no history: it is the service the benchmark streams live
 * events to while it times queries, so its figures can be checked exactly.
 *
 * Plain CommonJS: used by bench/metrics/run.js (catalog file, which services
 * and groups to query) and by bench/metrics/load.js (the events).
 */
'use strict';

const { rng } = require('../../scripts/demo-seed');

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MIN_MS = 60_000;

const ORG = { departments: 10, teams: 139, services: 1000 };
const FULL_RELEASES = 400_000;
const HISTORY_DAYS = 730;
const LIVE_SERVICE = 'svc-1000';

const pad = (n, w) => String(n).padStart(w, '0');

/** A standard normal draw from two uniforms (Box-Muller). */
function gaussian(random) {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * The org: groups (root, departments, teams) and services with a release
 * weight (lognormal: a few services ship many times a day, most a few times
 * a week or less) and a failure risk.
 */
function buildOrg(seed = 42) {
  const random = rng(seed);
  const root = {
    name: 'acme',
    ref: 'group:default/acme',
    type: 'organization',
    title: 'Acme',
    children: [],
  };
  const departments = [];
  for (let d = 1; d <= ORG.departments; d++) {
    const name = `dept-${pad(d, 2)}`;
    departments.push({
      name,
      ref: `group:default/${name}`,
      type: 'department',
      title: `Department ${d}`,
      parent: root.name,
      children: [],
    });
    root.children.push(name);
  }
  const teams = [];
  for (let t = 1; t <= ORG.teams; t++) {
    const name = `team-${pad(t, 3)}`;
    const dept = departments[(t - 1) % departments.length];
    teams.push({
      name,
      ref: `group:default/${name}`,
      type: 'team',
      title: `Team ${t}`,
      parent: dept.name,
      children: [],
    });
    dept.children.push(name);
  }
  const services = [];
  for (let s = 1; s <= ORG.services; s++) {
    const name = `svc-${pad(s, 4)}`;
    const team = teams[(s - 1) % teams.length];
    const live = name === LIVE_SERVICE;
    services.push({
      name,
      ref: `component:default/${name}`,
      owner: team.ref,
      weight: live ? 0 : Math.exp(1.1 * gaussian(random)),
      // Rollback probability 3-15 %.
      risk: 0.03 + 0.12 * random() ** 1.5,
    });
  }
  const deptOf = new Map();
  for (const t of teams) deptOf.set(t.ref, `group:default/${t.parent}`);
  return {
    root,
    departments,
    teams,
    groups: [root, ...departments, ...teams],
    services,
    deptOf,
    liveService: services.find(s => s.name === LIVE_SERVICE),
  };
}

/** The catalog file: every group and service, as one multi-document YAML. */
function catalogYaml(org) {
  const docs = [];
  for (const g of org.groups) {
    docs.push(
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Group',
        'metadata:',
        `  name: ${g.name}`,
        `  title: ${JSON.stringify(g.title)}`,
        'spec:',
        `  type: ${g.type}`,
        ...(g.parent ? [`  parent: ${g.parent}`] : []),
        g.children.length
          ? `  children: [${g.children.join(', ')}]`
          : '  children: []',
      ].join('\n'),
    );
  }
  for (const s of org.services) {
    docs.push(
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata:',
        `  name: ${s.name}`,
        'spec:',
        '  type: service',
        '  lifecycle: production',
        `  owner: ${s.owner}`,
      ].join('\n'),
    );
  }
  return `${docs.join('\n---\n')}\n`;
}

// Event kinds (compact form; see toIngestEvent).
const T = {
  pr_merged: 0,
  release_started: 1,
  canary_started: 2,
  gate_failed: 3,
  promoted: 4,
  rolled_back: 5,
  release_finished: 6,
  incident_started: 7,
  incident_resolved: 8,
  slo_restored: 9,
};
const TYPE_NAMES = Object.keys(T);
const SEVERITIES = ['SEV-1', 'SEV-2', 'SEV-3', 'SEV-4'];
const TITLES = [
  'feat: add idempotency keys to refunds',
  'fix: handle null currency in tax calc',
  'perf: cache exchange rates for 60s',
  'fix: close DB connections on shutdown',
  'feat: per-tenant rate limits',
  'perf: batch ledger writes',
  'refactor: split pricing rules engine',
  'fix: race in session refresh',
];
const AUTHORS = ['amara', 'bo', 'chen', 'dmitri', 'elif', 'farah', 'goran'];
const ROLLBACK_REASONS = [
  'canary error rate 2.4% > 1% threshold',
  'p95 latency 870ms > 500ms on canary',
  'incident: checkout errors after promotion',
];

/**
 * The event history, sorted by time: per release (start times spread over
 * `HISTORY_DAYS` days ending at `endMs`, more on weekdays and working hours)
 *
 * - 1-4 `pr_merged`, 30 min to ~5 days before the start;
 * - `release_started`; 0-2 `canary_started` (20 % / 60 % / 20 %);
 * - with the service's risk (3-15 %, ~8 % overall): sometimes a `gate_failed`,
 *   then `rolled_back`; otherwise `promoted`;
 * - half of them a `release_finished`;
 * - ~5 % of promoted releases an incident 10 min-48 h after the promotion
 *   (SEV-1 10 %, SEV-2 25 %, SEV-3 35 %, SEV-4 30 %): half name the release
 *   (`incident_started`/`incident_resolved` with releaseId), half carry only
 *   the entity (the ledger attributes them by window); a SEV-1/2 named
 *   incident is followed by `slo_restored` (70 %) or a `rolled_back` (30 %).
 *
 * Events after `endMs` are dropped (releases still in flight). Every event is
 * production. Events are compact objects; toIngestEvent makes them events as
 * a pipeline posts them.
 */
function buildHistory(org, { scale = 1, endMs, seed = 7 }) {
  const random = rng(seed);
  const totalReleases = Math.round(FULL_RELEASES * scale);
  const startMs = endMs - HISTORY_DAYS * DAY_MS;
  const weightSum = org.services.reduce((a, s) => a + s.weight, 0);
  // Releases per service: largest-remainder rounding of weight shares.
  const shares = org.services.map(s => (s.weight / weightSum) * totalReleases);
  const counts = shares.map(Math.floor);
  let left = totalReleases - counts.reduce((a, b) => a + b, 0);
  shares
    .map((x, i) => [x - Math.floor(x), i])
    .sort((a, b) => b[0] - a[0])
    .slice(0, left)
    .forEach(([, i]) => counts[i]++);

  const releases = []; // { id, service }
  const events = []; // { t, r, k, type, a?, inc?, sev?, noRelease? }
  let prSeq = 1;
  let incSeq = 1;
  const pickStart = () => {
    for (;;) {
      const day = Math.floor(random() * HISTORY_DAYS);
      const dayStart = Math.floor(startMs / DAY_MS) * DAY_MS + day * DAY_MS;
      const dow = new Date(dayStart).getUTCDay();
      if ((dow === 0 || dow === 6) && random() > 0.25) continue;
      const inHours = random() < 0.9;
      const t = inHours
        ? dayStart + 7 * HOUR_MS + random() * 13 * HOUR_MS
        : dayStart + random() * DAY_MS;
      if (t >= startMs && t < endMs - 2 * HOUR_MS) return Math.floor(t);
    }
  };

  org.services.forEach((service, si) => {
    for (let n = 0; n < counts[si]; n++) {
      const r = releases.length;
      const releaseId = `${service.name}@r${pad(n + 1, 5)}`;
      releases.push({ id: releaseId, service: si, entityRef: service.ref });
      let k = 0;
      const push = (t, type, extra) =>
        events.push({ t: Math.floor(t), r, k: k++, type, ...extra });
      const t0 = pickStart();
      const prs = 1 + Math.floor(random() * 4);
      for (let p = 0; p < prs; p++) {
        const lead = 30 * MIN_MS + random() ** 2.5 * 5 * DAY_MS;
        push(t0 - lead, T.pr_merged, { pr: prSeq++ });
      }
      push(t0, T.release_started, { n: prs });
      let t = t0;
      const canaryDraw = random();
      const canaries = canaryDraw < 0.2 ? 0 : canaryDraw < 0.8 ? 1 : 2;
      for (let c = 0; c < canaries; c++) {
        t += (2 + random() * 10) * MIN_MS;
        push(t, T.canary_started, {
          w: c === 0 ? 5 + Math.floor(random() * 20) : 50,
        });
      }
      const rolledBack = random() < service.risk;
      if (rolledBack) {
        if (random() < 0.5) {
          t += (5 + random() * 20) * MIN_MS;
          push(t, T.gate_failed, {});
        }
        t += (2 + random() * 25) * MIN_MS;
        push(t, T.rolled_back, { reason: Math.floor(random() * 2) });
      } else {
        t += (15 + random() * 75) * MIN_MS;
        push(t, T.promoted, {});
      }
      const outcomeAt = t;
      if (random() < 0.5)
        push(outcomeAt + (1 + random() * 10) * MIN_MS, T.release_finished, {});
      if (!rolledBack && random() < 0.05) {
        const at = outcomeAt + 10 * MIN_MS + random() ** 2 * 48 * HOUR_MS;
        const sd = random();
        const sev = sd < 0.1 ? 0 : sd < 0.35 ? 1 : sd < 0.7 ? 2 : 3;
        const inc = incSeq++;
        const named = random() < 0.5;
        push(at, T.incident_started, { inc, sev, noRelease: !named });
        push(at + (15 + random() * 345) * MIN_MS, T.incident_resolved, {
          inc,
          noRelease: !named,
        });
        if (named && sev <= 1) {
          if (random() < 0.7)
            push(at + (10 + random() * 230) * MIN_MS, T.slo_restored, {});
          else
            push(at + (10 + random() * 50) * MIN_MS, T.rolled_back, {
              reason: 2,
            });
        }
      }
    }
  });
  const kept = events.filter(e => e.t <= endMs);
  kept.sort((a, b) => a.t - b.t || a.r - b.r || a.k - b.k);
  return { releases, events: kept, startMs, endMs };
}

/**
 * A compact event as a pipeline posts it to `POST /api/release-ledger/events`.
 * Every event of a release carries its entity (the loader has batches in
 * flight at once, so a release's first event may not be committed when its
 * next one is checked); incidents sent without a release carry the entity
 * on the start only, as an incident tool that does not know the release.
 */
function toIngestEvent(org, history, e) {
  const release = history.releases[e.r];
  const service = org.services[release.service];
  const event = {
    eventId: `${release.id}/${e.k}`,
    type: TYPE_NAMES[e.type],
    timestamp: new Date(e.t).toISOString(),
    environment: 'production',
    attributes: {},
  };
  switch (e.type) {
    case T.pr_merged:
      event.attributes = {
        prNumber: e.pr,
        title: TITLES[e.pr % TITLES.length],
        author: AUTHORS[e.pr % AUTHORS.length],
      };
      break;
    case T.release_started:
      event.version = `1.${e.r}.0`;
      event.attributes = { changeCount: e.n };
      break;
    case T.canary_started:
      event.attributes = { weight: e.w };
      break;
    case T.gate_failed:
      event.attributes = { gate: 'error-rate' };
      break;
    case T.rolled_back:
      event.attributes = { reason: ROLLBACK_REASONS[e.reason] };
      break;
    case T.incident_started:
      event.attributes = {
        incidentId: `INC-${e.inc}`,
        severity: SEVERITIES[e.sev],
        title: 'elevated error rate',
      };
      break;
    case T.incident_resolved:
      event.attributes = { incidentId: `INC-${e.inc}` };
      break;
    default:
      break;
  }
  if (e.noRelease) {
    if (e.type === T.incident_started) event.entityRef = service.ref;
    return event;
  }
  return { ...event, releaseId: release.id, entityRef: service.ref };
}

module.exports = {
  ORG,
  FULL_RELEASES,
  HISTORY_DAYS,
  LIVE_SERVICE,
  TYPE_NAMES,
  buildOrg,
  catalogYaml,
  buildHistory,
  toIngestEvent,
};
