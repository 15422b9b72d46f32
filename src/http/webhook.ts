// POST /webhook: push events from GitHub, GitLab, Gitea/Forgejo or a plain bearer secret, checked
// against MCP_GITOPS_WEBHOOK_SECRET over the raw body bytes.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearer, hmacHex, safeEqual } from './auth.js';
import { header, webhookEvent } from './webhook-event.js';
import { NOT_JSON } from './json-body.js';

export type WebhookProvider = 'github' | 'gitlab' | 'gitea' | 'bearer' | 'unknown';

/** Every value the `result` label of mcp_gitops_webhook_requests_total takes. */
export const WEBHOOK_RESULTS = ['accepted', 'ignored', 'ping', 'unauthorized', 'bad_request', 'too_large', 'disabled'] as const;
export type WebhookResult = (typeof WEBHOOK_RESULTS)[number];

export interface WebhookDeps {
  secret?: string;
  /** Branch the daemon follows; undefined = any push counts. */
  branch: () => string | undefined;
  /** Queues a sync; returns its id. */
  trigger: (reason: string) => number;
  onRequest?: (provider: WebhookProvider, result: WebhookResult) => void;
}

/** Which provider a delivery claims to come from, by its signature header. */
export function providerOf(req: FastifyRequest): WebhookProvider {
  if (header(req, 'x-hub-signature-256') !== undefined) return 'github';
  if (header(req, 'x-gitea-signature') !== undefined || header(req, 'x-forgejo-signature') !== undefined) return 'gitea';
  if (header(req, 'x-gitlab-token') !== undefined) return 'gitlab';
  if (bearer(header(req, 'authorization')) !== undefined) return 'bearer';
  return 'unknown';
}

/** Which provider signed it and whether the signature is right (constant time over the raw bytes). */
export function verifyWebhook(req: FastifyRequest, body: Buffer, secret: string): { provider: WebhookProvider; ok: boolean } {
  const provider = providerOf(req);
  switch (provider) {
    case 'github':
      return { provider, ok: safeEqual(header(req, 'x-hub-signature-256')!, `sha256=${hmacHex(secret, body)}`) };
    case 'gitea':
      return { provider, ok: safeEqual(header(req, 'x-gitea-signature') ?? header(req, 'x-forgejo-signature')!, hmacHex(secret, body)) };
    case 'gitlab':
      return { provider, ok: safeEqual(header(req, 'x-gitlab-token')!, secret) };
    case 'bearer':
      return { provider, ok: safeEqual(bearer(header(req, 'authorization'))!, secret) };
    default:
      return { provider, ok: false };
  }
}

const MISSING = 'missing signature: send X-Hub-Signature-256, X-Gitea-Signature, X-Gitlab-Token or Authorization: Bearer';

export function registerWebhook(app: FastifyInstance, deps: WebhookDeps): void {
  // body-limit and content-type failures happen before the handler: still counted, still clear
  const errorHandler = (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    const code = err.statusCode !== undefined && err.statusCode < 500 ? err.statusCode : 400;
    deps.onRequest?.(providerOf(req), code === 413 ? 'too_large' : 'bad_request');
    const error = code === 413 ? 'body over 1 MiB' : code === 415 ? NOT_JSON : err.message;
    void reply.code(code).send({ error });
  };
  app.post('/webhook', { errorHandler }, async (req, reply) => {
    // no body at all (a bare `curl -X POST` with a bearer secret) is an empty push notification
    const body = req.body === undefined || req.body === null ? Buffer.alloc(0) : req.body;
    if (!Buffer.isBuffer(body)) {
      deps.onRequest?.(providerOf(req), 'bad_request');
      return reply.code(415).send({ error: NOT_JSON });
    }
    if (deps.secret === undefined) {
      deps.onRequest?.('unknown', 'disabled');
      return reply.code(403).send({ error: 'webhooks are disabled: MCP_GITOPS_WEBHOOK_SECRET is not set' });
    }
    const { provider, ok } = verifyWebhook(req, body, deps.secret);
    const answer = (code: number, result: WebhookResult, payload: object) => {
      deps.onRequest?.(provider, result);
      return reply.code(code).send(payload);
    };
    if (!ok) return answer(401, 'unauthorized', { error: provider === 'unknown' ? MISSING : 'signature does not match' });
    let payload: unknown;
    try {
      payload = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      return answer(400, 'bad_request', { error: 'body is not valid JSON' });
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return answer(400, 'bad_request', { error: 'body must be a JSON object' });
    const event = webhookEvent(req);
    if (event.kind === 'ping') return answer(202, 'ping', { accepted: false, reason: 'ping' });
    if (event.kind === 'other') return answer(202, 'ignored', { accepted: false, reason: `event "${event.name.slice(0, 64)}" is not a push` });
    const ref = (payload as { ref?: unknown }).ref;
    const branch = deps.branch();
    if (branch !== undefined && typeof ref === 'string' && ref !== `refs/heads/${branch}`) {
      return answer(202, 'ignored', { accepted: false, reason: `push to ${ref.slice(0, 200)}, following refs/heads/${branch}` });
    }
    const syncId = deps.trigger(`webhook:${provider}`);
    return answer(202, 'accepted', { accepted: true, syncId });
  });
}
