import type { CheckState } from '@release-ledger/plugin-release-ledger-common';

/**
 * What every command exits with:
 * - 0: done (events recorded, gate passed);
 * - 1: the gate failed — roll back;
 * - 2: anything else — gate inconclusive, still running when the wait ended,
 *   an HTTP or connection error, a refused event, a wrong command line;
 * - 3: the gate passed but required pre-release checklist items are not
 *   ticked — hold: tick them, then run the gate again (no rollback).
 */
export const EXIT_OK = 0;
export const EXIT_GATE_FAILED = 1;
export const EXIT_ERROR = 2;
export const EXIT_CHECKLIST_OPEN = 3;

export type GateOutcome = CheckState | 'timeout';

/** Exit code for a gate outcome: only `passed` is 0 and only `failed` is 1. */
export function exitCodeForGate(outcome: GateOutcome): number {
  switch (outcome) {
    case 'passed':
      return EXIT_OK;
    case 'failed':
      return EXIT_GATE_FAILED;
    default:
      return EXIT_ERROR;
  }
}
