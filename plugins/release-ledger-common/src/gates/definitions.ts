import { z } from 'zod/v3';
import { GateCondition, parseCondition } from './conditions';
import { parsePromQLDuration } from './durations';
import { validateQueryTemplate, validateValueTemplate } from './templates';

/**
 * What a query check does when the query returns no data (no series, or NaN
 * such as `0/0` from a canary without traffic): count it as a failure, as a
 * pass, or as "cannot tell". There is no default: a gate author must decide.
 *
 * @public
 */
export type NoDataPolicy = 'fail' | 'pass' | 'inconclusive';

/** @public */
export const NO_DATA_POLICIES: readonly NoDataPolicy[] = [
  'fail',
  'pass',
  'inconclusive',
];

/** Fields every check has, with defaults applied. @public */
export type GateCheckBase = {
  name: string;
  /** Time between measurements, a PromQL duration (also `{{interval}}`). Default `1m`. */
  interval: string;
  intervalMs: number;
  /** Measurements taken before the check can pass. Default 5. */
  count: number;
  /** Failing measurements tolerated; one more fails the check. Default 0. */
  failureLimit: number;
  /** Passing measurements in a row needed at the end (flapping guard). Default 1. */
  consecutiveSuccesses: number;
  /** Measurement errors tolerated (separate from failures); one more makes the check inconclusive. Default 2. */
  errorLimit: number;
  /** Whether failing this check fails the gate. Default true. */
  key: boolean;
  /** Record the verdict without letting it block. Default false. */
  dryRun: boolean;
};

/** A check on the value of a PromQL query. @public */
export type QueryCheckDefinition = GateCheckBase & {
  kind: 'query';
  /** PromQL template, see `renderQuery`. */
  query: string;
  condition: GateCondition;
  noData: NoDataPolicy;
};

/**
 * A check that fails while an alert labelled `release_gate="true"` with the
 * given labels is firing. No firing alert is a pass, so `noData` is always
 * `pass` and cannot be configured.
 *
 * @public
 */
export type AlertCheckDefinition = GateCheckBase & {
  kind: 'alert';
  /** Label matchers (values may use template variables) selecting this entity's alerts. */
  labels: Record<string, string>;
  noData: 'pass';
};

/** @public */
export type GateCheckDefinition = QueryCheckDefinition | AlertCheckDefinition;

/** A gate set, as configured under `releaseLedger.gates.<name>`. @public */
export type GateDefinition = {
  name: string;
  /** Evaluate and record, never block. Default false. */
  dryRun: boolean;
  /** Id of the gate metric provider to ask. Default `prometheus`. */
  provider: string;
  checks: GateCheckDefinition[];
};

/** The label that marks an alert as one that blocks promotion. @public */
export const RELEASE_GATE_ALERT_LABEL = { release_gate: 'true' } as const;

/** Provider used when a gate names none. @public */
export const DEFAULT_GATE_PROVIDER = 'prometheus';

const CHECK_DEFAULTS = {
  interval: '1m',
  count: 5,
  failureLimit: 0,
  consecutiveSuccesses: 1,
  errorLimit: 2,
};

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const CHECK_FIELDS = [
  'name',
  'kind',
  'query',
  'condition',
  'labels',
  'interval',
  'count',
  'failureLimit',
  'consecutiveSuccesses',
  'errorLimit',
  'noData',
  'key',
  'dryRun',
];

function unknownFields(allowed: string[], what: string): z.ZodErrorMap {
  return (issue, ctx) => {
    if (issue.code === 'unrecognized_keys') {
      return {
        message: `unknown field(s) ${issue.keys
          .map(k => `'${k}'`)
          .join(', ')}; allowed: ${allowed.join(', ')}`,
      };
    }
    if (issue.code === 'invalid_type') {
      return { message: `must be ${what}` };
    }
    return { message: ctx.defaultError };
  };
}

