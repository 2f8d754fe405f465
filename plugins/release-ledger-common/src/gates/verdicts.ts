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
  const counted = [...measurements]
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .slice(0, check.count);
  const outcomes = counted.map(m => classifyMeasurement(check, m));
  const tally = (outcome: MeasurementOutcome) =>
    outcomes.filter(o => o === outcome).length;
  const base = {
    name: check.name,
    key: check.key,
    dryRun: check.dryRun,
    taken: counted.length,
    count: check.count,
    passes: tally('pass'),
    failures: tally('fail'),
    errors: tally('error'),
    noData: tally('no-data'),
  };
  const verdict = (state: CheckState, reason: string): CheckVerdict => ({
    ...base,
    state,
    reason,
  });
  const where = (outcome: MeasurementOutcome) =>
    counted.filter((_, i) => outcomes[i] === outcome);

  if (base.failures > check.failureLimit) {
    return verdict(
      'failed',
      `${base.failures} of ${base.taken} measurements failed (limit ${
        check.failureLimit
      }): ${examples(where('fail'), m => describeFailure(check, m))}`,
    );
  }
  if (base.errors > check.errorLimit) {
    return verdict(
      'inconclusive',
      `${base.errors} of ${base.taken} measurements errored (limit ${
        check.errorLimit
      }): ${examples(where('error'), describeError)}`,
    );
  }
  if (base.taken < check.count) {
    return verdict(
      'running',
      `${base.taken} of ${check.count} measurements taken${tallies(
        check,
        base,
      )}`,
    );
  }

  let run = 0;
  let breaker: number | undefined;
  for (let i = outcomes.length - 1; i >= 0; i--) {
    if (outcomes[i] === 'pass') {
      run += 1;
    } else if (outcomes[i] !== 'error') {
      breaker = i;
      break;
    }
  }
  if (run >= check.consecutiveSuccesses) {
    const inARow =
      check.consecutiveSuccesses > 1
        ? `; the last ${check.consecutiveSuccesses} passed in a row`
        : '';
    return verdict(
      'passed',
      `${base.passes} of ${base.taken} measurements passed${tallies(
        check,
        base,
      )}${inARow}`,
    );
  }
  const needed = `needs the last ${check.consecutiveSuccesses} measurement(s) to pass in a row, got ${run}`;
  if (breaker !== undefined && outcomes[breaker] === 'fail') {
    return verdict(
      'failed',
      `${needed}: ${describeFailure(check, counted[breaker])}${tallies(
        check,
        base,
      )}`,
    );
  }
  if (breaker !== undefined) {
    return verdict(
      'inconclusive',
      `${needed}: no data at ${formatTime(
        counted[breaker].at,
      )} (noData: inconclusive); no data in ${base.noData} of ${
        base.taken
      } measurements`,
    );
  }
  return verdict(
    'inconclusive',
    `${needed}: ${base.errors} of ${base.taken} measurements errored${
      base.errors ? `, last: ${describeError(where('error').pop()!)}` : ''
    }`,
  );
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
    evaluateCheck(check, measurements[check.name] ?? []),
  );
  const deciding = checks.filter(c => c.key && (gate.dryRun || !c.dryRun));
  const inState = (state: CheckState) =>
    deciding.filter(c => c.state === state);
  const [failed, running, inconclusive] = [
    inState('failed'),
    inState('running'),
    inState('inconclusive'),
  ];

  let state: CheckState;
  let reason: string;
  if (deciding.length === 0) {
    state = 'inconclusive';
    reason = 'no key check decides this gate';
  } else if (failed.length) {
    state = 'failed';
    reason = failed
      .map(c => `key check '${c.name}' failed: ${c.reason}`)
      .join('; ');
  } else if (running.length) {
    state = 'running';
    reason = `waiting for ${running
      .map(c => `'${c.name}' (${c.taken} of ${c.count} measurements)`)
      .join(', ')}`;
  } else if (inconclusive.length) {
    state = 'inconclusive';
    reason = inconclusive
      .map(c => `key check '${c.name}' inconclusive: ${c.reason}`)
      .join('; ');
  } else {
    state = 'passed';
    reason = `all ${deciding.length} key check${
      deciding.length === 1 ? '' : 's'
    } passed`;
  }

  const notes = checks
    .filter(c => !deciding.includes(c))
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
