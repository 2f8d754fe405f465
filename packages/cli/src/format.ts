import {
  evaluateCondition,
  formatGateValue,
  parseCondition,
  type IngestResult,
} from '@release-ledger/plugin-release-ledger-common';
import type {
  GateCheckEvidence,
  GateEvaluation,
  GateMeasurementEvidence,
} from './api';
import { enforcedState } from './gate';

/** `created release_started payments-api@1.2.3 (event derived-…)`. */
export function formatEventResult(result: IngestResult, type?: string): string {
  const what = [result.status, type, result.releaseId]
    .filter(Boolean)
    .join(' ');
  const note =
    result.status === 'duplicate' ? '; already recorded, nothing changed' : '';
  return `${what} (event ${result.eventId}${note})`;
}

/** `2026-11-27 12:03:00Z`. */
function formatTime(iso: string | undefined): string {
  if (!iso) return '?';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

function measuredValue(m: GateMeasurementEvidence): string {
  const r = m.result;
  switch (r?.kind) {
    case 'value':
      // JSON carries an infinite value as null; valueText names it.
      return (
        m.valueText ??
        (r.value === null ? 'infinite' : formatGateValue(r.value))
      );
    case 'no-data':
      return r.cause === 'nan' ? 'no data (NaN)' : 'no data';
    case 'error':
      return `error ${r.errorType}${
        r.httpStatus ? ` (HTTP ${r.httpStatus})` : ''
      }`;
    default:
      return '?';
  }
}

/** The server's outcome, or — when it sends none — the value against the condition. */
function outcomeOf(
  check: GateCheckEvidence,
  m: GateMeasurementEvidence,
): string {
  if (m.outcome) return m.outcome;
  const r = m.result;
  if (r?.kind === 'error') return 'error';
  if (r?.kind === 'value' && r.value !== null && check.condition) {
    try {
      return evaluateCondition(r.value, parseCondition(check.condition))
        ? 'pass'
        : 'fail';
    } catch {
      return '?';
    }
  }
  return '?';
}

const STATE_LABEL: Record<string, string> = {
  passed: 'PASSED',
  failed: 'FAILED',
  inconclusive: 'INCONCLUSIVE',
  running: 'RUNNING',
};

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function formatCheck(check: GateCheckEvidence): string[] {
  const tags = [
    check.key ? 'key' : 'non-key',
    check.dryRun ? 'dry run' : undefined,
    check.kind === 'alert' ? 'alert' : undefined,
  ].filter(Boolean);
  const lines = [
    `  check '${check.name}' (${tags.join(', ')}): ${check.state} — ${
      check.reason
    }`,
  ];
  const counts = [
    `${check.taken ?? 0} of ${check.count ?? '?'} measurements`,
    `${check.passes ?? 0} passed`,
    `${check.failures ?? 0} failed`,
    `${check.errors ?? 0} errored`,
    `${check.noData ?? 0} without data`,
  ];
  if (check.noDataPolicy) {
    counts.push(`no data counts as ${check.noDataPolicy}`);
  }
  lines.push(`    ${counts.join(', ')}`);
  if (check.kind === 'alert' && check.labels) {
    lines.push(
      `    alerts: release_gate="true", ${Object.entries(check.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(', ')}`,
    );
  }
  const condition =
    check.condition ?? (check.kind === 'alert' ? 'no firing alert' : '?');
  let lastQuery: string | undefined;
  for (const m of check.measurements ?? []) {
    if (m.query && m.query !== lastQuery) {
      lines.push(`    query: ${m.query}`);
      lastQuery = m.query;
    }
    const error = m.result?.kind === 'error' ? `  ${m.result.message}` : '';
    const detail = m.detail ? `  ${m.detail}` : '';
    lines.push(
      `    ${formatTime(m.at)}  ${pad(measuredValue(m), 14)}  ${pad(
        condition,
        18,
      )}  ${pad(outcomeOf(check, m), 7)}${error}${detail}`.trimEnd(),
    );
  }
  if (!check.measurements?.length) {
    lines.push('    no measurements yet');
  }
  return lines;
}

/** The evidence: every check with its measurements, then the verdict and its reason. */
export function formatEvidence(evaluation: GateEvaluation): string {
  const enforced = enforcedState(evaluation);
  const lines = [
    `gate '${evaluation.gate}'${
      evaluation.releaseId ? ` for ${evaluation.releaseId}` : ''
    }${evaluation.dryRun ? ' (dry run: recorded, never blocks)' : ''}`,
  ];
  const about = [
    evaluation.version ? `version ${evaluation.version}` : undefined,
    evaluation.environment,
    evaluation.provider ? `provider ${evaluation.provider}` : undefined,
    evaluation.startedAt
      ? `started ${formatTime(evaluation.startedAt)}`
      : undefined,
    evaluation.finishedAt
      ? `finished ${formatTime(evaluation.finishedAt)}`
      : undefined,
  ].filter(Boolean);
  if (about.length) {
    lines.push(`  ${about.join(', ')}`);
  }
  for (const check of evaluation.checks) {
    lines.push(...formatCheck(check));
  }
  const label = STATE_LABEL[evaluation.state] ?? evaluation.state;
  const enforcedNote =
    enforced !== evaluation.state
      ? ` (enforced: ${STATE_LABEL[enforced] ?? enforced})`
      : '';
  lines.push(`  verdict: ${label}${enforcedNote}`);
  lines.push(`  reason: ${evaluation.reason || '(none given)'}`);
  return lines.join('\n');
}

/** One line per evaluation for progress while waiting. */
export function formatProgress(evaluation: GateEvaluation): string {
  return `gate '${evaluation.gate}' ${evaluation.state}: ${evaluation.reason}`;
}
