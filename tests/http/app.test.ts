import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildApp, type AppDeps } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { EventBus } from '../../src/reconciler/events.js';
import type { StatusView } from '../../src/reconciler/status.js';

const SECRET = 'hook-secret-value-123';
const TOKEN = 'api-token-value-456';

const status: StatusView = {
  phase: 'Synced', message: 'Synced to abc', revision: { head: 'a'.repeat(40), applied: 'a'.repeat(40), lastGood: 'a'.repeat(40) },
  failedRevision: null, lastError: null, history: [],
  servers: [{ name: 'memory', version: '1', commit: 'a'.repeat(40), phase: 'Running', health: 'Healthy', endpoint: 'stdio', deployedAt: null, message: '', tools: ['read_graph'], restarts: 0 }],
};

function setup(over: Partial<AppDeps> = {}) {
  const calls: { reason: string; force: boolean }[] = [];
  const events = new EventBus();
  const metrics = createMetrics({ events, status: () => status });
  const app = buildApp({
    status: () => status, ready: () => true, metrics, apiToken: TOKEN, webhookSecret: SECRET, branch: () => 'main',
    requestSync: (reason, force) => { calls.push({ reason, force }); return calls.length; }, ...over,
  });
  return { app, calls, events };
}

const push = JSON.stringify({ ref: 'refs/heads/main', after: 'b'.repeat(40) });
const sig = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');

describe('POST /webhook', () => {
  const cases: { name: string; headers: Record<string, string>; body?: string; code: number; syncs: number }[] = [
    { name: 'github signed', headers: { 'x-hub-signature-256': `sha256=${sig(push)}` }, code: 202, syncs: 1 },
    { name: 'github tampered body', headers: { 'x-hub-signature-256': `sha256=${sig(push)}` }, body: push.replace('main', 'mainx'), code: 401, syncs: 0 },
    { name: 'github wrong secret', headers: { 'x-hub-signature-256': `sha256=${sig(push, 'nope')}` }, code: 401, syncs: 0 },
    { name: 'gitea signed', headers: { 'x-gitea-signature': sig(push) }, code: 202, syncs: 1 },
    { name: 'gitlab token', headers: { 'x-gitlab-token': SECRET }, code: 202, syncs: 1 },
    { name: 'gitlab wrong token', headers: { 'x-gitlab-token': 'x' }, code: 401, syncs: 0 },
    { name: 'bearer', headers: { authorization: `Bearer ${SECRET}` }, code: 202, syncs: 1 },
    { name: 'missing signature', headers: {}, code: 401, syncs: 0 },
    { name: 'other branch', headers: { 'x-gitlab-token': SECRET }, body: JSON.stringify({ ref: 'refs/heads/dev' }), code: 202, syncs: 0 },
    { name: 'github ping', headers: { 'x-hub-signature-256': `sha256=${sig('{"zen":"x"}')}`, 'x-github-event': 'ping' }, body: '{"zen":"x"}', code: 202, syncs: 0 },
    { name: 'signed but not JSON', headers: { 'x-gitlab-token': SECRET }, body: '{nope', code: 400, syncs: 0 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { app, calls } = setup();
      const res = await app.inject({ method: 'POST', url: '/webhook', headers: { 'content-type': 'application/json', ...c.headers }, payload: c.body ?? push });
      expect(res.statusCode).toBe(c.code);
      expect(calls.length).toBe(c.syncs);
      expect(res.body).not.toContain(SECRET);
    });
  }

  it('refuses bodies over 1 MiB with 413', async () => {
    const { app, calls } = setup();
    const big = JSON.stringify({ ref: 'refs/heads/main', pad: 'x'.repeat(2 * 1024 * 1024) });
    const res = await app.inject({ method: 'POST', url: '/webhook', headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${sig(big)}` }, payload: big });
    expect(res.statusCode).toBe(413);
    expect(calls).toEqual([]);
  });

  it('refuses with 403 when no secret is configured', async () => {
    const { app } = setup({ webhookSecret: undefined });
    const res = await app.inject({ method: 'POST', url: '/webhook', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, payload: push });
    expect(res.statusCode).toBe(403);
  });

  it('refuses non-JSON content types with 415', async () => {
    const { app } = setup();
    const res = await app.inject({ method: 'POST', url: '/webhook', headers: { 'content-type': 'text/plain', 'x-gitlab-token': SECRET }, payload: 'hi' });
    expect(res.statusCode).toBe(415);
  });
});

describe('POST /sync', () => {
  it('needs the API token', async () => {
    const { app, calls } = setup();
    expect((await app.inject({ method: 'POST', url: '/sync' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/sync', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
    const ok = await app.inject({ method: 'POST', url: '/sync', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, payload: '{"force": true}' });
    expect(ok.statusCode).toBe(202);
    expect(ok.json()).toMatchObject({ queued: true, force: true, syncId: 1 });
    expect(calls).toEqual([{ reason: 'api:force', force: true }]);
  });

  it('is 403 when no token is configured, 400 on a bad body', async () => {
    expect((await setup({ apiToken: undefined }).app.inject({ method: 'POST', url: '/sync', headers: { authorization: 'Bearer x' } })).statusCode).toBe(403);
    const bad = await setup().app.inject({ method: 'POST', url: '/sync', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, payload: '{"force": "yes"}' });
    expect(bad.statusCode).toBe(400);
  });
});

describe('GET /metrics, /status, /readyz', () => {
  it('counts syncs by result and rollbacks', async () => {
    const { app, events } = setup();
    events.emit({ type: 'sync.finished', syncId: 1, commit: 'a', result: 'succeeded', message: '', durationSeconds: 1.5 });
    events.emit({ type: 'revert.started', syncId: 2, from: 'b', to: 'a', reason: 'x' });
    events.emit({ type: 'sync.finished', syncId: 2, commit: 'b', result: 'reverted', message: '', durationSeconds: 3 });
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/^mcp_gitops_sync_total\{result="succeeded"\} 1$/m);
    expect(text).toMatch(/^mcp_gitops_sync_total\{result="reverted"\} 1$/m);
    expect(text).toMatch(/^mcp_gitops_rollbacks_total 1$/m);
    expect(text).toMatch(/^mcp_gitops_sync_duration_seconds_count 2$/m);
    expect(text).toMatch(/^mcp_gitops_servers\{phase="Running"\} 1$/m);
  });

  it('serves status and readiness', async () => {
    const { app } = setup({ ready: () => false });
    expect((await app.inject({ method: 'GET', url: '/status' })).json()).toMatchObject({ phase: 'Synced', servers: [{ name: 'memory' }] });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
