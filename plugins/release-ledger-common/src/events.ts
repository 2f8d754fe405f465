import { z } from 'zod/v3';
import {
  findJsonProblem,
  MAX_ATTRIBUTES_DEPTH,
  ValidationIssue,
} from './jsonLimits';

/**
 * The event types the ledger accepts, in the seed article's snake_case.
 *
 * @public
 */
export const RELEASE_EVENT_TYPES = [
  'pr_merged',
  'release_started',
  'canary_started',
  'canary_passed',
  'gate_evaluated',
  'gate_failed',
  'promoted',
  'rolled_back',
  'release_finished',
  'incident_started',
  'incident_resolved',
  'slo_restored',
  'flag_toggled',
  'checklist_item_checked',
  'note_added',
] as const;

/** @public */
export type ReleaseEventType = (typeof RELEASE_EVENT_TYPES)[number];

/** @public */
export const INCIDENT_SEVERITIES = [
  'SEV-1',
  'SEV-2',
  'SEV-3',
  'SEV-4',
] as const;

/** @public */
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

/** Largest accepted batch in one `POST /events`. @public */
export const MAX_EVENTS_PER_BATCH = 1000;

const ISO_DATE_TIME_HINT =
  'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-27T10:00:00Z';

const isoDateTime = z
  .string({ invalid_type_error: ISO_DATE_TIME_HINT })
  .datetime({ offset: true, message: ISO_DATE_TIME_HINT })
  .refine(v => !Number.isNaN(Date.parse(v)), ISO_DATE_TIME_HINT);

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

/** Links are shown in the portal and in Slack: web addresses only, never `javascript:`. */
const httpUrl = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .url('must be an http(s) URL')
  .refine(v => /^https?:\/\//i.test(v), 'must be an http(s) URL');

/** What a release id may look like (the API refuses any other in paths, too). @public */
export const RELEASE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/+-]*$/;

/** A git commit id, full or abbreviated. */
const commitId = z
  .string()
  .regex(/^[0-9a-f]{7,64}$/i, 'must be a commit id (7 to 64 hex digits)');

/** What an incident id looks like (INC-123). */
const incidentId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9]*-\d+$/, 'must look like INC-123');

/** Most commits one `release_started` carries (the CLI sends the newest). */
export const MAX_RELEASE_COMMITS = 1000;

/** Longest commit body kept; the CLI cuts longer ones at this length. */
export const MAX_COMMIT_BODY_LENGTH = 4000;

/**
 * A commit of a release's range, as `git log --first-parent` lists it: on
 * the mainline every commit is one change (a squash merge, a merge commit
 * or a direct push), so branch-internal commits are not counted twice.
 */
const releaseCommit = z.object({
  sha: commitId,
  subject: z.string().max(1000, 'must be at most 1000 characters'),
  body: z
    .string()
    .max(
      MAX_COMMIT_BODY_LENGTH,
      `must be at most ${MAX_COMMIT_BODY_LENGTH} characters`,
    )
    .optional(),
  author: text(200).optional(),
  authoredAt: isoDateTime.optional(),
  /** When it reached the mainline (for a squash or merge commit: the merge). */
  committedAt: isoDateTime.optional(),
  /** The PR it merged: `(#123)` in a squash subject, or a merge commit's "Merge pull request #123". */
  prNumber: z.number().int().positive().optional(),
  /** A merge commit (more than one parent): its body's first line is the PR title. */
  isMerge: z.boolean().optional(),
});

const flagValue = z.union([
  z.string().max(200),
  z.number(),
  z.boolean(),
  z.null(),
]);

/**
 * Type-specific attributes. Known fields are validated; extra fields are kept
 * (pipelines attach their own context) but bounded in size by the envelope.
 */
