// Server-name globs of Notifier.spec.servers: `*` any run of characters, `?` one character.

export function matchesGlob(name: string, glob: string): boolean {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(name);
}

/** An event about no particular server (an invalid commit) goes to every notifier. */
export function concerns(globs: readonly string[], servers: readonly string[]): boolean {
  return servers.length === 0 || servers.some((s) => globs.some((g) => matchesGlob(s, g)));
}