function wholeNumber(min: number, max?: number) {
  const base = z
    .number({ invalid_type_error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`);
  return max === undefined ? base : base.max(max, `must be at most ${max}`);
}

const flag = z.boolean({ invalid_type_error: 'must be true or false' });

const noDataSchema = z.enum(['fail', 'pass', 'inconclusive'], {
  errorMap: (_issue, ctx) => ({
    message: `must be one of fail|pass|inconclusive, got ${JSON.stringify(
      ctx.data,
    )}`,
  }),
});

const rawCheckSchema = z
  .object(
    {
      name: z
        .string({
          required_error: 'required, a name like error-rate',
          invalid_type_error: 'must be a name like error-rate',
        })
        .regex(NAME, 'must be a lower-case name like error-rate'),
      kind: z
        .enum(['query', 'alert'], {
          errorMap: () => ({ message: 'must be query or alert' }),
        })
        .default('query'),
      query: z
        .string({ invalid_type_error: 'must be a PromQL query template' })
        .optional(),
      condition: z.unknown().optional(),
      labels: z
        .record(z.string({ invalid_type_error: 'must be a string' }), {
          invalid_type_error: 'must be an object of label names to values',
        })
        .optional(),
      interval: z
        .string({ invalid_type_error: 'must be a duration like 1m or 30s' })
        .refine(text => (parsePromQLDuration(text) ?? 0) >= 1000, {
          message: 'must be a PromQL duration of at least 1s, like 1m or 30s',
        })
        .default(CHECK_DEFAULTS.interval),
      count: wholeNumber(1, 1000).default(CHECK_DEFAULTS.count),
      failureLimit: wholeNumber(0).default(CHECK_DEFAULTS.failureLimit),
      consecutiveSuccesses: wholeNumber(1).default(
        CHECK_DEFAULTS.consecutiveSuccesses,
      ),
      errorLimit: wholeNumber(0).default(CHECK_DEFAULTS.errorLimit),
      noData: noDataSchema.optional(),
      key: flag.default(true),
      dryRun: flag.default(false),
    },
    { errorMap: unknownFields(CHECK_FIELDS, 'an object describing a check') },
  )
  .strict();

const checkSchema = rawCheckSchema.transform(
  (raw, ctx): GateCheckDefinition => {
    const problem = (path: string, message: string) =>
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
    if (raw.failureLimit >= raw.count) {
      problem(
        'failureLimit',
        `must be less than count (${raw.count}), or the check can never fail`,
      );
    }
    if (raw.consecutiveSuccesses > raw.count) {
      problem(
        'consecutiveSuccesses',
        `must be at most count (${raw.count}), or the check can never pass`,
      );
    }
    const base: GateCheckBase = {
      name: raw.name,
      interval: raw.interval,
      intervalMs: parsePromQLDuration(raw.interval)!,
      count: raw.count,
      failureLimit: raw.failureLimit,
      consecutiveSuccesses: raw.consecutiveSuccesses,
      errorLimit: raw.errorLimit,
      key: raw.key,
      dryRun: raw.dryRun,
    };
    return raw.kind === 'alert'
      ? alertCheck(raw, base, problem)
      : queryCheck(raw, base, problem);
  },
);

type RawCheck = z.infer<typeof rawCheckSchema>;
type Problem = (path: string, message: string) => void;

function queryCheck(
  raw: RawCheck,
  base: GateCheckBase,
  problem: Problem,
): GateCheckDefinition {
  if (raw.labels !== undefined) {
    problem('labels', 'only alert checks have labels; a query check has query');
  }
  if (raw.query === undefined || raw.query.trim() === '') {
    problem('query', 'required for query checks: a PromQL query template');
  } else {
    const templateProblem = validateQueryTemplate(raw.query);
    if (templateProblem) {
      problem('query', templateProblem);
    }
  }
  let condition: GateCondition | undefined;
  if (raw.condition === undefined) {
    problem(
      'condition',
      "required for query checks, e.g. '< 0.01' or 'between 0.9 and 1'",
    );
  } else {
    try {
      condition = parseCondition(raw.condition);
    } catch (error) {
      problem('condition', (error as Error).message);
    }
  }
  if (raw.noData === undefined) {
    problem('noData', 'required, one of fail|pass|inconclusive');
  }
  // The fallbacks are never seen: any problem above fails the whole parse.
  return {
    ...base,
    kind: 'query',
    query: raw.query ?? '',
    condition: condition ?? { op: '<', value: 0 },
    noData: raw.noData ?? 'inconclusive',
  };
}

function alertCheck(
  raw: RawCheck,
  base: GateCheckBase,
  problem: Problem,
): GateCheckDefinition {
  for (const field of ['query', 'condition'] as const) {
    if (raw[field] !== undefined) {
      problem(
        field,
        'not used by alert checks: they fail while a matching alert with release_gate="true" is firing',
      );
    }
  }
  if (raw.noData !== undefined) {
    problem(
      'noData',
      'not used by alert checks: no firing alert is always a pass',
    );
  }
  const labels = raw.labels ?? {};
  if (Object.keys(labels).length === 0) {
    problem(
      'labels',
      "required for alert checks, e.g. { service: '{{entity}}' }, so that only this entity's alerts count",
    );
  }
  for (const [name, value] of Object.entries(labels)) {
    if (!LABEL_NAME.test(name)) {
      problem('labels', `'${name}' is not a Prometheus label name`);
    } else if (name === 'release_gate' || name === 'alertstate') {
      problem('labels', `'${name}' is set by the ledger; leave it out`);
    }
    const templateProblem = validateValueTemplate(value);
    if (templateProblem) {
      problem('labels', `${name}: ${templateProblem}`);
    }
  }
  return { ...base, kind: 'alert', labels, noData: 'pass' };
}

const GATE_FIELDS = ['dryRun', 'provider', 'checks'];

const gateSchema = z
  .object(
    {
      dryRun: flag.default(false),
      provider: z
        .string({ invalid_type_error: 'must be a provider id' })
        .min(1, 'must be a provider id')
        .default(DEFAULT_GATE_PROVIDER),
      checks: z
        .array(checkSchema, {
          required_error: 'required, a list of checks',
          invalid_type_error: 'must be a list of checks',
        })
        .min(1, 'must list at least one check'),
    },
    { errorMap: unknownFields(GATE_FIELDS, 'an object with checks') },
  )
  .strict()
  .superRefine((gate, ctx) => {
    const seen = new Set<string>();
    gate.checks.forEach((check, i) => {
      if (seen.has(check.name)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['checks', i, 'name'],
          message: `'${check.name}' is used by another check of this gate`,
        });
      }
      seen.add(check.name);
    });
    // A gate whose every key check is dry-run could only ever pass.
    if (!gate.checks.some(c => c.key && (gate.dryRun || !c.dryRun))) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['checks'],
        message:
          'needs at least one key check (key: true) that is not dryRun; to try a gate without blocking, set dryRun on the gate',
      });
    }
  });

const gateNameSchema = z
  .string()
  .regex(NAME, 'must be a lower-case name like standard');

const gateSetsSchema = z.record(gateNameSchema, gateSchema, {
  invalid_type_error: 'must be an object of gate sets by name',
});

function formatPath(path: (string | number)[]): string {
  return path
    .map(part => (typeof part === 'number' ? `[${part}]` : `.${part}`))
    .join('');
}

function failure(configPath: string, error: z.ZodError): Error {
  return new Error(
    error.issues
      .map(issue => `${configPath}${formatPath(issue.path)}: ${issue.message}`)
      .join('\n'),
  );
}

/**
 * Reads the gate sets from config (the object under `configPath`), naming
 * each after its key. Absent config means no gate sets. Example:
 *
 * ```yaml
 * standard:
 *   checks:
 *     - name: error-rate
 *       query: sum(rate(http_requests_total{service="{{entity}}",version="{{version}}",code=~"5.."}[{{interval}}])) / sum(rate(http_requests_total{service="{{entity}}",version="{{version}}"}[{{interval}}]))
 *       condition: '< 0.01'
 *       interval: 1m
 *       count: 5
 *       failureLimit: 1
 *       consecutiveSuccesses: 2
 *       noData: inconclusive
 *     - name: no-gate-alerts
 *       kind: alert
 *       labels: { service: '{{entity}}' }
 * ```
 *
 * @throws Error with one line per problem, each naming its config path, e.g.
 *   `releaseLedger.gates.standard.checks[1].noData: required, one of fail|pass|inconclusive`.
 * @public
 */
export function parseGateSets(
  raw: unknown,
  configPath = 'releaseLedger.gates',
): Record<string, GateDefinition> {
  if (raw === undefined || raw === null) {
    return {};
  }
  const parsed = gateSetsSchema.safeParse(raw);
  if (!parsed.success) {
    throw failure(configPath, parsed.error);
  }
  return Object.fromEntries(
    Object.entries(parsed.data).map(([name, gate]) => [
      name,
      { name, ...gate },
    ]),
  );
}

/**
 * Reads one gate set, e.g. a changed definition sent for a replay.
 *
 * @throws Error with one line per problem, each starting with `path`
 * @public
 */
export function parseGateDefinition(
  name: string,
  raw: unknown,
  path = `releaseLedger.gates.${name}`,
): GateDefinition {
  const parsed = gateSchema.safeParse(raw);
  if (!parsed.success) {
    throw failure(path, parsed.error);
  }
  return { name, ...parsed.data };
}
