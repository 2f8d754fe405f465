import { mockCredentials } from '@backstage/backend-test-utils';
import { UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  createPermission,
  Permission,
} from '@backstage/plugin-permission-common';
import {
  releaseLedgerCommsManagePermission,
  releaseLedgerEventCreatePermission,
  releaseLedgerGateReplayPermission,
  releaseLedgerNoteUpdatePermission,
  releaseLedgerPermissions,
  releaseLedgerReadPermission,
} from '@release-ledger/plugin-release-ledger-common';
import {
  decideReleaseLedgerPermission,
  ReleaseLedgerExamplePolicy,
} from './permissionPolicy';

const teamMember = ['user:default/sam', 'group:default/team-storefront'];
const releaseManager = [
  'user:default/riley',
  'group:default/team-payments',
  'group:default/release-managers',
];

const ownerOf = (claims: string[]) => ({
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'catalog',
  resourceType: 'catalog-entity',
  conditions: {
    rule: 'IS_ENTITY_OWNER',
    resourceType: 'catalog-entity',
    params: { claims },
  },
});
const allow = { result: AuthorizeResult.ALLOW };
const deny = { result: AuthorizeResult.DENY };

describe('decideReleaseLedgerPermission', () => {
  it.each<[string, Permission, string[] | undefined, object]>([
    ['anyone signed in reads', releaseLedgerReadPermission, teamMember, allow],
    ['nobody signed out reads', releaseLedgerReadPermission, undefined, deny],
    [
      'a team member writes events for entities their groups own',
      releaseLedgerEventCreatePermission,
      teamMember,
      ownerOf(teamMember),
    ],
    [
      'a release manager writes events for any entity',
      releaseLedgerEventCreatePermission,
      releaseManager,
      allow,
    ],
    [
      'nobody signed out writes events',
      releaseLedgerEventCreatePermission,
      undefined,
      deny,
    ],
    [
      'a team member does not requeue messages',
      releaseLedgerCommsManagePermission,
      teamMember,
      deny,
    ],
    [
      'a release manager requeues messages',
      releaseLedgerCommsManagePermission,
      releaseManager,
      allow,
    ],
    [
      'a team member does not replay gates',
      releaseLedgerGateReplayPermission,
      teamMember,
      deny,
    ],
    [
      'a release manager replays gates',
      releaseLedgerGateReplayPermission,
      releaseManager,
      allow,
    ],
    [
      'a team member does not write the weekly note',
      releaseLedgerNoteUpdatePermission,
      teamMember,
      deny,
    ],
    [
      'a release manager writes the weekly note',
      releaseLedgerNoteUpdatePermission,
      releaseManager,
      allow,
    ],
    [
      'an unknown release-ledger permission is closed, even to release managers',
      createPermission({
        name: 'release-ledger.future.thing',
        attributes: {},
      }),
      releaseManager,
      deny,
    ],
  ])('%s', (_, permission, claims, expected) => {
    expect(
      decideReleaseLedgerPermission(
        permission,
        claims && { ownershipEntityRefs: claims },
      ),
    ).toEqual(expected);
  });

  it('leaves other plugins’ permissions to the surrounding policy', () => {
    const catalogRead = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    });
    expect(
      decideReleaseLedgerPermission(catalogRead, {
        ownershipEntityRefs: releaseManager,
      }),
    ).toBeUndefined();
  });

  it('matches group refs whatever their case, and takes other group names', () => {
    const options = {
      releaseManagers: ['group:default/Release-Captains'],
      noteAuthors: ['group:default/leadership'],
    };
    const captain = { ownershipEntityRefs: ['group:default/release-captains'] };
    expect(
      decideReleaseLedgerPermission(
        releaseLedgerGateReplayPermission,
        captain,
        options,
      ),
    ).toEqual(allow);
    expect(
      decideReleaseLedgerPermission(
        releaseLedgerNoteUpdatePermission,
        captain,
        options,
      ),
    ).toEqual(deny);
    expect(
      decideReleaseLedgerPermission(
        releaseLedgerNoteUpdatePermission,
        { ownershipEntityRefs: ['group:default/leadership'] },
        options,
      ),
    ).toEqual(allow);
  });

  it('decides every permission Release Ledger declares', () => {
    for (const permission of releaseLedgerPermissions) {
      expect(
        decideReleaseLedgerPermission(permission, {
          ownershipEntityRefs: teamMember,
        }),
      ).toBeDefined();
    }
  });
});

describe('ReleaseLedgerExamplePolicy', () => {
  const userInfo: UserInfoService = {
    getUserInfo: async credentials => {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs:
          ref === 'user:default/riley' ? releaseManager : teamMember,
      };
    },
  };
  const policy = new ReleaseLedgerExamplePolicy({ userInfo });
  const as = (userEntityRef: string) => ({
    credentials: mockCredentials.user(userEntityRef),
    info: { userEntityRef, ownershipEntityRefs: [] },
  });

  it('asks the user info service for the groups of the signed-in user', async () => {
    await expect(
      policy.handle(
        { permission: releaseLedgerCommsManagePermission },
        as('user:default/riley'),
      ),
    ).resolves.toEqual(allow);
    await expect(
      policy.handle(
        { permission: releaseLedgerCommsManagePermission },
        as('user:default/sam'),
      ),
    ).resolves.toEqual(deny);
    await expect(
      policy.handle({ permission: releaseLedgerEventCreatePermission }),
    ).resolves.toEqual(deny);
  });

  it('allows other plugins’ permissions, as this dev portal did before', async () => {
    await expect(
      policy.handle(
        {
          permission: createPermission({
            name: 'catalog.entity.read',
            attributes: { action: 'read' },
            resourceType: 'catalog-entity',
          }),
        },
        as('user:default/sam'),
      ),
    ).resolves.toEqual(allow);
  });
});
