// An http check: GET the url; it passes when the answer has expectStatus. Redirects are not
// followed (a 302 is an answer of its own, and following one could leave the allowed hosts).
import type { DesiredCheck } from '../../spec/desired.js';

type HttpCheck = Extract<DesiredCheck, { type: 'http' }>;

export async function httpAttempt(c: HttpCheck, signal: AbortSignal): Promise<string | undefined> {
  const res = await fetch(c.url, { method: 'GET', redirect: 'manual', signal, headers: { 'user-agent': 'mcp-gitops-health-check' } });
  await res.body?.cancel().catch(() => undefined);
  return res.status === c.expectStatus ? undefined : `answered ${res.status}, expected ${c.expectStatus}`;
}
