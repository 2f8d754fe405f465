import type { ReleaseChecklist } from './checklists';
import type { GateEvaluation } from './gates/evidence';
import { checklistHold, combineGateStates, decidePromotion } from './promotion';

describe('combineGateStates', () => {
  it.each([
    [[], 'inconclusive'],
    [['passed'], 'passed'],
    [['passed', 'failed'], 'failed'],
    [['inconclusive', 'failed'], 'failed'],
    [['passed', 'inconclusive'], 'inconclusive'],
    [['running', 'passed'], 'running'],
    [['running', 'inconclusive'], 'inconclusive'],
  ] as const)('combined %j → %s', (states, expected) => {
    expect(combineGateStates(states)).toBe(expected);
  });
});

describe('checklistHold', () => {
  const pinned = (openRequired: string[]): ReleaseChecklist => ({
    releaseId: 'payments-api@1',
    entityRef: 'component:default/payments-api',
    state: 'pinned',
    openRequired,
    checklist: {
      sections: [
        {
          phase: 'pre',
          title: 'Pre-release',
          items: [
            {
              id: 'pre.flags-default-off',
              text: 'Flags default OFF',
              required: true,
              line: 2,
            },
          ],
        },
      ],
      warnings: [],
    },
  });

  it('holds on the open required items, named by their text', () => {
    expect(checklistHold(pinned(['pre.flags-default-off']))).toEqual({
      open: [{ id: 'pre.flags-default-off', text: 'Flags default OFF' }],
    });
    expect(checklistHold(pinned([]))).toEqual({ open: [] });
  });

  it('holds nothing, with a note, when the checklist is not read or not there', () => {
    expect(checklistHold(undefined)).toEqual({ open: [] });
    expect(
      checklistHold({
        releaseId: 'r',
        entityRef: 'component:default/x',
        state: 'unavailable',
        reason: 'no checklist at https://example.com/RELEASE_CHECKLIST.md',
        openRequired: [],
      }),
    ).toEqual({
      open: [],
      note: 'checklist unavailable, not checked: no checklist at https://example.com/RELEASE_CHECKLIST.md',
    });
    expect(
      checklistHold({
        releaseId: 'r',
        entityRef: 'component:default/x',
        state: 'pending',
        openRequired: [],
      }).note,
    ).toBe(
      'checklist: not read yet (the release started moments ago); not checked',
    );
  });
});

describe('decidePromotion', () => {
  const evaluation = (
    gate: string,
    minute: number,
    state: GateEvaluation['state'],
    enforced?: GateEvaluation['state'],
  ) =>
    ({
      id: `${gate}-${minute}`,
      gate,
      state,
      enforced,
      releaseId: 'payments-api@1',
      entityRef: 'component:default/payments-api',
      environment: 'production',
      startedAt: new Date(Date.UTC(2026, 11, 3, 10, minute)).toISOString(),
      checks: [],
    } as unknown as GateEvaluation);
  const checklist = (openRequired: string[]): ReleaseChecklist => ({
    releaseId: 'payments-api@1',
    entityRef: 'component:default/payments-api',
    state: 'pinned',
    openRequired,
    checklist: {
      sections: [
        {
          phase: 'pre',
          title: 'Pre-release',
          items: [
            {
              id: 'pre.flags',
              text: 'Flags default OFF',
              required: true,
              line: 2,
            },
          ],
        },
      ],
      warnings: [],
    },
  });

  it('promotes when each gate passed on its newest evaluation and nothing required is open', () => {
    expect(
      decidePromotion(
        [evaluation('slo', 1, 'failed'), evaluation('slo', 5, 'passed')],
        checklist([]),
      ),
    ).toEqual({ promotable: true, gate: 'passed', openChecklistItems: [] });
  });

  it('holds a passed gate on the open required items', () => {
    expect(
      decidePromotion(
        [evaluation('slo', 5, 'passed')],
        checklist(['pre.flags']),
      ),
    ).toEqual({
      promotable: false,
      gate: 'passed',
      openChecklistItems: [{ id: 'pre.flags', text: 'Flags default OFF' }],
    });
  });

  it('follows what a dry-run gate enforces, and never promotes without a verdict', () => {
    expect(
      decidePromotion([evaluation('slo', 5, 'failed', 'passed')], undefined)
        .promotable,
    ).toBe(true);
    expect(decidePromotion([], checklist([]))).toMatchObject({
      promotable: false,
      gate: 'inconclusive',
    });
    expect(
      decidePromotion(
        [evaluation('slo', 5, 'passed'), evaluation('alerts', 6, 'running')],
        checklist([]),
      ),
    ).toMatchObject({ promotable: false, gate: 'running' });
  });

  it('says why the checklist was not checked, and holds nothing for it', () => {
    expect(
      decidePromotion([evaluation('slo', 5, 'passed')], {
        releaseId: 'payments-api@1',
        entityRef: 'component:default/payments-api',
        state: 'pending',
        openRequired: [],
      }),
    ).toEqual({
      promotable: true,
      gate: 'passed',
      openChecklistItems: [],
      checklistNote:
        'checklist: not read yet (the release started moments ago); not checked',
    });
  });
});
