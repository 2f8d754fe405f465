/** @public */
export type ThresholdOperator = '<' | '<=' | '>' | '>=';

/**
 * What a measured value must satisfy for a check to pass: a threshold, or an
 * inclusive range.
 *
 * @public
 */
export type GateCondition =
  | { op: ThresholdOperator; value: number }
  | { op: 'between'; min: number; max: number };

const OPERATORS: readonly ThresholdOperator[] = ['<', '<=', '>', '>='];
const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
const THRESHOLD = new RegExp(`^(<=|>=|<|>)\\s*(${NUMBER})$`);
const BETWEEN = new RegExp(
  `^between\\s+(${NUMBER})\\s+and\\s+(${NUMBER})$`,
  'i',
);

const GRAMMAR =
  "'< 0.01', '<= 300', '> 0', '>= 0.99', 'between 0.9 and 1', { op: '<', value: 0.01 } or { min: 0.9, max: 1 }";

/**
 * Reads a condition written as text or as an object:
 *
 * - `< N`, `<= N`, `> N`, `>= N` (N a decimal number, e.g. `0.01`, `300`, `-1`, `1e-3`);
 * - `between A and B`, inclusive at both ends, A ≤ B;
 * - `{ op: '<' | '<=' | '>' | '>=', value: N }`, `{ min: A, max: B }`, or
 *   `{ op: 'between', min: A, max: B }` (the form this function returns).
 *
 * In YAML, quote text that starts with `>` (`condition: '>= 0.99'`): a bare
 * `>` starts a folded block.
 *
 * @throws Error whose message says what is accepted
 * @public
 */
export function parseCondition(input: unknown): GateCondition {
  if (typeof input === 'string') {
    const text = input.trim();
    const threshold = THRESHOLD.exec(text);
    if (threshold) {
      return {
        op: threshold[1] as ThresholdOperator,
        value: finite(threshold[2]),
      };
    }
    const between = BETWEEN.exec(text);
    if (between) {
      return range(finite(between[1]), finite(between[2]));
    }
    throw new Error(`must be like ${GRAMMAR}; got '${input}'`);
  }
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const fields = input as Record<string, unknown>;
    const keys = Object.keys(fields).sort().join(',');
    if (
      keys === 'op,value' &&
      OPERATORS.includes(fields.op as ThresholdOperator)
    ) {
      return {
        op: fields.op as ThresholdOperator,
        value: numberField(fields.value, 'value'),
      };
    }
    if (
      keys === 'max,min' ||
      (keys === 'max,min,op' && fields.op === 'between')
    ) {
      return range(
        numberField(fields.min, 'min'),
        numberField(fields.max, 'max'),
      );
    }
  }
  throw new Error(`must be like ${GRAMMAR}; got ${JSON.stringify(input)}`);
}

function finite(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new Error(`${text} is not a finite number`);
  }
  return value;
}

function numberField(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}

function range(min: number, max: number): GateCondition {
  if (min > max) {
    throw new Error(`range must go from low to high, got ${min} to ${max}`);
  }
  return { op: 'between', min, max };
}

/**
 * Whether a measured value satisfies the condition. NaN satisfies nothing;
 * callers classify NaN as "no data" before asking (see `classifyMeasurement`).
 *
 * @public
 */
export function evaluateCondition(
  value: number,
  condition: GateCondition,
): boolean {
  switch (condition.op) {
    case '<':
      return value < condition.value;
    case '<=':
      return value <= condition.value;
    case '>':
      return value > condition.value;
    case '>=':
      return value >= condition.value;
    case 'between':
      return value >= condition.min && value <= condition.max;
    default:
      return false;
  }
}

/** The condition in the text form `parseCondition` reads. @public */
export function formatCondition(condition: GateCondition): string {
  return condition.op === 'between'
    ? `between ${condition.min} and ${condition.max}`
    : `${condition.op} ${condition.value}`;
}

/**
 * A measured value for people: up to 4 significant digits below 1, three
 * decimals above; infinities as Prometheus writes them.
 *
 * @public
 */
export function formatGateValue(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '+Inf' : '-Inf';
  }
  return String(
    Math.abs(value) >= 1
      ? Math.round(value * 1000) / 1000
      : Number(value.toPrecision(4)),
  );
}

/**
 * Why a value fails its condition, as a comparison with the bound it
 * crossed, e.g. `0.034 > 0.01` for `< 0.01`, or `0.85 < 0.9 (min)`.
 *
 * @public
 */
export function describeViolation(
  value: number,
  condition: GateCondition,
): string {
  if (condition.op === 'between') {
    return value < condition.min
      ? `${compare(value, condition.min)} (min)`
      : `${compare(value, condition.max)} (max)`;
  }
  return compare(value, condition.value);
}

function compare(value: number, bound: number): string {
  let shown = formatGateValue(value);
  // Rounding must never make a failing value look equal to its bound.
  if (Number(shown) === bound && value !== bound) {
    shown = String(value);
  }
  if (value === bound) {
    return `${shown} = ${bound}`;
  }
  return value > bound ? `${shown} > ${bound}` : `${shown} < ${bound}`;
}
