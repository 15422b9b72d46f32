// streamable-http upstreams are passed through (no second MCP stack): the client still gets the
// gateway's session id, progress, errors and metrics; drains and lost instances end what is in
// flight with a clean JSON-RPC error.
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { RPC_CODES } from '../../src/gateway/index.js';
import { createWorld, INIT, post, text, waitFor, type World } from './helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('gateway pass-through to streamable-http upstreams', () => {
  it('gives the client the gateway session id, never the instance one, and frees the upstream session on DELETE', async () => {
    w = await createWorld();
    const inst = await w.serve('web', 'streamableHttp');
    const init = await post(w.url('web'), INIT);
    expect(init.status).toBe(200);
    const id = init.headers.get('mcp-session-id');
    expect(id).toBeTruthy();
    expect(w.gateway.sessionCount('web')).toBe(1);
    // the instance's own session id differs: ask it directly with the gateway's id
    const direct = await post(
      new URL(inst.endpoint.kind === 'http' ? inst.endpoint.url : ''),
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { 'mcp-session-id': id! },
    );
    expect([400, 404]).toContain(direct.status);
    const del = await fetch(w.url('web'), { method: 'DELETE', headers: { 'mcp-session-id': id! } });
    expect(del.status).toBe(200);
    await waitFor('the session to end', () => w!.gateway.sessionCount('web') === 0);
  });

  it('passes progress and results through, and counts calls, JSON-RPC errors and tool errors per method', async () => {
    w = await createWorld();
    await w.serve('web', 'streamableHttp');
    const c = await w.client('web');
    const progress: number[] = [];
    const r = await c.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(text(r)).toContain('Long running operation completed');
    expect(progress).toEqual([1, 2, 3]);
    expect(text(await c.callTool({ name: 'get-sum', arguments: { a: 1, b: 2 } }))).toBe('The sum of 1 and 2 is 3.');
    await expect(c.callTool({ name: 'no-such-tool', arguments: {} })).resolves.toMatchObject({ isError: true });
    await expect(c.readResource({ uri: 'demo://no/such' })).rejects.toBeInstanceOf(McpError);
    const m = await w.registry.metrics();
    expect(m).toMatch(/mcp_gitops_gateway_requests_total\{server="web",method="tools\/call"\} 3/);
    expect(m).toMatch(/mcp_gitops_gateway_errors_total\{server="web",method="tools\/call",reason="tool"\} 1/);
    expect(m).toMatch(/mcp_gitops_gateway_errors_total\{server="web",method="resources\/read",reason="jsonrpc"\} 1/);
    expect(m).toMatch(/mcp_gitops_gateway_request_duration_seconds_count\{server="web",method="tools\/call"\} 3/);
  });

  it('a drain cut short fails a call in flight with DRAINED at once, and new sessions go to the new instance', async () => {
    w = await createWorld();
    const old = await w.serve('web', 'streamableHttp', 'v1');
    const c = await w.client('web');
    let progressed = false;
    const call = c
      .callTool({ name: 'trigger-long-running-operation', arguments: { duration: 20, steps: 20 } }, undefined, {
        timeout: 30_000,
        onprogress: () => {
          progressed = true;
        },
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    // the server reported progress: the call is running upstream
    await waitFor('the call to be in flight', () => w!.gateway.sessionCount('web') === 1 && progressed);
    const next = await w.start('web', 'streamableHttp', 'v2');
    w.gateway.setActive('web', next);
    await w.gateway.retire(old.id, { now: true });
    // the call would run 20 s and succeed: DRAINED proves the drain ended it
    const err = await call;
    expect(err).toBeInstanceOf(McpError);
    expect((err as McpError).code).toBe(RPC_CODES.DRAINED);
    const fresh = await w.client('web');
    const env = JSON.parse(text(await fresh.callTool({ name: 'get-env', arguments: {} }))) as Record<string, string>;
    expect(env.INSTANCE_TAG).toBe('v2');
  });

  it('an instance that goes away under a session: the next request gets a clean 404 saying why', async () => {
    w = await createWorld({ servers: (name) => (name === 'web' ? { phase: 'Failed', message: 'exited with code 1' } : undefined) });
    const inst = await w.serve('web', 'streamableHttp');
    const c = await w.client('web');
    await c.callTool({ name: 'echo', arguments: { message: 'x' } });
    await w.rt.remove(inst.id);
    await w.gateway.retire(inst.id, { now: true });
    const err = await c.callTool({ name: 'echo', arguments: { message: 'y' } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(String(err)).toMatch(/session ended/);
    const refused = await post(w.url('web'), INIT);
    expect(refused.status).toBe(503); // known server, no instance now
  });
});
