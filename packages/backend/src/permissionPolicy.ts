/*
 * An example permission policy for Release Ledger, installed in the dev
 * backend and meant to be copied into (or called from) your own policy:
 *
 * - everyone signed in reads releases, gates, comms and metrics;
 * - the owners of a catalog entity write events for its releases (ticking
 *   its checklist, adding notes, starting a gate evaluation), as the
 *   catalog's isEntityOwner condition decides;
 * - the release managers write events for any entity, requeue parked Slack
 *   messages and replay gates;
 * - the weekly note on the metrics page is written by the release managers,
 *   who run the weekly release review.
 *
 * Pipelines post with service tokens, which the ledger lets through without
 * asking the policy; see the README's Permissions section.
 */
import {
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  Permission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  releaseLedgerCommsManagePermission,
  releaseLedgerEventCreatePermission,
  releaseLedgerGateReplayPermission,
  releaseLedgerNoteUpdatePermission,
  releaseLedgerReadPermission,
} from '@release-ledger/plugin-release-ledger-common';

/** Who holds the group-bound Release Ledger permissions. */
export type ReleaseLedgerPolicyOptions = {
  /**
   * Groups (entity refs) whose members write events for any entity, requeue
   * parked Slack messages, and evaluate and replay gates.
   */
  releaseManagers: string[];
  /** Groups whose members write the weekly note on the metrics page. */
  noteAuthors: string[];
};

export const RELEASE_MANAGERS_GROUP = 'group:default/release-managers';

export const defaultReleaseLedgerPolicyOptions: ReleaseLedgerPolicyOptions = {
  releaseManagers: [RELEASE_MANAGERS_GROUP],
  noteAuthors: [RELEASE_MANAGERS_GROUP],
};

const DENY: PolicyDecision = { result: AuthorizeResult.DENY };
const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };

/**
 * The decision for a Release Ledger permission, or undefined for any other
 * permission so that your own policy decides those. `user` is undefined when
 * no user is signed in. Pure, so it can be called from any policy.
 */
export function decideReleaseLedgerPermission(
  permission: Permission,
  user: { ownershipEntityRefs: string[] } | undefined,
  options: ReleaseLedgerPolicyOptions = defaultReleaseLedgerPolicyOptions,
): PolicyDecision | undefined {
  if (!permission.name.startsWith('release-ledger.')) return undefined;
  if (!user) return DENY;
  const claims = user.ownershipEntityRefs.map(ref => ref.toLowerCase());
  const memberOfAny = (groups: string[]) =>
    groups.some(group => claims.includes(group.toLowerCase()));

  if (isPermission(permission, releaseLedgerReadPermission)) return ALLOW;
  if (isPermission(permission, releaseLedgerEventCreatePermission)) {
    if (memberOfAny(options.releaseManagers)) return ALLOW;
    // The ledger asks once per entity; the catalog checks ownership.
    return createCatalogConditionalDecision(
      permission,
      catalogConditions.isEntityOwner({ claims }),
    );
  }
  if (isPermission(permission, releaseLedgerNoteUpdatePermission)) {
    return memberOfAny(options.noteAuthors) ? ALLOW : DENY;
  }
  if (
    isPermission(permission, releaseLedgerCommsManagePermission) ||
    isPermission(permission, releaseLedgerGateReplayPermission)
  ) {
    return memberOfAny(options.releaseManagers) ? ALLOW : DENY;
  }
  // A Release Ledger permission this policy does not know yet: closed.
  return DENY;
}

/**
 * The dev portal's policy: Release Ledger's rules as above, and every other
 * plugin's permission allowed, as the allow-all policy would. In your portal,
 * call decideReleaseLedgerPermission from your own policy instead.
 */
export class ReleaseLedgerExamplePolicy implements PermissionPolicy {
  readonly #userInfo: UserInfoService;
  readonly #options: ReleaseLedgerPolicyOptions;

  constructor(options: {
    userInfo: UserInfoService;
    policy?: ReleaseLedgerPolicyOptions;
  }) {
    this.#userInfo = options.userInfo;
    this.#options = options.policy ?? defaultReleaseLedgerPolicyOptions;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!request.permission.name.startsWith('release-ledger.')) return ALLOW;
    const info = user
      ? await this.#userInfo.getUserInfo(user.credentials)
      : undefined;
    return (
      decideReleaseLedgerPermission(request.permission, info, this.#options) ??
      DENY
    );
  }
}

/** Installs ReleaseLedgerExamplePolicy as the permission backend's policy. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'release-ledger-example-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, userInfo }) {
        policy.setPolicy(new ReleaseLedgerExamplePolicy({ userInfo }));
      },
    });
  },
});
