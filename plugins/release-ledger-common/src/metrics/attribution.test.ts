import fc from 'fast-check';
import {
  IncidentRecord,
  ReleasePromotion,
  attributeIncidents,
} from './attribution';

const payments = 'component:default/payments';
const promotions: ReleasePromotion[] = [
  {
    releaseId: 'payments@1',
    entityRef: payments,
    promotedAt: '2026-03-02T10:00:00.000Z',
  },
  {
    releaseId: 'payments@2',
    entityRef: payments,
    promotedAt: '2026-03-05T10:00:00.000Z',
  },
  {
    releaseId: 'checkout@1',
    entityRef: 'component:default/checkout',
    promotedAt: '2026-03-05T12:00:00.000Z',
  },
];

function incident(overrides: Partial<IncidentRecord>): IncidentRecord {
  return {
    incidentId: 'INC-1',
    entityRef: payments,
    severity: 'SEV-2',
    startedAt: '2026-03-06T09:00:00.000Z',
    ...overrides,
  };
}

describe('attributeIncidents', () => {
  it.each`
    case                                          | overrides                                                             | expected
    ${'names its release'}                        | ${{ releaseId: 'payments@1', startedAt: '2026-04-30T00:00:00.000Z' }} | ${{ method: 'explicit', releaseId: 'payments@1' }}
    ${'starts 23 h after the latest promotion'}   | ${{}}                                                                 | ${{ method: 'window', releaseId: 'payments@2' }}
    ${'starts at the promotion itself'}           | ${{ startedAt: '2026-03-05T10:00:00.000Z' }}                          | ${{ method: 'window', releaseId: 'payments@2' }}
    ${'starts just before the latest promotion'}  | ${{ startedAt: '2026-03-05T09:59:59.999Z' }}                          | ${{ method: 'window', releaseId: 'payments@1' }}
    ${'starts exactly 72 h after it'}             | ${{ startedAt: '2026-03-08T10:00:00.000Z' }}                          | ${{ method: 'window', releaseId: 'payments@2' }}
    ${'starts 72 h and 1 ms after it'}            | ${{ startedAt: '2026-03-08T10:00:00.001Z' }}                          | ${{ method: 'unattributed' }}
    ${'starts before any promotion'}              | ${{ startedAt: '2026-03-01T00:00:00.000Z' }}                          | ${{ method: 'unattributed' }}
    ${'is on an entity never promoted'}           | ${{ entityRef: 'component:default/search' }}                          | ${{ method: 'unattributed' }}
    ${'spells the entity ref in another case'}    | ${{ entityRef: 'Component:default/Payments' }}                        | ${{ method: 'window', releaseId: 'payments@2' }}
    ${'is SEV-4 (severity does not matter here)'} | ${{ severity: 'SEV-4' }}                                              | ${{ method: 'window', releaseId: 'payments@2' }}
    ${'has an unreadable start'}                  | ${{ startedAt: 'yesterday' }}                                         | ${{ method: 'unattributed' }}
  `('an incident that $case', ({ overrides, expected }) => {
    expect(attributeIncidents([incident(overrides)], promotions)).toEqual([
      { incidentId: 'INC-1', ...expected },
    ]);
  });

  it('answers in input order and honours windowHours', () => {
    const incidents = [
      incident({ incidentId: 'INC-1', startedAt: '2026-03-06T09:00:00Z' }),
      incident({ incidentId: 'INC-2', startedAt: '2026-03-06T11:00:00Z' }),
    ];
    expect(
      attributeIncidents(incidents, promotions, { windowHours: 24 }),
    ).toEqual([
      { incidentId: 'INC-1', method: 'window', releaseId: 'payments@2' },
      { incidentId: 'INC-2', method: 'unattributed' },
    ]);
  });

  it('breaks a tie between promotions at the same time by the larger release id, whatever the order', () => {
    const tied = ['payments@2026.03.05.1', 'payments@2026.03.05.2'].map(
      releaseId => ({
        releaseId,
        entityRef: payments,
        promotedAt: '2026-03-05T10:00:00.000Z',
      }),
    );
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...promotions, ...tied], {
          minLength: promotions.length + tied.length,
        }),
        shuffled => {
          expect(attributeIncidents([incident({})], shuffled)).toEqual([
            {
              incidentId: 'INC-1',
              method: 'window',
              releaseId: 'payments@2026.03.05.2',
            },
          ]);
        },
      ),
    );
  });

  it.each([-1, NaN])('refuses windowHours %p', windowHours => {
    expect(() => attributeIncidents([], [], { windowHours })).toThrow(
      `windowHours must be a non-negative number, got ${windowHours}`,
    );
  });
});
