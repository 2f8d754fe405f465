import { Config } from '@backstage/config';
import { ConfigSources, FileConfigSource } from '@backstage/config-loader';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');

/** Reads a root config file as Backstage does, every `${VAR}` a visible placeholder. */
async function readConfig(file: string): Promise<Config> {
  const config = await ConfigSources.toConfig(
    FileConfigSource.create({
      path: path.join(root, file),
      watch: false,
      substitutionFunc: async name => `<env ${name}>`,
    }),
  );
  config.close();
  return config;
}

describe('app-config.production.yaml', () => {
  let config: Config;
  beforeAll(async () => {
    config = await readConfig('app-config.production.yaml');
  });

  it('enables permissions', () => {
    expect(config.getOptionalBoolean('permission.enabled')).toBe(true);
  });

  it('signs in through a real provider, never as guest', () => {
    const providers = config.getConfig('auth.providers').keys();
    expect(providers).not.toContain('guest');
    expect(providers.length).toBeGreaterThan(0);
  });

  it('keeps the default auth policy and takes secrets from the environment', () => {
    expect(
      config.getOptionalBoolean(
        'backend.auth.dangerouslyDisableDefaultAuthPolicy',
      ),
    ).toBeUndefined();
    const tokens = config
      .getConfigArray('backend.auth.externalAccess')
      .map(access => access.getString('options.token'));
    expect(tokens).toEqual(['<env RELEASE_LEDGER_TOKEN>']);
  });
});

describe('app-config.yaml merged with app-config.production.yaml', () => {
  it('never lets the dev guest sign in outside development', async () => {
    // Backstage merges the files; the guest provider refuses to work when
    // NODE_ENV is not development unless this flag says otherwise.
    for (const file of ['app-config.yaml', 'app-config.production.yaml']) {
      const config = await readConfig(file);
      expect(
        config.getOptionalBoolean(
          'auth.providers.guest.dangerouslyAllowOutsideDevelopment',
        ),
      ).toBeUndefined();
    }
  });
});

describe('app-config.yaml (the dev portal)', () => {
  it('runs with permissions on, under the example policy', async () => {
    const config = await readConfig('app-config.yaml');
    expect(config.getOptionalBoolean('permission.enabled')).toBe(true);
    // The guest is the demo user of examples/org.yaml, a release manager.
    expect(config.getString('auth.providers.guest.userEntityRef')).toBe(
      'user:default/guest',
    );
  });
});
