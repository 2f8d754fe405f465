import { z } from 'zod/v3';
import { BAND_NAMES, BAND_SETS, BandSet } from './bands';
import { BANDED_METRIC_IDS, BandedMetricId } from './definitions';

const BAND_ORDER_HINT = `list bands best first (${BAND_NAMES.join(
  ', ',
)}), each at most once`;

const bandNameSchema = z.enum(BAND_NAMES, {
  errorMap: () => ({ message: `must be one of ${BAND_NAMES.join(', ')}` }),
});

const thresholdSchema = z
  .number({
    required_error: 'is required',
    invalid_type_error: 'must be a number',
  })
  .finite('must be a finite number')
  .min(0, 'must not be negative');

function unknownFields(allowed: string): z.ZodErrorMap {
  return (issue, ctx) =>
    issue.code === 'unrecognized_keys'
      ? {
          message: `unknown field(s) ${issue.keys
            .map(k => `'${k}'`)
            .join(', ')}; allowed: ${allowed}`,
        }
      : { message: ctx.defaultError };
}

const maxStepSchema = z
  .object(
    { band: bandNameSchema, max: thresholdSchema },
    { errorMap: unknownFields('band, max (lower is better)') },
  )
  .strict();

const minStepSchema = z
  .object(
    { band: bandNameSchema, min: thresholdSchema },
    { errorMap: unknownFields('band, min (higher is better)') },
  )
  .strict();

const EXAMPLE_STEP: Record<BandedMetricId, string> = {
  deploymentFrequency: '{ band: elite, min: 3 }',
  leadTime: '{ band: elite, max: 24 }',
  changeFailureRate: '{ band: elite, max: 0.05 }',
  timeToRestore: '{ band: elite, max: 1 }',
};

function ladderSchema<S extends typeof maxStepSchema | typeof minStepSchema>(
  metric: BandedMetricId,
  stepSchema: S,
) {
  const listHint = `must be a list of steps, best band first, e.g. [${EXAMPLE_STEP[metric]}]`;
  return z
    .array(stepSchema, {
      required_error: listHint,
      invalid_type_error: listHint,
    })
    .min(1, listHint)
    .superRefine((steps, ctx) => {
      steps.forEach((step, i) => {
        // Rates are fractions everywhere else; 15 would silently mean 1500%.
        if (metric === 'changeFailureRate' && 'max' in step && step.max > 1) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: [i, 'max'],
            message: `is a fraction of deployments: write 15% as 0.15, got ${step.max}`,
          });
        }
      });
      for (let i = 1; i < steps.length; i++) {
        const [before, after] = [steps[i - 1], steps[i]];
        if (BAND_NAMES.indexOf(after.band) <= BAND_NAMES.indexOf(before.band)) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: [i, 'band'],
            message: `'${after.band}' cannot follow '${before.band}'; ${BAND_ORDER_HINT}`,
          });
        }
        if ('max' in before && 'max' in after && after.max <= before.max) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: [i, 'max'],
            message: `must be greater than the previous step's max (${before.max})`,
          });
        }
        if ('min' in before && 'min' in after && after.min >= before.min) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: [i, 'min'],
            message: `must be less than the previous step's min (${before.min})`,
          });
        }
      }
    });
}

/**
 * Validates a custom band set as written in config, under
 * `releaseLedger.metrics.bandSets.<name>`. Units: deploy days per week
 * (`min`), hours (`max`), and change failure rate as a fraction (`max`):
 *
 * ```yaml
 * strict:
 *   description: Our own targets
 *   deploymentFrequency: [{ band: elite, min: 5 }, { band: high, min: 2 }]
 *   leadTime: [{ band: elite, max: 4 }, { band: high, max: 24 }]
 *   changeFailureRate: [{ band: elite, max: 0.05 }, { band: high, max: 0.1 }]
 *   timeToRestore: [{ band: elite, max: 1 }, { band: high, max: 8 }]
 * ```
 *
 * A value beyond every step is `low`. Deployment rework rate takes no
 * ladder: DORA's tables have none to start from.
 *
 * @public
 */
export const bandSetSchema = z
  .object(
    {
      description: z
        .string({ invalid_type_error: 'must be a string' })
        .optional(),
      deploymentFrequency: ladderSchema('deploymentFrequency', minStepSchema),
      leadTime: ladderSchema('leadTime', maxStepSchema),
      changeFailureRate: ladderSchema('changeFailureRate', maxStepSchema),
      timeToRestore: ladderSchema('timeToRestore', maxStepSchema),
    },
    {
      errorMap: unknownFields(['description', ...BANDED_METRIC_IDS].join(', ')),
    },
  )
  .strict();

const bandSetNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'must be a lower-case name like dora-2023',
  )
  .refine(
    name => !Object.hasOwn(BAND_SETS, name),
    name => ({
      message: `'${name}' is a built-in band set; give your own set another name`,
    }),
  );

const bandSetsSchema = z.record(bandSetNameSchema, bandSetSchema, {
  invalid_type_error: 'must be an object of band sets by name',
});

function formatPath(path: (string | number)[]): string {
  return path
    .map(part => (typeof part === 'number' ? `[${part}]` : `.${part}`))
    .join('');
}

/**
 * Reads the custom band sets from config (the object under `configPath`),
 * naming each set after its key. Absent config means no custom sets.
 *
 * @throws Error with one line per problem, each naming its config path, e.g.
 *   `releaseLedger.metrics.bandSets.strict.leadTime[1].max: must be greater than the previous step's max (24)`.
 * @public
 */
export function parseCustomBandSets(
  raw: unknown,
  configPath = 'releaseLedger.metrics.bandSets',
): Record<string, BandSet> {
  if (raw === undefined || raw === null) {
    return {};
  }
  const parsed = bandSetsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues
        .map(
          issue => `${configPath}${formatPath(issue.path)}: ${issue.message}`,
        )
        .join('\n'),
    );
  }
  return Object.fromEntries(
    Object.entries(parsed.data).map(([name, set]) => [name, { name, ...set }]),
  );
}
