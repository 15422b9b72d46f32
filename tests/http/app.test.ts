import { describe, expect, it } from 'vitest';
import { buildApp, type AppDeps } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { EventBus } from '../../src/reconciler/events.js';
import type { StatusView } from '../../src/reconciler/status.js';
import { deliveryHeaders, hmacHex, pushBody, type Provider } from '../e2e/helpers/webhooks.js';
import { metric } from './metric-value.js';

const SECRET = 'hook-secret-value-123';
const TOKEN = 'api-token-value-456';

const status: StatusView = {
  phase: 'Synced',
  reason: 'Synced',
  message: 'Synced to abc',
  revision: { head: 'a'.repeat(40), applied: 'a'.repeat(40), lastGood: 'a'.repeat(40) },
  failedRevision: null,
  lastError: null,
  history: [],
  servers: [
    {
      name: 'memory',
      version: '1',
      commit: 'a'.repeat(40),
      phase: 'Running',
      health: 'Healthy',
      reason: 'Healthy',
      endpoint: 'stdio',
      deployedAt: null,
      message: '',
      tools: ['read_graph'],
      restarts: 0,
    },
  ],
};

function setup(over: Partial<AppDeps> = {}) {
  const calls: { reason: string; force: boolean }[] = [];
  const events = new EventBus();
  const metrics = createMetrics({ events, status: () => status });
  const app = buildApp({
    status: () => status,
    ready: () => true,
    metrics,
    apiToken: TOKEN,
    webhookSecret: SECRET,
    branch: () => 'main',
    requestSync: (reason, force) => {
      calls.push({ reason, force });
      return calls.length;
    },
    ...over,
  });
  return { app, calls, events };
}

const push = pushBody('refs/heads/main', 'b'.repeat(40));
const sig = (body: string, secret = SECRET) => hmacHex(secret, body);
const signed = (p: Provider, body = push, event?: string) => deliveryHeaders(p, SECRET, body, event);

