// Secrets for templates: file `<secrets-dir>/<name>`, else the daemon's environment variable <name>.
// Values are read on use (so a rotated file is picked up by the next sync) and never logged.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretReader } from '../render/secrets.js';

const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function createSecretReader(opts: { dir?: string; env: NodeJS.ProcessEnv }): SecretReader {
  return {
    read(name) {
      if (!SAFE_NAME.test(name) || name.includes('..')) return undefined;
      if (opts.dir !== undefined) {
        try {
          return readFileSync(join(opts.dir, name), 'utf8').replace(/\r?\n$/, '');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        }
      }
      return opts.env[name];
    },
    describe(name) {
      return opts.dir === undefined
        ? `no secret "${name}" (no environment variable ${name}; no --secrets-dir given)`
        : `no secret "${name}" (no file ${join(opts.dir, name)} and no environment variable ${name})`;
    },
  };
}

/**
 * For the CLI without --secrets-dir: a secret that is not found renders as a placeholder instead of
 * failing, so specs can be validated where the secrets are not (a pull-request check).
 */
export function lenientSecrets(inner: SecretReader, missing: Set<string>): SecretReader {
  return {
    read(name) {
      const v = inner.read(name);
      if (v !== undefined) return v;
      missing.add(name);
      return `<secret ${name}>`;
    },
    describe: (name) => inner.describe(name),
  };
}
