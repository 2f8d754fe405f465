import { RELEASE_EVENT_TYPES, validateReleaseEvent } from './events';

const ok = {
  type: 'release_started',
  releaseId: 'payments@1',
  entityRef: 'component:default/payments',
};

describe('validateReleaseEvent', () => {
  it('accepts a minimal event and every known type with its attributes', () => {
    expect(validateReleaseEvent(ok)).toMatchObject({ ok: true });
    const attributes: Record<string, object> = {
      pr_merged: { prNumber: 1, title: 'feat: x' },
      release_started: { commit: 'a1b2c3d', previousCommit: '0f9e8d7c6b5a' },
      canary_started: { weight: 10 },
      gate_evaluated: { verdict: 'pass' },
      rolled_back: { reason: 'errors' },
      incident_started: { incidentId: 'INC-123', severity: 'SEV-2' },
      incident_resolved: { incidentId: 'INC-123' },
      flag_toggled: { flag: 'f', from: false, to: true },
      checklist_item_checked: {
        item: 'migrations reviewed',
        itemId: 'pre.migrations-reviewed',
        checked: false,
      },
      note_added: { text: 'hello' },
    };
    for (const type of RELEASE_EVENT_TYPES) {
      const result = validateReleaseEvent({
        type,
        releaseId: 'r1',
        attributes: attributes[type] ?? {},
      });
      expect({ type, ok: result.ok }).toEqual({ type, ok: true });
    }
  });

  it.each([
    [
      { ...ok, type: 'deployed' },
      'type',
      "unknown event type 'deployed'; known types: pr_merged, release_started",
    ],
    [{ type: 'promoted' }, 'releaseId', 'is required'],
    [
      {
        ...ok,
        type: 'checklist_item_checked',
        attributes: { item: 'x', itemId: 'flags default off' },
      },
      'attributes.itemId',
      'must be a checklist item id like pre.flags-default-off',
    ],
    [
      { ...ok, attributes: { commit: 'main; rm -rf /' } },
      'attributes.commit',
      'must be a commit id (7 to 64 hex digits)',
    ],
    [
      {
        type: 'incident_started',
        attributes: { incidentId: 'INC-1', severity: 'SEV-2' },
      },
      'entityRef',
      'is required when releaseId is absent, so the incident can be attributed',
    ],
    [
      { ...ok, releaseId: 'has space' },
      'releaseId',
      'may only contain letters, digits and . _ : @ / + -',
    ],
    [
      { ...ok, timestamp: '2026-11-27 10:00' },
      'timestamp',
      'must be an ISO 8601 date-time with a time zone',
    ],
    [
      { ...ok, timestamp: '2026-11-27T10:00:00' },
      'timestamp',
      'must be an ISO 8601 date-time with a time zone',
    ],
    [
      { ...ok, environment: 'Prod' },
      'environment',
      'must be a lower-case name like production',
    ],
    [{ ...ok, colour: 'red' }, '(body)', "unknown field(s) 'colour'"],
    [
      { ...ok, type: 'canary_started', attributes: { weight: 120 } },
      'attributes.weight',
      'Number must be less than or equal to 100',
    ],
    [
      {
        ...ok,
        type: 'incident_started',
        attributes: { incidentId: 'oops', severity: 'SEV-9' },
      },
      'attributes.incidentId',
      'must look like INC-123',
    ],
    [
      { ...ok, type: 'rolled_back', attributes: {} },
      'attributes.reason',
      'is required',
    ],
    [{ ...ok, version: 42 }, 'version', 'must be string, got number'],
  ])('refuses %j naming %s', (raw, field, message) => {
    const result = validateReleaseEvent(raw);
    expect(result).toEqual({
      ok: false,
      issues: expect.arrayContaining([
        { field, message: expect.stringContaining(message) },
      ]),
    });
  });

  it('prefixes fields with the batch position and reports a non-object', () => {
    const result = validateReleaseEvent({ type: 'promoted' }, 'events[3]');
    expect(result).toEqual({
      ok: false,
      issues: [{ field: 'events[3].releaseId', message: 'is required' }],
    });
    expect(validateReleaseEvent('x', 'events[0]')).toEqual({
      ok: false,
      issues: [{ field: 'events[0]', message: 'must be a JSON object' }],
    });
  });

  it('bounds the size of attributes', () => {
    const result = validateReleaseEvent({
      ...ok,
      type: 'release_finished',
      attributes: { blob: 'x'.repeat(20_000) },
    });
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          field: 'attributes',
          message: 'must be at most 16000 characters of JSON',
        },
      ],
    });
  });

  it.each([
    [
      'incident_started with an entity',
      {
        type: 'incident_started',
        entityRef: 'component:default/payments-api',
        attributes: { incidentId: 'INC-7', severity: 'SEV-1' },
      },
    ],
    [
      'incident_resolved with only its incident id',
      { type: 'incident_resolved', attributes: { incidentId: 'INC-7' } },
    ],
    [
      'pr_merged with an entity and its merge commit',
      {
        type: 'pr_merged',
        entityRef: 'component:default/payments-api',
        attributes: { prNumber: 12, title: 'Tax', commit: 'abc1234' },
      },
    ],
  ])('accepts %s without a releaseId', (_name, raw) => {
    const result = validateReleaseEvent(raw);
    expect(result.ok).toBe(true);
  });

  it('refuses pr_merged without a releaseId when it cannot be linked', () => {
    expect(
      validateReleaseEvent({
        type: 'pr_merged',
        attributes: { prNumber: 12, title: 'Tax', commit: 'not-a-sha' },
      }),
    ).toEqual({
      ok: false,
      issues: [
        {
          field: 'entityRef',
          message:
            'is required when releaseId is absent, so the change can be linked to a release of it',
        },
        {
          field: 'attributes.commit',
          message:
            'must be the merge commit id (7 to 64 hex digits) when releaseId is absent, so the change can be linked to the release that ships it',
        },
      ],
    });
  });

  it('takes a release_started with a thousand commits, and no more', () => {
    const commit = (i: number) => ({
      sha: i.toString(16).padStart(40, 'a'),
      subject: `feat: change ${i}`,
      body: 'b'.repeat(500),
      committedAt: '2026-11-27T10:00:00Z',
      prNumber: i + 1,
    });
    const started = (n: number) =>
      validateReleaseEvent({
        ...ok,
        attributes: {
          commit: 'abcdef1',
          commits: Array.from({ length: n }, (_, i) => commit(i)),
        },
      });
    expect(started(1000).ok).toBe(true);
    expect(started(1001)).toEqual({
      ok: false,
      issues: [
        {
          field: 'attributes.commits',
          message:
            'must hold at most 1000 commits (send the newest, and commitCount)',
        },
      ],
    });
  });

  it('names the commit field that is wrong', () => {
    expect(
      validateReleaseEvent({
        ...ok,
        attributes: {
          commits: [{ sha: 'zz', subject: 'x' }],
          fixes: ['INC 1'],
        },
      }),
    ).toEqual({
      ok: false,
      issues: [
        {
          field: 'attributes.commits.0.sha',
          message: 'must be a commit id (7 to 64 hex digits)',
        },
        {
          field: 'attributes.fixes.0',
          message: 'must be an incident id or a release id',
        },
      ],
    });
  });
});
