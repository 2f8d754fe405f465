import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import { releaseLedgerEventCreatePermission } from '@release-ledger/plugin-release-ledger-common';
import type { Request } from 'express';

/**
 * Who may call a route. Pipelines (service principals, e.g. the static
 * tokens of `backend.auth.externalAccess`) pass without asking the policy:
 * the token's access restriction to this plugin is their grant. Signed-in
 * users need the route's permission.
 */
export class RouteAuthorization {
  readonly #httpAuth: HttpAuthService;
  readonly #permissions: PermissionsService;

  constructor(options: {
    httpAuth: HttpAuthService;
    permissions: PermissionsService;
  }) {
    this.#httpAuth = options.httpAuth;
    this.#permissions = options.permissions;
  }

  /** The caller, user or service; no permission asked. */
  caller(
    req: Request,
  ): Promise<
    BackstageCredentials<BackstageUserPrincipal | BackstageServicePrincipal>
  > {
    return this.#httpAuth.credentials(req, { allow: ['user', 'service'] });
  }

  /**
   * The caller's credentials once a user holds `permission`; throws 403
   * saying what `action` needs.
   */
  async require(
    req: Request,
    permission: BasicPermission,
    action: string,
  ): Promise<
    BackstageCredentials<BackstageUserPrincipal | BackstageServicePrincipal>
  > {
    const credentials = await this.caller(req);
    if (credentials.principal.type === 'user') {
      await this.#check(credentials, permission, action);
    }
    return credentials;
  }

  /**
   * As `require`, for routes only a person may call: a human's words, like
   * the weekly note, have a human author.
   */
  async requireUser(
    req: Request,
    permission: BasicPermission,
    action: string,
  ): Promise<BackstageCredentials<BackstageUserPrincipal>> {
    const credentials = await this.#httpAuth.credentials(req, {
      allow: ['user'],
    });
    await this.#check(credentials, permission, action);
    return credentials;
  }

  async #check(
    credentials: BackstageCredentials,
    permission: BasicPermission,
    action: string,
  ) {
    const [decision] = await this.#permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${action} needs the permission ${permission.name}`,
      );
    }
  }

  /**
   * The entities a signed-in user may not write events for: one decision of
   * release-ledger.event.create per distinct entity, so a policy can answer
   * with catalog conditions (e.g. owners only) that the catalog evaluates.
   */
  async deniedEventWrites(
    credentials: BackstageCredentials,
    entityRefs: string[],
  ): Promise<string[]> {
    const distinct = [...new Set(entityRefs)];
    if (distinct.length === 0) return [];
    const decisions = await this.#permissions.authorize(
      distinct.map(resourceRef => ({
        permission: releaseLedgerEventCreatePermission,
        resourceRef,
      })),
      { credentials },
    );
    return distinct.filter(
      (_, i) => decisions[i].result !== AuthorizeResult.ALLOW,
    );
  }
}
