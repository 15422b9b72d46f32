// The optional gateway bearer token (MCP_GITOPS_GATEWAY_TOKEN), compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

export type TokenSource = string | ((server: string) => string | undefined) | undefined;

/** true when no token is configured for `server` or the Authorization header carries it. */
export function authorized(source: TokenSource, server: string, authorization: string | undefined): boolean {
  const expected = typeof source === 'function' ? source(server) : source;
  if (expected === undefined || expected === '') return true;
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  const given = m?.[1]?.trim() ?? '';
  // equal-length digests: the comparison takes the same time whatever the lengths
  return timingSafeEqual(digest(given), digest(expected));
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