describe('POST /webhook', () => {
  const cases: { name: string; headers: Record<string, string>; body?: string; code: number; syncs: number; result: string; provider: string }[] = [
    { name: 'github signed push', headers: signed('github'), code: 202, syncs: 1, result: 'accepted', provider: 'github' },
    {
      name: 'github tampered body',
      headers: signed('github'),
      body: push.replace('main', 'mainx'),
      code: 401,
      syncs: 0,
      result: 'unauthorized',
      provider: 'github',
    },
    { name: 'github wrong secret', headers: deliveryHeaders('github', 'nope', push), code: 401, syncs: 0, result: 'unauthorized', provider: 'github' },
    {
      name: 'github sha1 signature only',
      headers: { 'content-type': 'application/json', 'x-hub-signature': 'sha1=00' },
      code: 401,
      syncs: 0,
      result: 'unauthorized',
      provider: 'unknown',
    },
    {
      name: 'github ping',
      headers: signed('github', '{"zen":"x","hook_id":1}', 'ping'),
      body: '{"zen":"x","hook_id":1}',
      code: 202,
      syncs: 0,
      result: 'ping',
      provider: 'github',
    },
    { name: 'github pull_request event', headers: signed('github', push, 'pull_request'), code: 202, syncs: 0, result: 'ignored', provider: 'github' },
    { name: 'gitea signed push', headers: signed('gitea'), code: 202, syncs: 1, result: 'accepted', provider: 'gitea' },
    { name: 'gitea tampered body', headers: signed('gitea'), body: `${push} `, code: 401, syncs: 0, result: 'unauthorized', provider: 'gitea' },
    {
      name: 'forgejo signature header',
      headers: { 'content-type': 'application/json', 'x-forgejo-event': 'push', 'x-forgejo-signature': sig(push) },
      code: 202,
      syncs: 1,
      result: 'accepted',
      provider: 'gitea',
    },
    { name: 'gitea issues event', headers: signed('gitea', push, 'issues'), code: 202, syncs: 0, result: 'ignored', provider: 'gitea' },
    { name: 'gitlab token', headers: signed('gitlab'), code: 202, syncs: 1, result: 'accepted', provider: 'gitlab' },
    { name: 'gitlab wrong token', headers: { ...signed('gitlab'), 'x-gitlab-token': 'x' }, code: 401, syncs: 0, result: 'unauthorized', provider: 'gitlab' },
    { name: 'gitlab tag push', headers: signed('gitlab', push, 'Tag Push Hook'), code: 202, syncs: 0, result: 'ignored', provider: 'gitlab' },
    { name: 'bearer', headers: signed('bearer'), code: 202, syncs: 1, result: 'accepted', provider: 'bearer' },
    { name: 'bearer wrong secret', headers: deliveryHeaders('bearer', `${SECRET}x`, push), code: 401, syncs: 0, result: 'unauthorized', provider: 'bearer' },
    { name: 'missing signature', headers: { 'content-type': 'application/json' }, code: 401, syncs: 0, result: 'unauthorized', provider: 'unknown' },
    {
      name: 'other branch',
      headers: signed('gitlab'),
      body: pushBody('refs/heads/dev', 'c'.repeat(40)),
      code: 202,
      syncs: 0,
      result: 'ignored',
      provider: 'gitlab',
    },
    { name: 'signed but not JSON', headers: signed('github', '{nope'), body: '{nope', code: 400, syncs: 0, result: 'bad_request', provider: 'github' },
    {
      name: 'signed JSON that is not an object',
      headers: signed('github', '[1]'),
      body: '[1]',
      code: 400,
      syncs: 0,
      result: 'bad_request',
      provider: 'github',
    },
    {
      name: "form-encoded (GitHub's other content type)",
      headers: { ...signed('github', 'payload=%7B%7D'), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'payload=%7B%7D',
      code: 415,
      syncs: 0,
      result: 'bad_request',
      provider: 'github',
    },
    { name: 'text/plain', headers: { ...signed('gitlab'), 'content-type': 'text/plain' }, code: 415, syncs: 0, result: 'bad_request', provider: 'gitlab' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { app, calls } = setup();
      const res = await app.inject({ method: 'POST', url: '/webhook', headers: c.headers, payload: c.body ?? push });
      expect(res.statusCode).toBe(c.code);
      expect(calls.length).toBe(c.syncs);
      expect(res.json()).toEqual(
        c.syncs ? { accepted: true, syncId: 1 } : expect.objectContaining(c.code === 202 ? { accepted: false } : { error: expect.any(String) as string }),
      );
      expect(res.body).not.toContain(SECRET);
      expect(await metric(app, 'mcp_gitops_webhook_requests_total', { provider: c.provider, result: c.result })).toBe(1);
    });
  }

  it('a push with no body at all (bare curl with a bearer secret) syncs', async () => {
    const { app, calls } = setup();
    const res = await app.inject({ method: 'POST', url: '/webhook', headers: { authorization: `Bearer ${SECRET}` } });
    expect(res.statusCode).toBe(202);
    expect(calls).toEqual([{ reason: 'webhook:bearer', force: false }]);
  });

  it('refuses bodies over 1 MiB with 413, counted', async () => {
    const { app, calls } = setup();
    const big = pushBody('refs/heads/main', 'b'.repeat(40), { pad: 'x'.repeat(2 * 1024 * 1024) });
    const res = await app.inject({ method: 'POST', url: '/webhook', headers: signed('github', big), payload: big });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: 'body over 1 MiB' });
    expect(calls).toEqual([]);
    expect(await metric(app, 'mcp_gitops_webhook_requests_total', { provider: 'github', result: 'too_large' })).toBe(1);
  });

  it('refuses with 403 when no secret is configured, whatever is sent', async () => {
    const { app, calls } = setup({ webhookSecret: undefined });
    for (const p of ['github', 'gitlab', 'gitea', 'bearer'] as const) {
      const res = await app.inject({ method: 'POST', url: '/webhook', headers: signed(p), payload: push });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ error: 'webhooks are disabled: MCP_GITOPS_WEBHOOK_SECRET is not set' });
    }
    expect(calls).toEqual([]);
  });

  it('a push while the branch is not known yet counts whatever its ref', async () => {
    const { app, calls } = setup({ branch: () => undefined });
    const body = pushBody('refs/heads/anything', 'c'.repeat(40));
    expect((await app.inject({ method: 'POST', url: '/webhook', headers: signed('github', body), payload: body })).statusCode).toBe(202);
    expect(calls).toHaveLength(1);
  });
});

