// Through /mcp/<name> with the SDK client, whatever the server speaks itself: stdio (bridged over
// the runtime's pipes), streamable HTTP (proxied) and SSE (bridged).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorld, text, type Mode, type World } from './helpers.js';

let w: World;
beforeEach(async () => {
  w = await createWorld();
});
afterEach(async () => {
  await w.close();
});

describe('gateway transports', () => {
  it.each<Mode>(['stdio', 'streamableHttp', 'sse'])('server-everything over %s: initialize, tools/list, echo, get-sum', async (mode) => {
    await w.serve('everything', mode);
    const c = await w.client('everything');
    expect(c.getServerVersion()?.name).toBe('mcp-servers/everything');
    expect(c.getServerCapabilities()?.tools).toBeDefined();
    expect(c.getInstructions()).toBeTruthy();

    const names = (await c.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    expect(text(await c.callTool({ name: 'echo', arguments: { message: `hello ${mode}` } }))).toBe(`Echo: hello ${mode}`);
    expect(text(await c.callTool({ name: 'get-sum', arguments: { a: 40, b: 2 } }))).toBe('The sum of 40 and 2 is 42.');

    // an upstream JSON-RPC error comes back as it was sent, not as a gateway failure
    const err: unknown = await c.readResource({ uri: 'demo://no/such/resource' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(typeof (err as { code?: unknown } | null)?.code).toBe('number');
    await expect(c.ping()).resolves.toEqual({});
  });

  it('DELETE ends the session; the stdio process keeps serving new ones', async () => {
    const inst = await w.serve('everything', 'stdio');
    const a = await w.client('everything');
    await a.callTool({ name: 'echo', arguments: { message: 'a' } });
    expect(w.gateway.sessionCount('everything')).toBe(1);
    await (a.transport as import('@modelcontextprotocol/sdk/client/streamableHttp.js').StreamableHTTPClientTransport).terminateSession();
    expect(w.gateway.sessionCount('everything')).toBe(0);
    const b = await w.client('everything');
    expect(text(await b.callTool({ name: 'echo', arguments: { message: 'b' } }))).toBe('Echo: b');
    expect(w.gateway.activeInstance('everything')).toBe(inst.id);
  });
});
