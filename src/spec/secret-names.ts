// Which names announce a secret value: env variables and HTTP headers whose name contains KEY, TOKEN,
// SECRET, PASSWORD, AUTH (Authorization too) or COOKIE, in any case. Used to mask a remote server's
// credential headers even when written as plain text, and by `import` to keep such values out of git.

const SECRET_NAME = /key|token|secret|password|auth|cookie/i;

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}
