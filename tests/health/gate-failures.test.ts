// Each failure mode fails the gate with its own reason, as soon as failure is certain.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGate, type GateResult } from '../../src/health/index.js';
import type { DesiredServer, RenderedServer } from '../../src/spec/desired.js';
import type { ProcessRuntime } from '../../src/runtimes/process/index.js';
import type { ExitInfo, Runtime } from '../../src/runtimes/runtime.js';
import { createHarness, type Harness } from '../runtimes/process/helpers/harness.js';
import { everything, fixture } from '../runtimes/process/helpers/servers.js';
import { freePort } from '../runtimes/process/helpers/system.js';

let h: Harness;
let rt: ProcessRuntime;
beforeEach(async () => {
  h = await createHarness();
  rt = h.runtime();
});
afterEach(async () => {
  await h.cleanup();
});

type Health = Partial<DesiredServer['health']>;

async function gate(server: RenderedServer, health: Health, signal?: AbortSignal): Promise<{ result: GateResult; ms: number }> {
  const spec = { ...server.spec, health: { ...server.spec.health, ...health } };
  const inst = await rt.start({ ...server, spec, masked: spec }, h.ctx);
  const t0 = Date.now();
  const result = await runGate({ runtime: rt, instanceId: inst.id, server: spec, ...(signal ? { signal } : {}) });
  return { result, ms: Date.now() - t0 };
}

describe('health gate failures', () => {
  it('a server that exits at start fails at once with its stderr, long before the timeout', async () => {
    // a gate that waited for its deadline would outlive the test's own timeout
    const { result } = await gate(fixture('broken', 'exit-at-start.mjs'), { timeoutSeconds: 600 });
    expect(result).toEqual({ ok: false, code: 'exited', reason: 'process exited with code 1: fatal: config file /etc/demo/server.toml not found' });
  });

  it('a server that never answers fails at the deadline: no MCP handshake', async () => {
    const { result, ms } = await gate(fixture('mute', 'hang.mjs'), { timeoutSeconds: 1 });
    expect(result).toEqual({ ok: false, code: 'timeout', reason: 'no MCP handshake within 1s' });
    expect(ms).toBeGreaterThanOrEqual(950);
  });

  it('a server that answers initialize but not tools/list fails with that', async () => {
    const { result } = await gate(fixture('half', 'no-tools-list.mjs'), { timeoutSeconds: 1 });
    expect(result).toEqual({ ok: false, code: 'timeout', reason: 'tools/list did not answer within 1s' });
  });

  it('a valid server lacking an expected tool fails with the missing names', async () => {
    const { result } = await gate(fixture('partial', 'partial-server.mjs'), { timeoutSeconds: 600, expectTools: ['echo', 'read_graph', 'search_nodes'] });
    expect(result).toEqual({ ok: false, code: 'missing-tools', reason: 'expectTools missing read_graph, search_nodes' });
  });

  it('a crash during stabilization fails at once with the exit message', async () => {
    const { result } = await gate(fixture('flaky', 'partial-server.mjs', { args: ['--exit-after', '800'] }), { timeoutSeconds: 60, stabilizationSeconds: 600 });
    expect(result).toEqual({ ok: false, code: 'exited', reason: 'process exited with code 3: partial: lost connection to backend, giving up' });
  });

  it('retries an http server that is still starting (connection refused) until it answers', async () => {
    const port = await freePort();
    const server = fixture('warming', 'delayed-http.mjs', { transport: 'streamable-http', port, env: { PORT: String(port), DELAY_MS: '1000' } });
    const { result, ms } = await gate(server, { timeoutSeconds: 15, expectTools: ['echo'] });
    expect(result.ok).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(900);
  });

  it('an http server that never listens fails at the deadline, naming the last error', async () => {
    const port = await freePort();
    const server = fixture('deaf', 'delayed-http.mjs', { transport: 'sse', port, env: { PORT: String(port), LISTEN: 'never' } });
    const { result, ms } = await gate(server, { timeoutSeconds: 1 });
    expect(ms).toBeGreaterThanOrEqual(950); // it waited for its deadline
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('timeout');
    expect(result.reason).toMatch(/^no MCP handshake within 1s \(last error: .*ECONNREFUSED.*\)$/);
  });

  it('an http server that dies while the gate waits for it to listen fails at once', async () => {
    const port = await freePort();
    const server = fixture('doomed', 'delayed-http.mjs', { transport: 'streamable-http', port, env: { PORT: String(port), LISTEN: 'crash', DELAY_MS: '700' } });
    const { result } = await gate(server, { timeoutSeconds: 600 });
    expect(result).toEqual({ ok: false, code: 'exited', reason: 'process exited with code 1: fatal: database migration failed' });
  });

  it('is cancelled at once by its AbortSignal (a newer sync supersedes it)', async () => {
    const controller = new AbortController();
    const server = { ...fixture('mute', 'hang.mjs') };
    const spec = { ...server.spec, health: { ...server.spec.health, timeoutSeconds: 600 } };
    const inst = await rt.start({ ...server, spec, masked: spec }, h.ctx);
    const pending = runGate({ runtime: rt, instanceId: inst.id, server: spec, signal: controller.signal });
    controller.abort();
    expect(await pending).toEqual({ ok: false, code: 'cancelled', reason: 'health gate cancelled' });

    const aborted = AbortSignal.abort();
    expect(await runGate({ runtime: rt, instanceId: inst.id, server: spec, signal: aborted })).toMatchObject({ ok: false, code: 'cancelled' });
  });

  it('fails for an instance the runtime does not know', async () => {
    const spec = everything('ghost', 'stdio').spec;
    expect(await runGate({ runtime: rt, instanceId: 'ghost-00000000', server: spec })).toEqual({
      ok: false,
      code: 'not-found',
      reason: 'instance ghost-00000000 not found',
    });
  });

  it('a server that exits at start is reported by its exit even when the runtime learns of it after the handshake broke', async () => {
    // a busy machine: the exit reaches the runtime's listeners and observe() 300 ms after the pipe broke
    const late = lateExits(rt, 300);
    const server = fixture('broken', 'exit-at-start.mjs');
    const inst = await rt.start({ ...server, masked: server.spec }, h.ctx);
    const result = await runGate({ runtime: late, instanceId: inst.id, server: server.spec });
    expect(result).toEqual({ ok: false, code: 'exited', reason: 'process exited with code 1: fatal: config file /etc/demo/server.toml not found' });
  });
});

/** `rt` as seen by a gate whose event loop hears of exits `ms` late (listeners and observe() alike). */
function lateExits(rt: ProcessRuntime, ms: number): Runtime {
  const known = new Set<string>();
  rt.onExit((info) => void setTimeout(() => known.add(info.id), ms));
  return new Proxy(rt, {
    get(target, key, receiver) {
      if (key === 'onExit') return (listener: (info: ExitInfo) => void) => target.onExit((info) => void setTimeout(() => listener(info), ms));
      if (key === 'observe')
        return async () => (await target.observe()).map((i) => (i.state === 'exited' && !known.has(i.id) ? { ...i, state: 'running' as const } : i));
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}
