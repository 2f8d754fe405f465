import {
  RELEASE_EVENT_TYPES,
  RELEASE_OPTIONAL_EVENT_TYPES,
  ReleaseEventInput,
  ReleaseEventType,
} from '@release-ledger/plugin-release-ledger-common';
import { InvalidArgumentError } from 'commander';

/** A mistake in the command line, reported before anything is sent. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Whether `type` is one of the ledger's event types. */
export function isKnownEventType(type: string): type is ReleaseEventType {
  return (RELEASE_EVENT_TYPES as readonly string[]).includes(type);
}

/** Refuses an unknown type with the list of known ones. */
export function parseEventType(type: string): ReleaseEventType {
  if (!isKnownEventType(type)) {
    throw new UsageError(
      `unknown event type '${type}'; known types: ${RELEASE_EVENT_TYPES.join(
        ', ',
      )}`,
    );
  }
  return type;
}

/**
 * `--attr key=value` values: numbers, `true`, `false` and `null` are sent as
 * JSON values, anything else as text. A JSON string (`--attr 'build="42"'`)
 * forces text.
 */
export function parseAttributeValue(raw: string): unknown {
  const text = raw.trim();
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    const n = Number(text);
    if (Number.isFinite(n)) {
      return n;
    }
  }
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    try {
      return JSON.parse(text);
    } catch {
      return raw;
    }
  }
  return raw;
}

/** Commander collector for repeated `--attr key=value`. */
export function collectAttribute(
  value: string,
  previous: Array<[string, unknown]> = [],
): Array<[string, unknown]> {
  const eq = value.indexOf('=');
  if (eq <= 0) {
    throw new InvalidArgumentError(
      `expected key=value, got '${value}' (e.g. --attr changeCount=3)`,
    );
  }
  const key = value.slice(0, eq).trim();
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
    throw new InvalidArgumentError(
      `attribute name '${key}' must start with a letter or _ and contain only letters, digits, _ . -`,
    );
  }
  return [...previous, [key, parseAttributeValue(value.slice(eq + 1))]];
}

/** Commander parser for numbers such as `--weight 10`. */
export function parseNumberArgument(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new InvalidArgumentError(`expected a number, got '${value}'`);
  }
  return n;
}

/** Commander parser for non-negative integers such as `--change-count 3`. */
export function parseCountArgument(value: string): number {
  const n = parseNumberArgument(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError(
      `expected a whole number ≥ 0, got '${value}'`,
    );
  }
  return n;
}

/** Options shared by `start` and `event`. */
export type EnvelopeOptions = {
  release?: string;
  entity?: string;
  environment?: string;
  version?: string;
  commit?: string;
  timestamp?: string;
  eventId?: string;
  attr?: Array<[string, unknown]>;
};

/** Options of `event <type>`. */
export type EventCommandOptions = EnvelopeOptions & {
  incident?: string;
  severity?: string;
  reason?: string;
  weight?: number;
  gate?: string;
  verdict?: string;
};

/** Options of `start`. */
export type StartCommandOptions = EnvelopeOptions & {
  plan?: string;
  risk?: string;
  changeCount?: number;
  repo?: string;
  previousCommit?: string;
  component?: string[];
  fixes?: string[];
};

/** The release's commits as `start` collected them (see gitRange.ts). */
export type StartRange = {
  commit: string;
  previousCommit?: string;
  commits?: unknown[];
  commitCount?: number;
};

function definedEntries(
  fields: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined),
  );
}

/**
 * The event as posted. Only the type is checked here; the ledger validates
 * everything else and answers with the field and the problem, so the CLI
 * never disagrees with the server it talks to.
 */
export function buildEvent(
  type: ReleaseEventType,
  options: EnvelopeOptions,
  namedAttributes: Record<string, unknown>,
): ReleaseEventInput {
  if (
    !options.release &&
    !(RELEASE_OPTIONAL_EVENT_TYPES as readonly string[]).includes(type)
  ) {
    throw new UsageError(
      `--release is required for ${type} (only ${RELEASE_OPTIONAL_EVENT_TYPES.join(
        ' and ',
      )} may omit it)`,
    );
  }
  const attributes = {
    ...Object.fromEntries(options.attr ?? []),
    ...definedEntries(namedAttributes),
  };
  return definedEntries({
    eventId: options.eventId,
    type,
    releaseId: options.release,
    entityRef: options.entity,
    timestamp: options.timestamp,
    environment: options.environment,
    version: options.version,
    commit: options.commit,
    attributes: Object.keys(attributes).length ? attributes : undefined,
  }) as ReleaseEventInput;
}

export function buildStartEvent(
  options: StartCommandOptions,
  range?: StartRange,
): ReleaseEventInput {
  if (!options.entity) {
    throw new UsageError(
      '--entity is required: the first event of a release names its catalog entity, e.g. component:default/payments-api',
    );
  }
  return buildEvent('release_started', options, {
    plan: options.plan,
    risk: options.risk,
    changeCount: options.changeCount,
    components: options.component,
    fixes: options.fixes,
    commit: range?.commit,
    previousCommit: range?.previousCommit ?? options.previousCommit,
    commits: range?.commits,
    commitCount: range?.commitCount,
  });
}

export function buildTypedEvent(
  type: string,
  options: EventCommandOptions,
): ReleaseEventInput {
  const known = parseEventType(type);
  return buildEvent(known, options, {
    incidentId: options.incident,
    severity: options.severity,
    reason: options.reason,
    weight: options.weight,
    gate: options.gate,
    verdict: options.verdict,
  });
}
