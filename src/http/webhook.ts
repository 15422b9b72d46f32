// POST /webhook: push events from GitHub, GitLab, Gitea/Forgejo or a plain bearer secret, checked
// against MCP_GITOPS_WEBHOOK_SECRET over the raw body bytes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearer, hmacHex, safeEqual } from './auth.js';

export type WebhookProvider = 'github' | 'gitlab' | 'gitea' | 'bearer' | 'unknown';

export interface WebhookDeps {
  secret?: string;
  /** Branch the daemon follows; undefined = any push counts. */
  branch: () => string | undefined;
  trigger: (reason: string) => void;
  onRequest?: (provider: WebhookProvider, result: string) => void;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Which provider signed it and whether the signature is right. */
export function verifyWebhook(req: FastifyRequest, body: Buffer, secret: string): { provider: WebhookProvider; ok: boolean } {
  const gh = header(req, 'x-hub-signature-256');
  if (gh !== undefined) return { provider: 'github', ok: safeEqual(gh, `sha256=${hmacHex(secret, body)}`) };
  const gitea = header(req, 'x-gitea-signature') ?? header(req, 'x-forgejo-signature');
  if (gitea !== undefined) return { provider: 'gitea', ok: safeEqual(gitea, hmacHex(secret, body)) };
  const gl = header(req, 'x-gitlab-token');
  if (gl !== undefined) return { provider: 'gitlab', ok: safeEqual(gl, secret) };
  const token = bearer(header(req, 'authorization'));
  if (token !== undefined) return { provider: 'bearer', ok: safeEqual(token, secret) };
  return { provider: 'unknown', ok: false };
}

function isPing(req: FastifyRequest): boolean {
  return header(req, 'x-github-event') === 'ping' || header(req, 'x-gitea-event') === 'ping';
}

export function registerWebhook(app: FastifyInstance, deps: WebhookDeps): void {
  app.post('/webhook', async (req, reply) => {
    const body = req.body;
    if (!Buffer.isBuffer(body)) return reply.code(415).send({ error: 'expected a JSON body (Content-Type: application/json)' });
    if (deps.secret === undefined) {
      deps.onRequest?.('unknown', 'disabled');
      return reply.code(403).send({ error: 'webhooks are disabled: MCP_GITOPS_WEBHOOK_SECRET is not set' });
    }
    const { provider, ok } = verifyWebhook(req, body, deps.secret);
    if (!ok) {
      deps.onRequest?.(provider, 'unauthorized');
      return reply.code(401).send({ error: provider === 'unknown' ? 'missing signature header' : 'signature does not match' });
    }
    let payload: { ref?: unknown };
    try {
      payload = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as { ref?: unknown });
    } catch {
      deps.onRequest?.(provider, 'bad_request');
      return reply.code(400).send({ error: 'body is not valid JSON' });
    }
    if (isPing(req)) {
      deps.onRequest?.(provider, 'ping');
      return reply.code(202).send({ accepted: false, reason: 'ping' });
    }
    const branch = deps.branch();
    if (branch !== undefined && typeof payload.ref === 'string' && payload.ref !== `refs/heads/${branch}`) {
      deps.onRequest?.(provider, 'ignored');
      return reply.code(202).send({ accepted: false, reason: `push to ${payload.ref}, following refs/heads/${branch}` });
    }
    deps.trigger(`webhook:${provider}`);
    deps.onRequest?.(provider, 'accepted');
    return reply.code(202).send({ accepted: true });
  });
}
