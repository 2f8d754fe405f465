import { describeViolation, evaluateCondition } from './conditions';
import { GateCheckDefinition, GateDefinition } from './definitions';
import { GateQueryResult } from './results';

/**
 * One measurement of a check: when, the query as sent, and what came back.
 * For alert checks the value is the number of firing alerts and `detail`
 * names them.
 *
 * @public
 */
export type GateMeasurement = {
  /** ISO 8601 time the measurement is for. */
  at: string;
  query: string;
  result: GateQueryResult;
  detail?: string;
};

/** How one measurement counts for its check. @public */
export type MeasurementOutcome = 'pass' | 'fail' | 'no-data' | 'error';

/** @public */
export type CheckState = 'running' | 'passed' | 'failed' | 'inconclusive';

/** @public */
export type CheckVerdict = {
  name: string;
  key: boolean;
  dryRun: boolean;
  state: CheckState;
  reason: string;
  /** Measurements counted (at most the check's `count`). */
  taken: number;
  count: number;
  passes: number;
  failures: number;
  errors: number;
  /** No-data measurements that counted as neither pass nor fail (policy `inconclusive`). */
  noData: number;
};

/** @public */
export type GateVerdict = {
  gate: string;
  /** The verdict over the gate's deciding key checks. */
  state: CheckState;
  /**
   * What a pipeline acts on: `state`, except for a dry-run gate, which never
   * blocks and is always `passed` here (its real verdict stays in `state`).
   */
  enforced: CheckState;
  dryRun: boolean;
  reason: string;
  checks: CheckVerdict[];
};

const EXAMPLES_SHOWN = 3;

/**
 * How a measurement counts: a value against the check's condition (for
 * alert checks: no firing alert passes); no data — including a NaN value —
 * by the check's `noData` policy, where `inconclusive` counts as `no-data`;
 * provider errors as `error`.
 *
 * @public
 */
export function classifyMeasurement(
  check: GateCheckDefinition,
  measurement: GateMeasurement,
): MeasurementOutcome {
  const { result } = measurement;
  if (result.kind === 'error') {
    return 'error';
  }
  if (result.kind === 'no-data' || Number.isNaN(result.value)) {
    if (check.noData === 'inconclusive') {
      return 'no-data';
    }
    return check.noData;
  }
  if (check.kind === 'alert') {
    return result.value === 0 ? 'pass' : 'fail';
  }
  return evaluateCondition(result.value, check.condition) ? 'pass' : 'fail';
}

/**
 * The state of a check from its measurements so far (in any order; only the
 * first `count` by time are counted):
 *
 * - `failed` as soon as failures exceed `failureLimit`;
 * - `inconclusive` as soon as errors exceed `errorLimit` (the metrics could
 *   not be read, which says nothing about the canary);
 * - `running` until `count` measurements are taken;
 * - then `passed` when the last `consecutiveSuccesses` measurements passed in
 *   a row. Errors within the limit are skipped in that run; a failure or an
 *   inconclusive no-data ends it. When the run is too short the check is
 *   `failed` if a failure broke it (flapping), else `inconclusive`.
 *
 * @public
 */
