import type { ReleaseChecklist } from './checklists';
import type { GateEvaluation } from './gates/evidence';
import type { CheckState } from './gates/verdicts';

/*
 * Whether a release may be promoted: its gates' verdicts and its checklist's
 * required pre-release items, decided the same way by the ledger (in the
 * gates answer) and by the CLI's `gate`.
 */

/** Whether an evaluation has reached its verdict. @public */
export function isGateSettled(evaluation: GateEvaluation): boolean {
  return evaluation.state !== 'running';
}

/**
 * What a pipeline acts on: `enforced` when the ledger gives it (a dry-run
 * gate passes whatever it measured), else `state`.
 *
 * @public
 */
export function enforcedGateState(evaluation: GateEvaluation): CheckState {
  if (!isGateSettled(evaluation)) return 'running';
  return evaluation.enforced ?? evaluation.state;
}

function startedMs(e: GateEvaluation): number {
  const t = Date.parse(e.startedAt ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/** The newest evaluation of each gate. @public */
export function latestEvaluationPerGate(
  evaluations: readonly GateEvaluation[],
): GateEvaluation[] {
  const byGate = new Map<string, GateEvaluation>();
  for (const e of evaluations) {
    const seen = byGate.get(e.gate);
    if (!seen || startedMs(e) >= startedMs(seen)) byGate.set(e.gate, e);
  }
  return [...byGate.values()];
}

/**
 * Several gates' verdicts taken together: any failed → failed; else any
 * inconclusive → inconclusive; else any running → running; else passed. No
 * evaluation at all is inconclusive: no promotion without a verdict.
 *
 * @public
 */
export function combineGateStates(states: readonly CheckState[]): CheckState {
  if (states.length === 0) return 'inconclusive';
  if (states.includes('failed')) return 'failed';
  if (states.includes('inconclusive')) return 'inconclusive';
  if (states.includes('running')) return 'running';
  return 'passed';
}

/** A checklist item that holds a release. @public */
export type OpenChecklistItem = { id: string; text: string };

/**
 * What a release's checklist says about promoting it: the required
 * pre-release items still open (they hold the release), or a note when the
 * checklist could not be read (which holds nothing: a file that is missing
 * or an SCM host that is away must not stop every release).
 *
 * @public
 */
export function checklistHold(checklist: ReleaseChecklist | undefined): {
  open: OpenChecklistItem[];
  note?: string;
} {
  if (!checklist) return { open: [] };
  if (checklist.state === 'pending') {
    return {
      open: [],
      note: 'checklist: not read yet (the release started moments ago); not checked',
    };
  }
  if (checklist.state === 'unavailable') {
    return {
      open: [],
      note: `checklist unavailable, not checked: ${
        checklist.reason ?? 'no reason given'
      }`,
    };
  }
  const items = new Map(
    (checklist.checklist?.sections ?? [])
      .flatMap(section => section.items)
      .map(item => [item.id, item.text]),
  );
  return {
    open: checklist.openRequired.map(id => ({
      id,
      text: items.get(id) ?? id,
    })),
  };
}

/**
 * Whether a release may be promoted now.
 *
 * @public
 */
export type PromotionDecision = {
  /** The gates passed (each gate's newest evaluation) and no required pre-release item is open. */
  promotable: boolean;
  /** The gates' combined enforced verdict. */
  gate: CheckState;
  /** Required pre-release checklist items not ticked: each holds the release. */
  openChecklistItems: OpenChecklistItem[];
  /** Why the checklist was not checked (not read yet, or unavailable), when so. */
  checklistNote?: string;
};

/** @public */
export function decidePromotion(
  evaluations: readonly GateEvaluation[],
  checklist: ReleaseChecklist | undefined,
): PromotionDecision {
  const gate = combineGateStates(
    latestEvaluationPerGate(evaluations).map(enforcedGateState),
  );
  const hold = checklistHold(checklist);
  return {
    promotable: gate === 'passed' && hold.open.length === 0,
    gate,
    openChecklistItems: hold.open,
    ...(hold.note ? { checklistNote: hold.note } : {}),
  };
}
