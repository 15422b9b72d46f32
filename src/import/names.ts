// Names the written specs need: a DNS label per server, a template-safe name per secret.

/** `GitHub Tools` -> `github-tools`; one that `taken` says is free (`-2`, `-3`... when not). */
export function serverName(key: string, taken: (name: string) => boolean): string {
  const base =
    key
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60)
      .replace(/-$/, '') || 'server';
  let name = base;
  for (let i = 2; taken(name); i++) name = `${base}-${i}`;
  return name;
}

/** A secret (and token variable) name: letters, digits and `_`, not starting with a digit. */
export function secretName(...parts: string[]): string {
  const s = parts
    .join('_')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  return /^[0-9]/.test(s) || s === '' ? `s_${s}` : s;
}

/** The secret a VS Code input (`${input:perplexity-key}`) is read from: `perplexity_key`. */
export function inputSecretName(id: string): string {
  return secretName(id).toLowerCase();
}
