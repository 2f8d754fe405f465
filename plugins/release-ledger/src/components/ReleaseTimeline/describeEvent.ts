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
 * Turns a stored event into one readable line; the result is plain text for
 * React to render. The ledger validated each event's attributes against its
 * type when it accepted it, so `switch (event.type)` gives them typed.
 */
export function describeEvent(event: ReleaseEvent): EventDescription {
  switch (event.type) {
    case 'pr_merged': {
      const a = event.attributes;
      return {
        title: 'PR merged',
        detail: by(`#${a.prNumber} ${a.title}`, a.author),
        kind: 'info',
      };
    }
    case 'release_started': {
      const a = event.attributes;
      // Counted by the pipeline, or the commits its range holds.
      const changes = a.changeCount ?? a.commitCount ?? a.commits?.length;
      return {
        title: 'Release started',
        detail: join([
          event.version && `version ${event.version}`,
          event.commit && `commit ${shortCommit(event.commit)}`,
          changes !== undefined &&
            `${changes} change${changes === 1 ? '' : 's'}`,
          a.plan && `plan: ${a.plan}`,
          a.risk && `risk: ${a.risk}`,
        ]),
        kind: 'info',
      };
    }
    case 'canary_started':
      return {
        title: 'Canary started',
        detail: `${event.attributes.weight}% of traffic`,
        kind: 'info',
      };
    case 'canary_passed':
      return { title: 'Canary passed', kind: 'success' };
    case 'gate_evaluated': {
      const { gate, verdict, reason } = event.attributes;
      let kind: EventKind = 'warning';
      if (verdict === 'pass') {
        kind = 'success';
      } else if (verdict === 'fail') {
        kind = 'failure';
      }
      return {
        title: gate ? `Gate ${gate} evaluated` : 'Gate evaluated',
        detail: join([verdict, reason], ' — '),
        kind,
      };
    }
    case 'gate_failed': {
      const { gate, reason } = event.attributes;
      return {
        title: gate ? `Gate ${gate} failed` : 'Gate failed',
        detail: reason,
        kind: 'failure',
      };
    }
    case 'promoted': {
      const weight = event.attributes.weight;
      return {
        title: 'Promoted',
        detail: weight !== undefined ? `${weight}% of traffic` : undefined,
        kind: 'success',
      };
    }
    case 'rolled_back': {
      const { reason, owner } = event.attributes;
      return {
        title: 'Rolled back',
        detail: join([reason, owner && `by ${owner}`], ' — '),
        kind: 'failure',
      };
    }
    case 'release_finished':
      return {
        title: 'Release finished',
        detail: event.attributes.summary,
        kind: 'info',
      };
    case 'incident_started': {
      const { incidentId, severity, title } = event.attributes;
      return {
        title: 'Incident started',
        detail: join([incidentId, `(${severity})`, title], ' '),
        kind: 'failure',
      };
    }
    case 'incident_resolved':
      return {
        title: 'Incident resolved',
        detail: event.attributes.incidentId,
        kind: 'success',
      };
    case 'slo_restored':
      return {
        title: 'SLO restored',
        detail: event.attributes.slo,
        kind: 'success',
      };
    case 'flag_toggled': {
      const a = event.attributes;
      const change =
        'from' in a
          ? `${formatFlagValue(a.from)} → ${formatFlagValue(a.to)}`
          : `→ ${formatFlagValue(a.to)}`;
      return {
        title: 'Flag toggled',
        detail: `${a.flag}: ${change}`,
        kind: 'info',
      };
    }
    case 'checklist_item_checked':
      return event.attributes.checked === false
        ? {
            title: 'Checklist item unchecked',
            detail: by(event.attributes.item, event.attributes.by),
            kind: 'warning',
          }
        : {
            title: 'Checklist item checked',
            detail: by(event.attributes.item, event.attributes.by),
            kind: 'success',
          };
    case 'note_added':
      return {
        title: 'Note',
        detail: by(event.attributes.text, event.attributes.author),
        kind: 'info',
      };
    default:
      // A type newer than this frontend: show its name.
      return {
        title: String((event as { type: unknown }).type),
        kind: 'info',
      };
  }
}
