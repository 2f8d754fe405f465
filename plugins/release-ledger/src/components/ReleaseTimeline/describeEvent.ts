import type { ReleaseEvent } from '@release-ledger/plugin-release-ledger-common';
import { formatFlagValue, shortCommit } from '../../utils/format';

/** How an event reads on a timeline. */
export type EventKind = 'success' | 'failure' | 'warning' | 'info';

export type EventDescription = {
  /** Short heading, e.g. "Canary started". */
  title: string;
  /** One line of detail, e.g. "10% of traffic"; plain text. */
  detail?: string;
  kind: EventKind;
};

function str(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value.trim() || undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    return String(value);
  }
  return undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

function join(parts: Array<string | undefined | false>, separator = ' · ') {
  const kept = parts.filter((p): p is string => Boolean(p));
  return kept.length ? kept.join(separator) : undefined;
}

function by(text: string | undefined, who: string | undefined) {
  if (text && who) {
    return `${text} — ${who}`;
  }
  return text ?? (who ? `by ${who}` : undefined);
}

/**
 * Turns a stored event into one readable line. Attributes come from
 * pipelines, so every field is checked rather than trusted; the result is
 * plain text for React to render.
 */
export function describeEvent(event: ReleaseEvent): EventDescription {
  const a = event.attributes ?? {};
  switch (event.type) {
    case 'pr_merged': {
      const pr = num(a.prNumber);
      const title = join([pr !== undefined && `#${pr}`, str(a.title)], ' ');
      return {
        title: 'PR merged',
        detail: by(title, str(a.author)),
        kind: 'info',
      };
    }
    case 'release_started': {
      const risk = str(a.risk);
      const changes = num(a.changeCount);
      return {
        title: 'Release started',
        detail: join([
          event.version && `version ${event.version}`,
          event.commit && `commit ${shortCommit(event.commit)}`,
          changes !== undefined &&
            `${changes} change${changes === 1 ? '' : 's'}`,
          str(a.plan) && `plan: ${str(a.plan)}`,
          risk && `risk: ${risk}`,
        ]),
        kind: 'info',
      };
    }
    case 'canary_started': {
      const weight = num(a.weight);
      return {
        title: 'Canary started',
        detail: weight !== undefined ? `${weight}% of traffic` : undefined,
        kind: 'info',
      };
    }
    case 'canary_passed':
      return { title: 'Canary passed', kind: 'success' };
    case 'gate_evaluated': {
      const verdict = str(a.verdict);
      const gate = str(a.gate);
      let kind: EventKind = 'warning';
      if (verdict === 'pass') {
        kind = 'success';
      } else if (verdict === 'fail') {
        kind = 'failure';
      }
      return {
        title: gate ? `Gate ${gate} evaluated` : 'Gate evaluated',
        detail: join([verdict, str(a.reason)], ' — '),
        kind,
      };
    }
    case 'gate_failed': {
      const gate = str(a.gate);
      return {
        title: gate ? `Gate ${gate} failed` : 'Gate failed',
        detail: str(a.reason),
        kind: 'failure',
      };
    }
    case 'promoted': {
      const weight = num(a.weight);
      return {
        title: 'Promoted',
        detail: weight !== undefined ? `${weight}% of traffic` : undefined,
        kind: 'success',
      };
    }
    case 'rolled_back': {
      const owner = str(a.owner);
      return {
        title: 'Rolled back',
        detail: join([str(a.reason), owner && `by ${owner}`], ' — '),
        kind: 'failure',
      };
    }
    case 'release_finished':
      return {
        title: 'Release finished',
        detail: str(a.summary),
        kind: 'info',
      };
    case 'incident_started': {
      const severity = str(a.severity);
      return {
        title: 'Incident started',
        detail: join(
          [str(a.incidentId), severity && `(${severity})`, str(a.title)],
          ' ',
        ),
        kind: 'failure',
      };
    }
    case 'incident_resolved':
      return {
        title: 'Incident resolved',
        detail: str(a.incidentId),
        kind: 'success',
      };
    case 'slo_restored':
      return {
        title: 'SLO restored',
        detail: str(a.slo),
        kind: 'success',
      };
    case 'flag_toggled': {
      const flag = str(a.flag) ?? 'flag';
      const change =
        'from' in a
          ? `${formatFlagValue(a.from)} → ${formatFlagValue(a.to)}`
          : `→ ${formatFlagValue(a.to)}`;
      return {
        title: 'Flag toggled',
        detail: `${flag}: ${change}`,
        kind: 'info',
      };
    }
    case 'checklist_item_checked':
      return {
        title: 'Checklist item checked',
        detail: by(str(a.item), str(a.by)),
        kind: 'success',
      };
    case 'note_added':
      return {
        title: 'Note',
        detail: by(str(a.text), str(a.author)),
        kind: 'info',
      };
    default:
      return {
        title: String((event as { type: unknown }).type),
        kind: 'info',
      };
  }
}
