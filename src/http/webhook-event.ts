// What a webhook delivery is about, from the provider's event header: a push (sync), a ping (the
// provider testing the hook) or anything else (pull requests, issues, ...: nothing to do).
import type { FastifyRequest } from 'fastify';

export type WebhookEvent = { kind: 'push' } | { kind: 'ping' } | { kind: 'other'; name: string };

export function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** No event header (a plain bearer caller) counts as a push. */
export function webhookEvent(req: FastifyRequest): WebhookEvent {
  const gh = header(req, 'x-github-event') ?? header(req, 'x-gitea-event') ?? header(req, 'x-forgejo-event') ?? header(req, 'x-gogs-event');
  if (gh !== undefined) {
    const name = gh.trim().toLowerCase();
    return name === 'push' ? { kind: 'push' } : name === 'ping' ? { kind: 'ping' } : { kind: 'other', name };
  }
  const gl = header(req, 'x-gitlab-event');
  if (gl !== undefined) return gl.trim() === 'Push Hook' ? { kind: 'push' } : { kind: 'other', name: gl.trim() };
  return { kind: 'push' };
}
