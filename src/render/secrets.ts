// How the renderer reaches secrets: an injected reader (files in --secrets-dir, then the daemon's
// environment), so the pure renderer never touches the filesystem or process.env itself.

export interface SecretReader {
  read(name: string): string | undefined;
  /** Where a secret of that name is looked for, for "not found" messages (never its value). */
  describe(name: string): string;
}

export const NO_SECRETS: SecretReader = {
  read: () => undefined,
  describe: (name) => `no secret "${name}" (no secrets source configured)`,
};

/** A reader over a fixed map: tests and the CLI's --set-secret style inputs. */
export function staticSecrets(values: Record<string, string>): SecretReader {
  return {
    read: (name) => (Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined),
    describe: (name) => `no secret "${name}" is set`,
  };
}

/** The daemon's own settings and secrets (MCP_GITOPS_API_TOKEN, ..._GIT_TOKEN, ..._WEBHOOK_SECRET). */
const DAEMON_OWN = /^MCP_GITOPS_/i;

/**
 * Hides the daemon's own variables from templates: with secrets falling back to the daemon's
 * environment, `{{ secrets.MCP_GITOPS_API_TOKEN }}` would otherwise hand its API token to a server.
 */
export function withoutDaemonSecrets(inner: SecretReader): SecretReader {
  return {
    read: (name) => (DAEMON_OWN.test(name) ? undefined : inner.read(name)),
    describe: (name) =>
      DAEMON_OWN.test(name)
        ? `"${name}" is one of the daemon's own settings (MCP_GITOPS_*), which templates cannot read; give the server a secret of its own`
        : inner.describe(name),
  };
}
