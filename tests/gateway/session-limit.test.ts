// Sessions never lock a server out: at the limit the least recently used session with no request in
// flight is closed (its client learns why on its next request); only when every session is busy is
// a new one refused, so a client opening sessions in a loop cannot push out one that is working.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorld, INIT, post, text, type World } from './helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const errorOf = (json: unknown): { data: { code: string }; message: string } => (json as { error: { data: { code: string }; message: string } }).error;

/** An initialize that is never followed by anything (what the conformance suite and inspectors leave). */
async function abandon(world: World): Promise<string> {
  const r = await post(world.url('everything'), INIT);
  expect(r.status).toBe(200);
  return r.headers.get('mcp-session-id')!;
}

/** A long call, resolved once its first progress came (so it is surely in flight at the gateway). */
function longCall(c: Client): { inFlight: Promise<void>; result: Promise<unknown> } {
  let started!: () => void;
  const inFlight = new Promise<void>((r) => (started = r));
  const result = c.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 2, steps: 4 } }, undefined, { onprogress: () => started() });
  return { inFlight, result };
}

describe('gateway session limit', () => {
  it('300 abandoned sessions: a new client still initializes and calls; the oldest learn they were evicted', async () => {
    w = await createWorld({ limits: { maxSessionsPerServer: 100 } });
    await w.serve('everything', 'stdio');
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) ids.push(await abandon(w));
    expect(w.gateway.sessionCount('everything')).toBe(100);

    const c = await w.client('everything');
    expect(text(await c.callTool({ name: 'echo', arguments: { message: 'still here' } }))).toContain('still here');
    expect(w.gateway.sessionCount('everything')).toBe(100);

    const first = await post(w.url('everything'), { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-session-id': ids[0] });
    expect(first.status).toBe(404);
    expect(errorOf(first.json).data.code).toBe('SESSION_ENDED');
    expect(errorOf(first.json).message).toContain('limit of 100 sessions');
    const m = await w.registry.metrics();
    expect(m).toMatch(/mcp_gitops_gateway_sessions_evicted_total\{server="everything"\} 201/);
  });

  it('a session with a call in flight is never evicted; when all are busy the new one gets 503', async () => {
    w = await createWorld({ limits: { maxSessionsPerServer: 2 } });
    await w.serve('everything', 'stdio');
    const a = await w.client('everything', { name: 'a' });
    const b = await w.client('everything', { name: 'b' });
    const callA = longCall(a);
    const callB = longCall(b);
    await Promise.all([callA.inFlight, callB.inFlight]);

    const refused = await post(w.url('everything'), INIT);
    expect(refused.status).toBe(503);
    expect(errorOf(refused.json).data.code).toBe('TOO_MANY_SESSIONS');

    await callB.result; // b is idle now, a still busy: a loop of new sessions only ever evicts idle ones
    let doneA = false;
    const resultA = callA.result.finally(() => (doneA = true));
    let opened = 0;
    while (!doneA || opened < 3) {
      await abandon(w);
      opened++;
    }
    // closed while in flight, the call would have failed with SESSION_ENDED instead
    expect(text(await resultA)).toContain('Long running operation completed');
    await expect(b.listTools()).rejects.toThrow(/SESSION_ENDED|limit of 2 sessions/);
  });
});
