// Keeps credentials out of anything shown: userinfo in URLs and known secret values.

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@]*@/gi;

/** Removes `user:pass@` from every URL in `text`, and replaces each secret with `***`. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(URL_USERINFO, '$1');
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join('***');
  }
  return out;
}