const attributeSchemas = {
  pr_merged: z
    .object({
      prNumber: z.number().int().positive(),
      title: text(1000),
      author: text(200).optional(),
      mergedAt: isoDateTime.optional(),
      commit: text(100).optional(),
      url: httpUrl.optional(),
      customerVisible: z.boolean().optional(),
      /** The PR description: its template fields (risk, flags, rollback) are read from it. */
      body: z
        .string()
        .max(20000, 'must be at most 20000 characters')
        .optional(),
    })
    .passthrough(),
  release_started: z
    .object({
      /** The commit deployed: the release's checklist is read at it. */
      commit: commitId.optional(),
      /** The commit of the release before (the start of its range). */
      previousCommit: commitId.optional(),
      /** The range's mainline commits, newest first (at most MAX_RELEASE_COMMITS). */
      commits: z
        .array(releaseCommit)
        .max(
          MAX_RELEASE_COMMITS,
          `must hold at most ${MAX_RELEASE_COMMITS} commits (send the newest, and commitCount)`,
        )
        .optional(),
      /** How many commits the range holds, when more than `commits` lists. */
      commitCount: z.number().int().min(0).optional(),
      /** Other catalog entities this release deploys (the release's own entity is `entityRef`). */
      components: z
        .array(text(400))
        .max(50, 'must list at most 50 components')
        .optional(),
      /** Incidents (INC-123) or earlier releases this release fixes. */
      fixes: z
        .array(
          z
            .string()
            .max(200, 'must be at most 200 characters')
            .regex(
              RELEASE_ID_PATTERN,
              'must be an incident id or a release id',
            ),
        )
        .max(50, 'must list at most 50 fixes')
        .optional(),
      changeCount: z.number().int().min(0).optional(),
      plan: text(1000).optional(),
      risk: z.enum(['low', 'medium', 'high']).optional(),
    })
    .passthrough(),
  canary_started: z
    .object({ weight: z.number().min(0).max(100) })
    .passthrough(),
  canary_passed: z.object({}).passthrough(),
  gate_evaluated: z
    .object({
      gate: text(200).optional(),
      verdict: z.enum(['pass', 'fail', 'inconclusive']),
      reason: text(2000).optional(),
    })
    .passthrough(),
  gate_failed: z
    .object({ gate: text(200).optional(), reason: text(2000).optional() })
    .passthrough(),
  promoted: z
    .object({ weight: z.number().min(0).max(100).optional() })
    .passthrough(),
  rolled_back: z
    .object({ reason: text(2000), owner: text(200).optional() })
    .passthrough(),
  release_finished: z.object({ summary: text(4000).optional() }).passthrough(),
  incident_started: z
    .object({
      incidentId,
      severity: z.enum(INCIDENT_SEVERITIES),
      title: text(1000).optional(),
      url: httpUrl.optional(),
    })
    .passthrough(),
  incident_resolved: z
    .object({
      incidentId,
    })
    .passthrough(),
  slo_restored: z.object({ slo: text(200).optional() }).passthrough(),
  flag_toggled: z
    .object({ flag: text(200), from: flagValue.optional(), to: flagValue })
    .passthrough(),
  checklist_item_checked: z
    .object({
      item: text(500),
      by: text(200).optional(),
      /** The item of the release's pinned checklist (`pre.flags-default-off`). */
      itemId: z
        .string()
        .max(100, 'must be at most 100 characters')
        .regex(
          /^(pre|during|post)\.[\p{L}\p{N}-]+$/u,
          'must be a checklist item id like pre.flags-default-off',
        )
        .optional(),
      /** `false` unticks the item; default `true`. */
      checked: z.boolean().optional(),
    })
    .passthrough(),
  note_added: z
    .object({ text: text(4000), author: text(200).optional() })
    .passthrough(),
} satisfies Record<ReleaseEventType, z.ZodTypeAny>;

/**
 * Attributes per event type, as validated: the type's known fields, typed,
 * plus whatever extra fields the sender attached (kept as `unknown`, so they
 * must be checked before use).
 *
 * @public
 */
export type ReleaseEventAttributes = {
  [T in ReleaseEventType]: z.infer<(typeof attributeSchemas)[T]>;
};

const MAX_ATTRIBUTES_JSON_LENGTH = 16_000;

/** Types whose attributes may be larger: a start lists its commits, a merge its PR body. */
const MAX_ATTRIBUTES_JSON_LENGTH_OF: Partial<Record<ReleaseEventType, number>> =
  {
    release_started: 1_000_000,
    pr_merged: 40_000,
  };

