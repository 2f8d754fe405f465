import type { Entity } from '@backstage/catalog-model';
import { isDoraMetricsAvailable, isReleaseLedgerAvailable } from './predicates';

const entity = (
  kind: string,
  annotations?: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'payments-api', annotations },
});

describe('isReleaseLedgerAvailable', () => {
  it('is true for components by default', () => {
    expect(isReleaseLedgerAvailable(entity('Component'))).toBe(true);
    expect(
      isReleaseLedgerAvailable(
        entity('Component', { 'release-ledger/enabled': 'true' }),
      ),
    ).toBe(true);
  });

  it('is false when the entity opts out', () => {
    expect(
      isReleaseLedgerAvailable(
        entity('Component', { 'release-ledger/enabled': 'false' }),
      ),
    ).toBe(false);
    expect(
      isReleaseLedgerAvailable(
        entity('Component', { 'release-ledger/enabled': ' FALSE ' }),
      ),
    ).toBe(false);
  });

  it('is false for other kinds', () => {
    expect(isReleaseLedgerAvailable(entity('System'))).toBe(false);
    expect(isReleaseLedgerAvailable(entity('Group'))).toBe(false);
  });
});

describe('isDoraMetricsAvailable', () => {
  it('is true for components and groups, whatever the case of the kind', () => {
    expect(isDoraMetricsAvailable(entity('Component'))).toBe(true);
    expect(isDoraMetricsAvailable(entity('Group'))).toBe(true);
    expect(isDoraMetricsAvailable(entity('group'))).toBe(true);
  });

  it('is false for other kinds and for components that opt out', () => {
    expect(isDoraMetricsAvailable(entity('System'))).toBe(false);
    expect(isDoraMetricsAvailable(entity('User'))).toBe(false);
    expect(
      isDoraMetricsAvailable(
        entity('Component', { 'release-ledger/enabled': 'false' }),
      ),
    ).toBe(false);
  });
});
