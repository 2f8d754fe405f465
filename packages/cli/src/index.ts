/**
 * The `release-ledger` command: posts release events to Release Ledger and
 * waits for SLO gates from CI pipelines.
 *
 * @packageDocumentation
 */
import fs from 'node:fs';
import path from 'node:path';
import { run } from './program';

function cliVersion(): string | undefined {
  try {
    // src/index.ts and the built dist/index.cjs.js are both one level below
    // package.json (a CLI is not bundled into a backend, so this holds).
    const pkg = JSON.parse(
      // eslint-disable-next-line no-restricted-syntax
      fs.readFileSync(path.resolve(__dirname, '../package.json'), 'utf8'),
    );
    return pkg.version;
  } catch {
    return undefined;
  }
}

run(process.argv.slice(2), {
  env: process.env,
  stdout: text => process.stdout.write(`${text}\n`),
  stderr: text => process.stderr.write(`${text}\n`),
  version: cliVersion(),
}).then(
  code => {
    process.exitCode = code;
  },
  error => {
    process.stderr.write(`release-ledger: ${error?.stack ?? error}\n`);
    process.exitCode = 2;
  },
);
