// Webhook deliveries as the providers send them: push payloads and headers, signed with the secret
// the way each provider signs (GitHub/Gitea: HMAC-SHA256 of the body; GitLab: the token itself).
import { createHmac, randomUUID } from 'node:crypto';

export type Provider = 'github' | 'gitlab' | 'gitea' | 'bearer';

export const hmacHex = (secret: string, body: string | Buffer): string => createHmac('sha256', secret).update(body).digest('hex');

/** A push event body (the fields the providers share: ref, before, after, repository). */
export function pushBody(ref: string, after: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ref,
    before: '0'.repeat(40),
    after,
    repository: { full_name: 'org/specs', default_branch: 'main' },
    pusher: { name: 'e2e' },
    ...extra,
  });
}

/** Headers of one delivery of `body`; `event` overrides the event type header (e.g. ping). */
export function deliveryHeaders(provider: Provider, secret: string, body: string, event?: string): Record<string, string> {
  const json = { 'content-type': 'application/json' };
  switch (provider) {
    case 'github':
      return {
        ...json,
        'user-agent': 'GitHub-Hookshot/e2e',
        'x-github-event': event ?? 'push',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${hmacHex(secret, body)}`,
      };
    case 'gitea':
      return { ...json, 'x-gitea-event': event ?? 'push', 'x-gitea-delivery': randomUUID(), 'x-gitea-signature': hmacHex(secret, body) };
    case 'gitlab':
      return { ...json, 'x-gitlab-event': event ?? 'Push Hook', 'x-gitlab-token': secret };
    case 'bearer':
      return { ...json, authorization: `Bearer ${secret}` };
  }
}

/** POSTs one delivery; resolves with the status and the JSON (or text) answer. */
export async function deliver(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}/webhook`, { method: 'POST', headers, body });
  const text = await res.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}