describe('POST /sync', () => {
  it('needs the API token', async () => {
    const { app, calls } = setup();
    expect((await app.inject({ method: 'POST', url: '/sync' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/sync', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
    const ok = await app.inject({
      method: 'POST',
      url: '/sync',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      payload: '{"force": true}',
    });
    expect(ok.statusCode).toBe(202);
    expect(ok.json()).toMatchObject({ queued: true, force: true, syncId: 1 });
    expect(calls).toEqual([{ reason: 'api:force', force: true }]);
  });

  it('is 403 when no token is configured, 400 on a bad body', async () => {
    expect((await setup({ apiToken: undefined }).app.inject({ method: 'POST', url: '/sync', headers: { authorization: 'Bearer x' } })).statusCode).toBe(403);
    const bad = await setup().app.inject({
      method: 'POST',
      url: '/sync',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      payload: '{"force": "yes"}',
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe('GET /metrics, /status, /readyz', () => {
  it('counts syncs by result and rollbacks', async () => {
    const { app, events } = setup();
    events.emit({ type: 'sync.finished', syncId: 1, commit: 'a', result: 'succeeded', code: 'Synced', message: '', durationSeconds: 1.5 });
    events.emit({ type: 'revert.started', syncId: 2, from: 'b', to: 'a', reason: 'x', code: 'ToolMissing' });
    events.emit({ type: 'sync.finished', syncId: 2, commit: 'b', result: 'reverted', code: 'ToolMissing', message: '', durationSeconds: 3 });
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/^mcp_gitops_sync_total\{result="succeeded"\} 1$/m);
    expect(text).toMatch(/^mcp_gitops_sync_total\{result="reverted"\} 1$/m);
    expect(text).toMatch(/^mcp_gitops_rollbacks_total 1$/m);
    expect(text).toMatch(/^mcp_gitops_sync_duration_seconds_count 2$/m);
    expect(text).toMatch(/^mcp_gitops_servers\{phase="Running"\} 1$/m);
    expect(text).toMatch(/^mcp_gitops_server_health\{server="memory",health="Healthy"\} 1$/m);
    expect(text).toMatch(/^mcp_gitops_server_health\{server="memory",health="Unhealthy"\} 0$/m);
    expect(text).toMatch(/^mcp_gitops_status_info\{phase="Synced",reason="Synced"\} 1$/m);
  });

  it('counts environment faults and gate failures by reason', async () => {
    const { app, events } = setup();
    let text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    for (const r of ['StateWriteFailed', 'SourceUnavailable', 'RuntimeUnavailable'])
      expect(text).toContain(`mcp_gitops_environment_faults_total{reason="${r}"} 0`);
    events.emit({ type: 'sync.retrying', code: 'StateWriteFailed', message: 'ENOSPC', retryInSeconds: 1 });
    events.emit({ type: 'gate.failed', server: 's', commit: 'b', reason: 's: missing tool', code: 'ToolMissing', seconds: 1 });
    text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/^mcp_gitops_environment_faults_total\{reason="StateWriteFailed"\} 1$/m);
    expect(text).toMatch(/^mcp_gitops_gate_failures_total\{server="s",reason="ToolMissing"\} 1$/m);
  });

  it('serves status and readiness', async () => {
    const { app } = setup({ ready: () => false });
    expect((await app.inject({ method: 'GET', url: '/status' })).json()).toMatchObject({ phase: 'Synced', servers: [{ name: 'memory' }] });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
