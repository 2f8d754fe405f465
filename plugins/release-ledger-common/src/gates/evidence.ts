import type { PromotionDecision } from '../promotion';
import type { NoDataPolicy } from './definitions';
import type { GateErrorResult, GateNoDataResult } from './results';
import type {
  CheckState,
  CheckVerdict,
  GateMeasurement,
  MeasurementOutcome,
} from './verdicts';

/*
 * The gate answers of the API (`GET /releases/{id}/gates`,
 * `POST .../gates/evaluate`, `POST .../gates/replay`), defined once for the
 * backend that builds them, the portal and the CLI that read them. The
 * OpenAPI spec's GateMeasurement, GateCheck, GateVerdict and GateEvaluation
 * schemas describe the same shapes.
 */

/**
 * A measured value as the API carries it: JSON has no Infinity, so an
 * infinite value arrives as `null` (the measurement's `valueText` says
 * `+Inf` or `-Inf`).
 *
 * @public
 */
export type GateValueEvidence = { kind: 'value'; value: number | null };

/**
 * One measurement of a gate check as the API shows it: the time, the query
 * exactly as sent, the provider's answer (with its own error message), its
 * 1-based slot and how it counted.
 *
 * @public
 */
export type GateMeasurementEvidence = Omit<GateMeasurement, 'result'> & {
  result: GateValueEvidence | GateNoDataResult | GateErrorResult;
  /** 1-based slot: measurement n is due n intervals after the start. */
  seq: number;
  outcome: MeasurementOutcome;
  /** The value as people read it; the only way JSON carries `+Inf`. */
  valueText?: string;
};

/**
 * A check of a gate with its settings, its verdict and every measurement.
 *
 * @public
 */
export type GateCheckEvidence = CheckVerdict & {
  kind: 'query' | 'alert';
  /** Query checks: the condition as text, e.g. `< 0.01` or `between 0.9 and 1`. */
  condition?: string;
  /** Query checks: the query template (each measurement has it as sent). */
  query?: string;
  /** Alert checks: the label matchers as configured. */
  labels?: Record<string, string>;
  interval: string;
  failureLimit: number;
  consecutiveSuccesses: number;
  errorLimit: number;
  /** What no data counts as: `fail`, `pass` or `inconclusive`. */
  noDataPolicy: NoDataPolicy;
  measurements: GateMeasurementEvidence[];
};

/**
 * A gate's verdict with the evidence for it.
 *
 * @public
 */
export type GateVerdictEvidence = {
  gate: string;
  provider: string;
  state: CheckState;
  /** What a pipeline acts on; a dry-run gate is always `passed` here. */
  enforced: CheckState;
  dryRun: boolean;
  reason: string;
  checks: GateCheckEvidence[];
};

/**
 * One evaluation of one gate for a release.
 *
 * @public
 */
export type GateEvaluation = GateVerdictEvidence & {
  id: string;
  releaseId: string;
  entityRef: string;
  version?: string;
  environment: string;
  startedAt: string;
  /** When the next measurement is due (while running). */
  nextDueAt?: string;
  finishedAt?: string;
};

/**
 * Answer of `GET /releases/{releaseId}/gates`: the latest evaluation of each
 * gate, none when no gate was evaluated.
 *
 * @public
 */
export type ReleaseGates = {
  releaseId: string;
  evaluations: GateEvaluation[];
  /**
   * Whether the release may be promoted now: each gate's newest evaluation
   * passed and no required pre-release checklist item is open.
   */
  promotion: PromotionDecision;
};

/**
 * Answer of `POST /releases/{releaseId}/gates/evaluate`: the evaluation
 * started, or the one already running for that gate (`created: false`).
 *
 * @public
 */
export type GateEvaluationStarted = {
  created: boolean;
  evaluation: GateEvaluation;
};

/**
 * A release's canary window: from the canary's start to its promotion or
 * rollback (or now, `ongoing`).
 *
 * @public
 */
export type CanaryWindow = { start: string; end: string; ongoing: boolean };

/**
 * Answer of `POST /releases/{releaseId}/gates/replay`: the verdict a gate
 * would have reached over the release's canary window. Nothing of it is
 * stored.
 *
 * @public
 */
export type GateReplay = GateVerdictEvidence & {
  releaseId: string;
  replay: true;
  window: CanaryWindow;
  /** False when the window ended before the gate decided (then inconclusive). */
  complete: boolean;
};
