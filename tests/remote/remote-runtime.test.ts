// The remote runtime against a real server-everything (sse and streamable HTTP) behind a bearer-token
// proxy: the real health gate passes through it with the headers; a check finds the remote gone and
// reports it exited with reason RemoteUnreachable, in words that hold no header.
import { afterEach, describe, expect, it } from 'vitest';
import { runGate } from '../../src/health/index.js';
import { withRemotes } from '../../src/remote/with-remotes.js';
import { RemoteRuntime } from '../../src/remote/remote-runtime.js';
import { createCompiler } from '../../src/render/desired-state.js';
import { staticSecrets } from '../../src/render/secrets.js';
import type { ExitInfo, Runtime } from '../../src/runtimes/runtime.js';
import { files } from '../helpers/spec-files.js';
import { startRemote, type Remote, type RemoteMode } from '../e2e/helpers/remote.js';
import { waitFor } from '../e2e/helpers/wait-for.js';

const TOKEN = 'remote-runtime-token-91c2';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

function rendered(url: string, transport: 'streamable-http' | 'sse', o: { token?: string; timeoutSeconds?: number } = {}) {
  const doc = `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata: { name: vendor }\nspec:\n  version: "1"\n  url: ${url}\n  transport: ${transport}\n  headers: { Authorization: "Bearer {{ secrets.t }}" }\n  health: { timeoutSeconds: ${o.timeoutSeconds ?? 5}, expectTools: [echo] }\n`;
  const out = createCompiler().compile({ files: files({ 'v.yaml': doc }), basePath: '.' }, { secrets: staticSecrets({ t: o.token ?? TOKEN }) });
  expect(out.errors).toEqual([]);
  return out.servers[0];
}

async function remote(mode: RemoteMode): Promise<Remote> {
  const r = await startRemote({ token: TOKEN, tag: mode, marker: `remote-runtime-${process.pid}`, mode });
  closers.push(() => r.close());
  return r;
}

describe.each([
  ['streamable-http', 'streamableHttp'],
  ['sse', 'sse'],
] as const)('remote runtime over %s', (transport, mode) => {
  it('gated through the proxy with the headers; a check that finds it gone reports RemoteUnreachable without the token', async () => {
    const r = await remote(mode);
    const remotes = new RemoteRuntime({ checkEveryMs: 0 });
    closers.push(() => remotes.shutdown());
    const server = rendered(r.url, transport);
    const inst = await remotes.start(server, { commit: 'c'.repeat(40), workdir: '/nonexistent' });
    expect(inst).toMatchObject({ state: 'running', endpoint: { kind: 'remote' }, labels: { server: 'vendor', specHash: server.specHash } });
    const gate = await runGate({ runtime: remotes as unknown as Runtime, instanceId: inst.id, server: server.spec });
    expect(gate).toMatchObject({ ok: true });
    expect(r.seen).toEqual(new Set([`Bearer ${TOKEN}`]));
    expect(r.refused).toBe(0);

    const exits: ExitInfo[] = [];
    remotes.onExit((e) => exits.push(e));
    await r.stopServer();
    // the first check waits until the gate's window (timeoutSeconds) has passed
    await waitFor(
      async () => {
        await remotes.check();
        return exits.length > 0;
      },
      { what: 'the check to find the remote gone', timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(exits).toEqual([{ id: inst.id, server: 'vendor', message: expect.stringContaining('remote unreachable: ') as string, reason: 'RemoteUnreachable' }]);
    expect(exits[0].message).not.toContain(TOKEN);
    expect((await remotes.observe())[0]).toMatchObject({ state: 'exited' });
    await expect(remotes.connect(inst.id)).rejects.toMatchObject({ code: 'RUNTIME_NOT_RUNNING' });
  });

  it('a remote that refuses the token fails its gate at the first answer, not at the deadline (an hour here)', async () => {
    const r = await remote(mode);
    const remotes = new RemoteRuntime({ checkEveryMs: 0 });
    closers.push(() => remotes.shutdown());
    const server = rendered(r.url, transport, { token: 'wrong-token-5d1e', timeoutSeconds: 3600 });
    const inst = await remotes.start(server, { commit: 'c'.repeat(40), workdir: '/nonexistent' });
    const gate = await runGate({ runtime: remotes as unknown as Runtime, instanceId: inst.id, server: server.spec });
    expect(gate).toMatchObject({ ok: false, code: 'handshake-failed' });
    expect(JSON.stringify(gate)).not.toContain('wrong-token-5d1e');
    expect(r.refused).toBeGreaterThan(0);
  });
});

it('withRemotes: servers with a url go to the remote side, by id; the rest to the runtime it wraps', async () => {
  const r = await remote('streamableHttp');
  const calls: string[] = [];
  const inner: Runtime = {
    capabilities: { sharedHostPorts: true, endpointsReachable: true, instanceNoun: 'process' },
    observe: () => Promise.resolve([]),
    start: () => Promise.reject(new Error('the wrapped runtime must not start a remote server')),
    remove: (id) => (calls.push(`remove ${id}`), Promise.resolve()),
    connect: (id) => Promise.reject(new Error(`inner connect ${id}`)),
    onExit: () => () => undefined,
    shutdown: () => (calls.push('shutdown'), Promise.resolve()),
  };
  const rt = withRemotes(inner, { checkEveryMs: 0 });
  const inst = await rt.start(rendered(r.url, 'streamable-http'), { commit: 'c'.repeat(40), workdir: '/x' });
  expect((await rt.observe()).map((i) => i.id)).toEqual([inst.id]);
  await expect(rt.connect('proc-1')).rejects.toThrow('inner connect proc-1');
  await rt.remove('proc-1');
  await rt.remove(inst.id);
  expect(await rt.observe()).toEqual([]);
  await rt.shutdown();
  expect(calls).toEqual(['remove proc-1', 'shutdown']);
});
