import {
  SignInPage,
  type SignInProviderConfig,
} from '@backstage/core-components';
import {
  configApiRef,
  githubAuthApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  SignInPageBlueprint,
  type SignInPageProps,
} from '@backstage/plugin-app-react';

const github: SignInProviderConfig = {
  id: 'github-auth-provider',
  title: 'GitHub',
  message: 'Sign in with your GitHub account',
  apiRef: githubAuthApiRef,
};

/**
 * The providers the backend has for this environment (`auth.environment`,
 * the one auth key the frontend may read): the guest in development only,
 * GitHub in production (app-config.production.yaml); swap in your own
 * provider here and there.
 */
export function providersFor(
  environment: string,
): Array<'guest' | SignInProviderConfig> {
  return environment === 'production' ? [github] : ['guest'];
}

function ReleaseLedgerSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const environment =
    config.getOptionalString('auth.environment') ?? 'development';
  return <SignInPage {...props} providers={providersFor(environment)} />;
}

/** Replaces the app's guest-only sign-in page. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: { loader: async () => ReleaseLedgerSignInPage },
    }),
  ],
});
