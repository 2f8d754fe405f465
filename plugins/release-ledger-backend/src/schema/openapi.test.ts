import { spec } from './openapi.generated';

// eslint-disable-next-line @backstage/no-relative-monorepo-imports
const { render } = require('../../scripts/generate-openapi');

describe('openapi.generated.ts', () => {
  it('matches openapi.yaml (run `yarn openapi:generate` after editing the YAML)', () => {
    const generated = render();
    expect(generated).toContain(JSON.stringify(spec, null, 2));
    expect(Object.keys(spec.paths)).toEqual([
      '/events',
      '/releases',
      '/releases/{releaseId}',
      '/releases/{releaseId}/comms',
      '/releases/{releaseId}/gates/evaluate',
      '/releases/{releaseId}/gates',
      '/releases/{releaseId}/gates/replay',
      '/comms/status',
      '/comms/requeue',
      '/metrics',
      '/notes/{week}',
    ]);
  });
});