export function evaluateCheck(
  check: GateCheckDefinition,
  measurements: readonly GateMeasurement[],
): CheckVerdict {
  const counted = byTime(measurements).slice(0, check.count);
  const outcomes = counted.map(m => classifyMeasurement(check, m));
  const tally = emptyTally();
  for (const outcome of outcomes) addOutcome(tally, outcome);
  const base = {
    name: check.name,
    key: check.key,
    dryRun: check.dryRun,
    taken: tally.taken,
    count: check.count,
    passes: tally.passes,
    failures: tally.failures,
    errors: tally.errors,
    noData: tally.noData,
  };
  const state = checkState(check, tally);
  const verdict = (reason: string): CheckVerdict => ({
    ...base,
    state,
    reason,
  });
  const where = (outcome: MeasurementOutcome) =>
    counted.filter((_, i) => outcomes[i] === outcome);

  if (base.failures > check.failureLimit) {
    return verdict(
      `${base.failures} of ${base.taken} measurements failed (limit ${
        check.failureLimit
      }): ${examples(where('fail'), m => describeFailure(check, m))}`,
    );
  }
  if (base.errors > check.errorLimit) {
    return verdict(
      `${base.errors} of ${base.taken} measurements errored (limit ${
        check.errorLimit
      }): ${examples(where('error'), describeError)}`,
    );
  }
  if (state === 'running') {
    return verdict(
      `${base.taken} of ${check.count} measurements taken${tallies(
        check,
        base,
      )}`,
    );
  }
  if (state === 'passed') {
    const inARow =
      check.consecutiveSuccesses > 1
        ? `; the last ${check.consecutiveSuccesses} passed in a row`
        : '';
    return verdict(
      `${base.passes} of ${base.taken} measurements passed${tallies(
        check,
        base,
      )}${inARow}`,
    );
  }
  const needed = `needs the last ${check.consecutiveSuccesses} measurement(s) to pass in a row, got ${tally.run}`;
  const { breaker } = tally;
  if (breaker?.outcome === 'fail') {
    return verdict(
      `${needed}: ${describeFailure(check, counted[breaker.index])}${tallies(
        check,
        base,
      )}`,
    );
  }
  if (breaker) {
    return verdict(
      `${needed}: no data at ${formatTime(
        counted[breaker.index].at,
      )} (noData: inconclusive); no data in ${base.noData} of ${
        base.taken
      } measurements`,
    );
  }
  return verdict(
    `${needed}: ${base.errors} of ${base.taken} measurements errored${
      base.errors ? `, last: ${describeError(where('error').pop()!)}` : ''
    }`,
  );
}

/**
 * A check's measurement outcomes counted in time order: all that its state
 * depends on. Adding one more is O(1), so a loop that re-judges a check after
 * every measurement stays linear.
 *
 * @public
 */
export type CheckTally = {
  taken: number;
  passes: number;
  failures: number;
  errors: number;
  noData: number;
  /** Passes since the last failure or no-data; errors do not end it. */
  run: number;
  /** The last failure or no-data (0-based in time order): what ended the run. */
  breaker?: { index: number; outcome: 'fail' | 'no-data' };
};

/** @public */
export function emptyTally(): CheckTally {
  return { taken: 0, passes: 0, failures: 0, errors: 0, noData: 0, run: 0 };
}

/** Counts the next outcome of a check, in time order (changes `tally`). @public */
export function addOutcome(
  tally: CheckTally,
  outcome: MeasurementOutcome,
): void {
  const index = tally.taken;
  tally.taken += 1;
  if (outcome === 'pass') {
    tally.passes += 1;
    tally.run += 1;
  } else if (outcome === 'error') {
    tally.errors += 1;
  } else {
    if (outcome === 'fail') tally.failures += 1;
    else tally.noData += 1;
    tally.run = 0;
    tally.breaker = { index, outcome };
  }
}

/**
 * A check's state from its tally (of at most `count` measurements); see
 * `evaluateCheck`.
 *
 * @public
 */
export function checkState(
  check: GateCheckDefinition,
  tally: CheckTally,
): CheckState {
  if (tally.failures > check.failureLimit) return 'failed';
  if (tally.errors > check.errorLimit) return 'inconclusive';
  if (tally.taken < check.count) return 'running';
  if (tally.run >= check.consecutiveSuccesses) return 'passed';
  // A failure broke the run (flapping); else no data or errors did.
  return tally.breaker?.outcome === 'fail' ? 'failed' : 'inconclusive';
}

/** Measurements in time order (each time parsed once, not per comparison). */
function byTime<T extends { at: string }>(measurements: readonly T[]): T[] {
  return measurements
    .map(m => ({ m, ms: Date.parse(m.at) }))
    .sort((a, b) => a.ms - b.ms)
    .map(({ m }) => m);
}

function tallies(
  check: GateCheckDefinition,
  base: Pick<CheckVerdict, 'failures' | 'errors' | 'noData'>,
): string {
  const parts: string[] = [];
  if (base.failures) {
    parts.push(`${base.failures} failed (limit ${check.failureLimit})`);
  }
  if (base.errors) {
    parts.push(`${base.errors} errored (limit ${check.errorLimit})`);
  }
  if (base.noData) {
    parts.push(`${base.noData} without data`);
  }
  return parts.length ? `; ${parts.join(', ')}` : '';
}

