// What /mcp/<name> answers when it cannot serve: unknown server 404, not ready 503 naming why,
// missing token 401 (the session limit: session-limit.test.ts); every refusal a JSON-RPC error body. And the gateway metrics.
import { afterEach, describe, expect, it } from 'vitest';
import { createWorld, INIT, post, text, type World } from './helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const errorOf = (json: unknown): { code: number; message: string; data: { code: string } } =>
  (json as { error: { code: number; message: string; data: { code: string } } }).error;

describe('gateway refusals', () => {
  it('404 for a server nobody deploys, 503 with the reason for one not ready yet', async () => {
    w = await createWorld({ servers: (name) => (name === 'pending' ? { phase: 'Progressing', message: 'starting 2 from abc1234' } : undefined) });
    const unknown = await post(w.url('nope'), INIT);
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown.json)).toMatchObject({ code: -32041, data: { code: 'UNKNOWN_SERVER' } });
    expect(errorOf(unknown.json).message).toContain('"nope"');

    const pending = await post(w.url('pending'), INIT);
    expect(pending.status).toBe(503);
    expect(pending.headers.get('retry-after')).toBe('5');
    expect(errorOf(pending.json)).toMatchObject({ code: -32042, data: { code: 'NOT_READY' } });
    expect(errorOf(pending.json).message).toContain('Progressing: starting 2 from abc1234');

    const noSession = await post(w.url('pending'), { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect(noSession.status).toBe(400);
    expect(errorOf(noSession.json).data.code).toBe('BAD_REQUEST');
  });

  it('401 without the gateway token, served with it; the token never shows in an answer', async () => {
    const token = 'gw-token-3f9a1c';
    w = await createWorld({ token });
    await w.serve('everything', 'stdio');
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: token }] as Record<string, string>[]) {
      const r = await post(w.url('everything'), INIT, headers);
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toContain('Bearer');
      expect(errorOf(r.json).data.code).toBe('UNAUTHORIZED');
      expect(JSON.stringify(r.json)).not.toContain(token);
    }
    const c = await w.client('everything', { token });
    expect(text(await c.callTool({ name: 'echo', arguments: { message: 'hi' } }))).toBe('Echo: hi');
  });

  it('counts requests, errors and open sessions per server and method', async () => {
    w = await createWorld();
    await w.serve('everything', 'stdio');
    const c = await w.client('everything');
    await c.callTool({ name: 'echo', arguments: { message: 'x' } });
    await c.callTool({ name: 'echo', arguments: { message: 'y' } });
    await post(w.url('everything'), { jsonrpc: '2.0', id: 9, method: 'tools/list' }, { 'mcp-session-id': 'no-such-session' });
    const m = await w.registry.metrics();
    expect(m).toMatch(/mcp_gitops_gateway_requests_total\{server="everything",method="tools\/call"\} 2/);
    expect(m).toMatch(/mcp_gitops_gateway_requests_total\{server="everything",method="initialize"\} 1/);
    expect(m).toMatch(/mcp_gitops_gateway_errors_total\{server="everything",method="tools\/list",reason="rejected"\} 1/);
    expect(m).toMatch(/mcp_gitops_gateway_sessions\{server="everything",state="active"\} 1/);
    expect(m).toMatch(/mcp_gitops_gateway_request_duration_seconds_count\{server="everything",method="tools\/call"\} 2/);
  });
});
