import {
  ReleaseEvent,
  ReleaseEventAttributes,
  ReleaseEventOf,
  validateReleaseEvent,
} from './events';

/*
 * Type-level tests: `yarn tsc` checks this file, and every line marked
 * `@ts-expect-error` must be an error, or tsc fails on the unused directive.
 * The runtime assertions below keep the functions honest as well.
 */

const base = {
  releaseId: 'payments@1',
  timestamp: '2026-11-27T10:00:00.000Z',
  environment: 'production',
};

/** The reason a reader can take from an event, narrowed by `switch`. */
function reasonOf(event: ReleaseEvent): string | undefined {
  switch (event.type) {
    case 'rolled_back': {
      // Required by the contract, so a plain string.
      const reason: string = event.attributes.reason;
      return reason;
    }
    case 'gate_failed':
      // @ts-expect-error optional on gate_failed: string | undefined
      return event.attributes.reason.trim();
    case 'promoted': {
      // @ts-expect-error promoted has no reason: an extra field is unknown, not a string
      const reason: string = event.attributes.reason;
      return reason;
    }
    default:
      return undefined;
  }
}

/** Other fields narrow the same way. */
function detailOf(event: ReleaseEvent): string {
  switch (event.type) {
    case 'incident_started':
      return `${event.attributes.incidentId} ${event.attributes.severity}`;
    case 'canary_started':
      return event.attributes.weight.toFixed(0);
    case 'flag_toggled':
      return event.attributes.flag;
    case 'pr_merged':
      // @ts-expect-error a pr_merged event has no weight of its own
      return event.attributes.weight.toFixed(0);
    default:
      // @ts-expect-error before narrowing, attributes are any type's
      return event.attributes.flag;
  }
}

const noReason: ReleaseEventOf<'rolled_back'> = {
  ...base,
  eventId: 'e-no-reason',
  type: 'rolled_back',
  // @ts-expect-error a rolled_back event needs a reason
  attributes: {},
};

// @ts-expect-error severities are SEV-1 … SEV-4
const wrongType: ReleaseEvent = {
  ...base,
  eventId: 'e-wrong-severity',
  type: 'incident_started',
  attributes: { incidentId: 'INC-1', severity: 'SEV-9' },
};

// Extra fields a pipeline attached are kept and readable, as unknown.
const extra: ReleaseEventAttributes['promoted']['pipelineRun'] = 42;

describe('typed release events', () => {
  const rolledBack: ReleaseEventOf<'rolled_back'> = {
    ...base,
    eventId: 'e-rolled-back',
    type: 'rolled_back',
    attributes: { reason: 'error rate', pipelineRun: 7 },
  };
  const promoted: ReleaseEvent = {
    ...base,
    eventId: 'e-promoted',
    type: 'promoted',
    attributes: { weight: 100, reason: 'not a typed field' },
  };

  it('narrows attributes on type', () => {
    expect(reasonOf(rolledBack)).toBe('error rate');
    expect(reasonOf(promoted)).toBe('not a typed field');
    expect(
      detailOf({
        ...base,
        eventId: 'e-incident',
        type: 'incident_started',
        attributes: { incidentId: 'INC-1', severity: 'SEV-2' },
      }),
    ).toBe('INC-1 SEV-2');
    expect(rolledBack.attributes.pipelineRun).toBe(7);
    expect([noReason.attributes, wrongType.type, extra]).toEqual([
      {},
      'incident_started',
      42,
    ]);
  });

  it('returns the validated event typed by its type', () => {
    const result = validateReleaseEvent({
      type: 'rolled_back',
      releaseId: 'payments@1',
      attributes: { reason: '  error rate  ' },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const event = result.event;
    if (event.type !== 'rolled_back') throw new Error(event.type);
    const reason: string = event.attributes.reason;
    expect(reason).toBe('error rate');
  });
});
