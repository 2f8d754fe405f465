import {
  RELEASE_EVENT_TYPES,
  RELEASE_OUTCOMES,
  RELEASE_STATUSES,
} from '@release-ledger/plugin-release-ledger-common';
import fs from 'node:fs';
import { spec } from './openapi.generated';

// eslint-disable-next-line @backstage/no-relative-monorepo-imports
const {
  render,
  renderTypes,
  typesFile,
} = require('../../scripts/generate-openapi');

describe('openapi.generated.ts', () => {
  it('matches openapi.yaml (run `yarn openapi:generate` after editing the YAML)', () => {
    const generated = render();
    expect(generated).toContain(JSON.stringify(spec, null, 2));
    expect(Object.keys(spec.paths)).toEqual([
      '/events',
      '/releases',
      '/releases/{releaseId}',
      '/releases/{releaseId}/comms',
      '/releases/{releaseId}/checklist',
      '/checklists/skipped',
      '/releases/{releaseId}/notes',
      '/releases/{releaseId}/gates/evaluate',
      '/releases/{releaseId}/gates',
      '/releases/{releaseId}/gates/replay',
      '/ledger/status',
      '/comms/status',
      '/comms/requeue',
      '/metrics',
      '/notes/{week}',
    ]);
  });
});

describe('plugins/release-ledger-common/src/schema/openapi.ts', () => {
  it('matches openapi.yaml (run `yarn openapi:generate` after editing the YAML)', async () => {
    const committed = fs.readFileSync(typesFile, 'utf8');
    expect(committed).toBe(await renderTypes());
    expect(committed).toContain('export interface paths {');
    expect(committed).toContain("'/notes/{week}': {");
  });
});

describe('openapi.yaml and the event contract', () => {
  const schemas = spec.components.schemas as Record<string, any>;

  it('lists exactly the contract event types', () => {
    expect(schemas.EventType.enum).toEqual([...RELEASE_EVENT_TYPES]);
  });

  it('lists exactly the release statuses and outcomes', () => {
    const release = schemas.Release.properties;
    expect(release.status.enum).toEqual([...RELEASE_STATUSES]);
    expect(release.outcome.enum).toEqual([...RELEASE_OUTCOMES]);
    const listParameters = (
      spec.paths['/releases'].get.parameters as unknown as any[]
    )
      .filter(p => p.schema?.enum)
      .map(p => [p.name, p.schema.enum]);
    expect(listParameters).toEqual([
      ['status', [...RELEASE_STATUSES]],
      ['outcome', [...RELEASE_OUTCOMES]],
    ]);
  });

  it('has no null values: an unquoted comma in a flow-map description splits it into a stray key', () => {
    const stray: string[] = [];
    const walk = (value: unknown, at: string) => {
      if (value === null) stray.push(at);
      else if (typeof value === 'object') {
        for (const [key, child] of Object.entries(value as object)) {
          walk(child, `${at}/${key}`);
        }
      }
    };
    walk(spec, '#');
    expect(stray).toEqual([]);
  });
});