function examples(
  measurements: GateMeasurement[],
  describe: (m: GateMeasurement) => string,
): string {
  const shown = measurements.slice(0, EXAMPLES_SHOWN).map(describe).join(', ');
  const more = measurements.length - EXAMPLES_SHOWN;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

function describeFailure(
  check: GateCheckDefinition,
  measurement: GateMeasurement,
): string {
  const { result } = measurement;
  const at = formatTime(measurement.at);
  if (result.kind !== 'value' || Number.isNaN(result.value)) {
    return `no data at ${at} (noData: fail)`;
  }
  if (check.kind === 'alert') {
    const alerts = `${result.value} firing alert${
      result.value === 1 ? '' : 's'
    }`;
    return `${alerts} at ${at}${
      measurement.detail ? ` (${measurement.detail})` : ''
    }`;
  }
  return `${describeViolation(result.value, check.condition)} at ${at}`;
}

function describeError(measurement: GateMeasurement): string {
  const { result } = measurement;
  const message = result.kind === 'error' ? result.message : 'error';
  return `${message} at ${formatTime(measurement.at)}`;
}

/** `12:03 UTC`, or `12:03:30 UTC` when the seconds matter. */
function formatTime(iso: string): string {
  const time = new Date(iso).toISOString().slice(11, 19);
  return `${time.endsWith(':00') ? time.slice(0, 5) : time} UTC`;
}

/**
 * A check's measurements from a record by check name, reading own keys only:
 * a check may be named `constructor`, which a plain object inherits.
 *
 * @public
 */
export function checkMeasurements<T>(
  measurements: Readonly<Record<string, readonly T[]>>,
  check: string,
): readonly T[] {
  return Object.hasOwn(measurements, check) ? measurements[check] : [];
}

/** Whether a check decides its gate: a key check, not dry-run unless the whole gate is. @public */
export function isDeciding(
  gate: Pick<GateDefinition, 'dryRun'>,
  check: Pick<GateCheckDefinition, 'key' | 'dryRun'>,
): boolean {
  return check.key && (gate.dryRun || !check.dryRun);
}

/** How many of a gate's deciding checks there are, and how many are in each undecided or bad state. @public */
export type DecidingCounts = {
  deciding: number;
  failed: number;
  running: number;
  inconclusive: number;
};

/** A gate's state from its deciding checks' states; see `evaluateGate`. @public */
export function gateState(counts: DecidingCounts): CheckState {
  if (counts.deciding === 0) return 'inconclusive';
  if (counts.failed) return 'failed';
  if (counts.running) return 'running';
  if (counts.inconclusive) return 'inconclusive';
  return 'passed';
}

/**
 * The gate's verdict from its checks' measurements (by check name). The
 * deciding checks are the key checks — on a dry-run gate all of them, else
 * those not marked dryRun:
 *
 * - any deciding check failed → `failed`;
 * - else any still running → `running`;
 * - else any inconclusive → `inconclusive`;
 * - else (all passed) → `passed`.
 *
 * Non-key and dry-run checks are evaluated and reported, never decide.
 *
 * @public
 */
export function evaluateGate(
  gate: GateDefinition,
  measurements: Readonly<Record<string, readonly GateMeasurement[]>>,
): GateVerdict {
  const checks = gate.checks.map(check =>
    evaluateCheck(check, checkMeasurements(measurements, check.name)),
  );
  const decides = gate.checks.map(check => isDeciding(gate, check));
  const deciding = checks.filter((_, i) => decides[i]);
  const inState = (s: CheckState) => deciding.filter(c => c.state === s);
  const [failed, running, inconclusive] = [
    inState('failed'),
    inState('running'),
    inState('inconclusive'),
  ];
  const state = gateState({
    deciding: deciding.length,
    failed: failed.length,
    running: running.length,
    inconclusive: inconclusive.length,
  });

  let reason: string;
  if (deciding.length === 0) {
    reason = 'no key check decides this gate';
  } else if (state === 'failed') {
    reason = failed
      .map(c => `key check '${c.name}' failed: ${c.reason}`)
      .join('; ');
  } else if (state === 'running') {
    reason = `waiting for ${running
      .map(c => `'${c.name}' (${c.taken} of ${c.count} measurements)`)
      .join(', ')}`;
  } else if (state === 'inconclusive') {
    reason = inconclusive
      .map(c => `key check '${c.name}' inconclusive: ${c.reason}`)
      .join('; ');
  } else {
    reason = `all ${deciding.length} key check${
      deciding.length === 1 ? '' : 's'
    } passed`;
  }

  const notes = checks
    .filter((_, i) => !decides[i])
    .filter(c => c.state === 'failed' || c.state === 'inconclusive')
    .map(c =>
      c.dryRun && !gate.dryRun
        ? `dry-run check '${c.name}' would have ${
            c.state === 'failed' ? 'failed' : 'been inconclusive'
          }`
        : `non-key check '${c.name}' ${c.state}`,
    );
  if (notes.length) {
    reason += `; ${notes.join('; ')}`;
  }
  return {
    gate: gate.name,
    state,
    enforced: gate.dryRun ? 'passed' : state,
    dryRun: gate.dryRun,
    reason: gate.dryRun ? `dry run, not enforced: ${reason}` : reason,
    checks,
  };
}

/**
 * A gate's state kept up to date one measurement at a time, for loops that
 * re-judge the gate after each measurement (evaluations, replays): adding a
 * measurement is O(1) where `evaluateGate` re-reads them all. Its states are
 * `evaluateGate`'s, from the same `checkState` and `gateState`; for the
 * reasons, call `evaluateGate` once at the end.
 *
 * @public
 */
export class GateTally {
  readonly #gate: GateDefinition;
  readonly #tallies: CheckTally[];
  readonly #states: CheckState[];
  readonly #counts: DecidingCounts;
  #running = 0;

  constructor(
    gate: GateDefinition,
    measurements: Readonly<Record<string, readonly GateMeasurement[]>> = {},
  ) {
    this.#gate = gate;
    this.#tallies = gate.checks.map(() => emptyTally());
    this.#states = gate.checks.map(() => 'running');
    this.#counts = {
      deciding: gate.checks.filter(c => isDeciding(gate, c)).length,
      failed: 0,
      running: 0,
      inconclusive: 0,
    };
    gate.checks.forEach((check, i) => {
      this.#count(i, 'running', +1);
      for (const m of byTime(checkMeasurements(measurements, check.name))) {
        this.add(i, m);
      }
    });
  }

  /**
   * Counts check `index`'s next measurement, which must be later than its
   * others; past the check's `count` it is ignored, as `evaluateCheck` does.
   */
  add(index: number, measurement: GateMeasurement): void {
    const check = this.#gate.checks[index];
    const tally = this.#tallies[index];
    if (tally.taken >= check.count) return;
    addOutcome(tally, classifyMeasurement(check, measurement));
    const before = this.#states[index];
    const after = checkState(check, tally);
    if (after === before) return;
    this.#states[index] = after;
    this.#count(index, before, -1);
    this.#count(index, after, +1);
  }

  /** Measurements counted for check `index`. */
  taken(index: number): number {
    return this.#tallies[index].taken;
  }

  checkState(index: number): CheckState {
    return this.#states[index];
  }

  /** The gate's state, as `evaluateGate` would answer it now. */
  get state(): CheckState {
    return gateState(this.#counts);
  }

  /** Checks of any kind (key or not) still running. */
  get runningChecks(): number {
    return this.#running;
  }

  #count(index: number, state: CheckState, by: 1 | -1): void {
    if (state === 'running') this.#running += by;
    if (!isDeciding(this.#gate, this.#gate.checks[index])) return;
    if (state === 'failed') this.#counts.failed += by;
    else if (state === 'running') this.#counts.running += by;
    else if (state === 'inconclusive') this.#counts.inconclusive += by;
  }
}
