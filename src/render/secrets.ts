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