/** @public */
export const RELEASE_ID_HINT =
  'may only contain letters, digits and . _ : @ / + -';

const envelopeSchema = z
  .object({
    eventId: z
      .string()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
      .optional(),
    type: z.string({ required_error: 'is required' }),
    releaseId: z
      .string()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters')
      .regex(RELEASE_ID_PATTERN, RELEASE_ID_HINT)
      .optional(),
    entityRef: z
      .string()
      .min(1, 'must not be empty')
      .max(400, 'must be at most 400 characters')
      .optional(),
    timestamp: isoDateTime.optional(),
    environment: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9_-]{0,62}$/,
        'must be a lower-case name like production',
      )
      .optional(),
    version: text(100).optional(),
    commit: text(100).optional(),
    attributes: z.record(z.unknown()).optional(),
  })
  .strict();

/**
 * Events whose sender often cannot know the release: these types may omit
 * `releaseId`.
 * - Incident tools: with an `entityRef` for `incident_started`, the ledger
 *   attributes the incident to the entity's latest release promoted within
 *   the attribution window before it started.
 * - A merge workflow runs before any release exists: `pr_merged` with an
 *   `entityRef` and its merge commit is linked to the first release of the
 *   entity whose commits include that commit, whichever arrives first.
 *
 * @public
 */
export const RELEASE_OPTIONAL_EVENT_TYPES: readonly ReleaseEventType[] = [
  'incident_started',
  'incident_resolved',
  'pr_merged',
];

/** An event as a pipeline sends it. @public */
export type ReleaseEventInput = {
  eventId?: string;
  type: string;
  /** Required, except for the types in RELEASE_OPTIONAL_EVENT_TYPES. */
  releaseId?: string;
  entityRef?: string;
  timestamp?: string;
  environment?: string;
  version?: string;
  commit?: string;
  attributes?: Record<string, unknown>;
};

/**
 * An event of the given type(s) as the ledger stores and returns it.
 * `ReleaseEventOf<'rolled_back'>` has `attributes.reason: string`; a union of
 * types gives a union of events, so it still narrows on `type`.
 *
 * @public
 */
export type ReleaseEventOf<T extends ReleaseEventType> = {
  [K in T]: {
    eventId: string;
    type: K;
    releaseId: string;
    /** Normalised, lower-case entity ref; absent when the event relies on its release's entity. */
    entityRef?: string;
    /** UTC ISO 8601 with milliseconds. */
    timestamp: string;
    environment: string;
    version?: string;
    commit?: string;
    attributes: ReleaseEventAttributes[K];
    /** When the ledger received it (UTC ISO 8601). */
    receivedAt?: string;
  };
}[T];

/**
 * An event as the ledger stores and returns it: a union discriminated by
 * `type`, so `switch (event.type)` narrows `attributes` to that type's fields.
 *
 * @public
 */
export type ReleaseEvent = ReleaseEventOf<ReleaseEventType>;

/**
 * An event input that passed validation: its type is known and its
 * attributes are that type's, parsed (strings trimmed), discriminated by `type`.
 *
 * @public
 */
export type ValidReleaseEventInput = {
  [K in ReleaseEventType]: Omit<ReleaseEventInput, 'type' | 'attributes'> & {
    type: K;
    attributes: ReleaseEventAttributes[K];
  };
}[ReleaseEventType];

/** @public */
export type EventValidationResult =
  | { ok: true; event: ValidReleaseEventInput }
  | { ok: false; issues: ValidationIssue[] };

function isEventType(type: string): type is ReleaseEventType {
  return (RELEASE_EVENT_TYPES as readonly string[]).includes(type);
}

