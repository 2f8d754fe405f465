import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { resolveChecklistLocation } from './checklistLocation';

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: {
      github: [{ host: 'github.com' }],
      gitlab: [{ host: 'gitlab.com', apiBaseUrl: 'https://gitlab.com/api/v4' }],
    },
  }),
);

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', annotations },
    spec: { owner: 'team-payments' },
  };
}

const SHA = '3f2c1a9d8e7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a';
const github =
  'url:https://github.com/acme/payments/blob/main/catalog-info.yaml';

describe('resolveChecklistLocation', () => {
  // Backstage's GitHub integration resolves relative paths to /tree/ links,
  // which its UrlReader reads like /blob/ ones.
  it('reads RELEASE_CHECKLIST.md beside the catalog file by default', () => {
    expect(
      resolveChecklistLocation(
        entity({ 'backstage.io/managed-by-location': github }),
        integrations,
      ),
    ).toEqual({
      ok: true,
      type: 'url',
      target: 'https://github.com/acme/payments/tree/main/RELEASE_CHECKLIST.md',
    });
  });

  it('resolves the annotation relative to the catalog file, and pins it to the release commit', () => {
    expect(
      resolveChecklistLocation(
        entity({
          'backstage.io/managed-by-location':
            'url:https://github.com/acme/payments/blob/main/services/api/catalog-info.yaml',
          'release-ledger/checklist': '../../docs/release.md',
        }),
        integrations,
        { commit: SHA },
      ),
    ).toEqual({
      ok: true,
      type: 'url',
      target: `https://github.com/acme/payments/tree/${SHA}/docs/release.md`,
      commit: SHA,
    });
  });

  it('pins GitLab links and takes an absolute URL in the annotation as it is', () => {
    expect(
      resolveChecklistLocation(
        entity({
          'release-ledger/checklist':
            'https://gitlab.com/acme/payments/-/blob/develop/RELEASE_CHECKLIST.md',
        }),
        integrations,
        { commit: SHA.slice(0, 12) },
      ),
    ).toEqual({
      ok: true,
      type: 'url',
      target: `https://gitlab.com/acme/payments/-/blob/${SHA.slice(
        0,
        12,
      )}/RELEASE_CHECKLIST.md`,
      commit: SHA.slice(0, 12),
    });
  });

  it('leaves the link unpinned when the commit is not a commit id', () => {
    const location = resolveChecklistLocation(
      entity({ 'backstage.io/managed-by-location': github }),
      integrations,
      { commit: 'main; rm -rf /' },
    );
    expect(location).toEqual({
      ok: true,
      type: 'url',
      target: 'https://github.com/acme/payments/tree/main/RELEASE_CHECKLIST.md',
    });
  });

  it('reads a checklist beside a local catalog file (the dev portal)', () => {
    expect(
      resolveChecklistLocation(
        entity({
          'backstage.io/managed-by-location':
            'file:/work/portal/examples/entities.yaml',
        }),
        integrations,
        { commit: SHA },
      ),
    ).toEqual({
      ok: true,
      type: 'file',
      target: '/work/portal/examples/RELEASE_CHECKLIST.md',
    });
  });

  it('refuses a local file outside the catalog file’s directory, or not markdown', () => {
    const local = (checklist: string) =>
      resolveChecklistLocation(
        entity({
          'backstage.io/managed-by-location':
            'file:/work/portal/examples/entities.yaml',
          'release-ledger/checklist': checklist,
        }),
        integrations,
      );
    expect(local('docs/RELEASE.md')).toEqual({
      ok: true,
      type: 'file',
      target: '/work/portal/examples/docs/RELEASE.md',
    });
    for (const escape of ['../../../etc/passwd.md', '/etc/passwd', 'x.yaml']) {
      expect(local(escape)).toEqual({
        ok: false,
        reason: `beside a local catalog file the checklist must be a markdown file in its directory or below; "${escape}" is not`,
      });
    }
  });

  it('says why when there is nothing to resolve against', () => {
    expect(resolveChecklistLocation(entity({}), integrations)).toEqual({
      ok: false,
      reason:
        'the entity has neither a "backstage.io/managed-by-location" annotation nor an absolute URL in "release-ledger/checklist", so there is nothing to resolve the checklist against',
    });
    expect(
      resolveChecklistLocation(
        entity({ 'backstage.io/managed-by-location': 'not a location' }),
        integrations,
      ),
    ).toMatchObject({
      ok: false,
      reason: expect.stringContaining(
        'the entity\'s location "not a location" is not a location reference',
      ),
    });
  });
});