function zodIssues(error: z.ZodError, prefix: string): ValidationIssue[] {
  const seen = new Set<string>();
  return error.issues
    .map(issue => {
      const field = [prefix, ...issue.path.map(String)]
        .filter(Boolean)
        .join('.');
      let message = issue.message;
      if (issue.code === 'unrecognized_keys') {
        message = `unknown field(s) ${issue.keys
          .map(k => `'${k}'`)
          .join(', ')}`;
      } else if (
        issue.code === 'invalid_type' &&
        issue.received === 'undefined'
      ) {
        message = 'is required';
      } else if (issue.code === 'invalid_type') {
        message = `must be ${issue.expected}, got ${issue.received}`;
      }
      return { field: field || prefix || '(body)', message };
    })
    .filter(i => {
      // A field that fails two checks for one reason is reported once.
      const key = `${i.field}\0${i.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
}

/**
 * Validates one event against the contract in DESIGN.md: the envelope, the
 * type, and the type's attributes. Field names in issues are prefixed with
 * `fieldPrefix` (e.g. `events[3]`) so a batch can report every bad index.
 *
 * @public
 */
export function validateReleaseEvent(
  raw: unknown,
  fieldPrefix = '',
): EventValidationResult {
  const at = (f: string) => (fieldPrefix ? `${fieldPrefix}.${f}` : f);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      issues: [
        { field: fieldPrefix || '(body)', message: 'must be a JSON object' },
      ],
    };
  }
  // Before anything recursive runs on it (zod, JSON.stringify, hashing).
  const problem =
    findJsonProblem(
      (raw as { attributes?: unknown }).attributes,
      at('attributes'),
      MAX_ATTRIBUTES_DEPTH,
    ) ?? findJsonProblem(raw, fieldPrefix, 1 + MAX_ATTRIBUTES_DEPTH);
  if (problem) return { ok: false, issues: [problem] };
  const parsed = envelopeSchema.safeParse(raw);
  const issues: ValidationIssue[] = parsed.success
    ? []
    : zodIssues(parsed.error, fieldPrefix);

  const type = (raw as { type?: unknown }).type;
  if (typeof type === 'string' && !isEventType(type)) {
    issues.push({
      field: at('type'),
      message: `unknown event type '${type.slice(
        0,
        100,
      )}'; known types: ${RELEASE_EVENT_TYPES.join(', ')}`,
    });
  }
  const data = parsed.success ? parsed.data : undefined;
  if (data && data.releaseId === undefined && isEventType(data.type)) {
    if (!RELEASE_OPTIONAL_EVENT_TYPES.includes(data.type)) {
      issues.push({ field: at('releaseId'), message: 'is required' });
    } else if (data.type === 'incident_started' && !data.entityRef) {
      issues.push({
        field: at('entityRef'),
        message:
          'is required when releaseId is absent, so the incident can be attributed',
      });
    } else if (data.type === 'pr_merged') {
      if (!data.entityRef) {
        issues.push({
          field: at('entityRef'),
          message:
            'is required when releaseId is absent, so the change can be linked to a release of it',
        });
      }
      const commit = data.attributes?.commit ?? data.commit;
      if (typeof commit !== 'string' || !/^[0-9a-f]{7,64}$/i.test(commit)) {
        issues.push({
          field: at(
            data.attributes?.commit === undefined
              ? 'commit'
              : 'attributes.commit',
          ),
          message:
            'must be the merge commit id (7 to 64 hex digits) when releaseId is absent, so the change can be linked to the release that ships it',
        });
      }
    }
  }
  if (!parsed.success || issues.length > 0) {
    return { ok: false, issues };
  }

  const event = parsed.data as ReleaseEventInput & { type: ReleaseEventType };
  const attributes = event.attributes ?? {};
  const maxLength =
    MAX_ATTRIBUTES_JSON_LENGTH_OF[event.type] ?? MAX_ATTRIBUTES_JSON_LENGTH;
  if (JSON.stringify(attributes).length > maxLength) {
    return {
      ok: false,
      issues: [
        {
          field: at('attributes'),
          message: `must be at most ${maxLength} characters of JSON`,
        },
      ],
    };
  }
  const attrs = attributeSchemas[event.type].safeParse(attributes);
  if (!attrs.success) {
    return { ok: false, issues: zodIssues(attrs.error, at('attributes')) };
  }
  // zod keys the parse by `event.type`, which TypeScript cannot correlate
  // with the parsed attributes' type: the pair is right by construction.
  return {
    ok: true,
    event: { ...event, attributes: attrs.data } as ValidReleaseEventInput,
  };
}
