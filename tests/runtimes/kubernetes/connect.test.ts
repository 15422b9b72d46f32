// connect() from outside the cluster: through a port-forward (pods/portforward websocket) to the
// pod's MCP port, with a real server-everything behind it; the MCP gate passes through it, sessions
// run side by side, removal closes the forward.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { runGate } from '../../../src/health/index.js';
import { isRuntimeError } from '../../../src/runtimes/errors.js';
import { rejection, waitFor } from '../../helpers/docker/wait.js';
import { paths } from '../process/helpers/servers.js';
import { podName } from './helpers/fake-apiserver.js';
import { createHarness, type Harness } from './helpers/harness.js';
import { freePort } from './helpers/processes.js';
import { rendered } from './helpers/servers.js';
import { recordingLogger } from './helpers/logger.js';

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('kubernetes runtime: connect through a port-forward', () => {
  let h: Harness;
  let server: ChildProcess | undefined;
  let local = 0;
  beforeEach(async () => {
    h = await createHarness();
    local = await freePort();
    server = spawn(process.execPath, [paths.everything, 'streamableHttp'], { env: { PATH: process.env.PATH, PORT: String(local) }, stdio: 'ignore' });
    await waitFor('server-everything to listen', () => listening(local), 20_000);
    h.api.onDeployment((name) => {
      h.api.setPod(name, 'ready');
      h.api.podPorts.set(podName(name), local);
    });
  });
  afterEach(async () => {
    server?.kill('SIGTERM');
    await h.cleanup();
  });

  const spec = () =>
    rendered({
      name: 'everything',
      transport: 'streamable-http',
      port: 3001,
      command: 'npx',
      args: ['server-everything', 'streamableHttp'],
      health: { timeoutSeconds: 15, expectTools: ['echo', 'get-sum'], stabilizationSeconds: 0 },
    });

  it('the MCP gate passes through the forward, and sessions run side by side', async () => {
    const rt = h.runtime({ access: 'port-forward' });
    const s = spec();
    const inst = await rt.start(s, h.ctx);
    expect(await runGate({ runtime: rt, instanceId: inst.id, server: s.spec })).toMatchObject({ ok: true });
    const clients = await Promise.all(
      [1, 2].map(async () => {
        const c = new Client({ name: 'k8s-test', version: '1' });
        await c.connect(await rt.connect(inst.id));
        return c;
      }),
    );
    const sums = await Promise.all(clients.map((c, i) => c.callTool({ name: 'get-sum', arguments: { a: i, b: 10 } })));
    expect(sums.map((r) => r.content)).toEqual([
      [{ type: 'text', text: 'The sum of 0 and 10 is 10.' }],
      [{ type: 'text', text: 'The sum of 1 and 10 is 11.' }],
    ]);
    await Promise.all(clients.map((c) => c.close()));
    expect(h.api.calls.filter((c) => c.resource === 'pods/portforward').every((c) => c.name === podName(inst.id))).toBe(true);

    await rt.remove(inst.id);
    expect(isRuntimeError(await rejection(rt.connect(inst.id)), 'RUNTIME_INSTANCE_NOT_FOUND')).toBe(true);
  });

  it('a pod port nothing listens on fails the gate instead of hanging', async () => {
    const rt = h.runtime({ access: 'port-forward' });
    h.api.onDeployment((name) => {
      h.api.setPod(name, 'ready');
      h.api.podPorts.set(podName(name), 1); // refused
    });
    const s = { ...spec(), spec: { ...spec().spec, health: { timeoutSeconds: 2, expectTools: [], stabilizationSeconds: 0 } } };
    const inst = await rt.start(s, h.ctx);
    const gate = await runGate({ runtime: rt, instanceId: inst.id, server: s.spec });
    // the forward is closed at once (kubelet error channel), each attempt fails fast, none hangs,
    // and the reason is the kubelet's, not the local socket's "other side closed"
    expect(gate).toMatchObject({
      ok: false,
      code: 'timeout',
      reason: expect.stringMatching(/last error: port-forward to port 3001 of pod .*: error forwarding port 3001/) as unknown,
    });
  });

  it('a refused port-forward (403 on pods/portforward) names the verb to grant, in the gate and the log', async () => {
    const lines: Record<string, unknown>[] = [];
    const rt = h.runtime({ access: 'port-forward', logger: recordingLogger(lines) });
    const s = { ...spec(), spec: { ...spec().spec, health: { timeoutSeconds: 2, expectTools: [], stabilizationSeconds: 0 } } };
    const inst = await rt.start(s, h.ctx);
    h.api.failNext('create', 'pods/portforward', {
      status: 403,
      reason: 'Forbidden',
      message: 'pods "x" is forbidden: User "system:serviceaccount:tools:mcp-gitops" cannot create resource "pods/portforward"',
      times: 1000,
    });
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    const gate = await runGate({ runtime: rt, instanceId: inst.id, server: s.spec }).finally(() => process.off('warning', onWarning));
    expect(gate).toMatchObject({
      ok: false,
      code: 'timeout',
      reason: expect.stringMatching(
        /last error: forbidden: cannot create resource "pods\/portforward" in namespace "tools": grant the verb "create" on "pods\/portforward"/,
      ) as unknown,
    });
    const logged = lines.filter((l) => l.msg === 'port-forward to the pod failed');
    expect(logged).toHaveLength(1); // once, not per retry
    expect(logged[0]).toMatchObject({ code: 'K8S_FORBIDDEN', err: expect.stringContaining('cannot create resource') as unknown });
    expect(JSON.stringify(lines)).not.toContain('[object Object]');
    // many retries and no MaxListenersExceededWarning; a 2 s gate retries too few times for the old
    // leak to warn: tests/health/handshake-listeners.test.ts is the check that fails if it comes back
    expect(h.api.calls.filter((c) => c.resource === 'pods/portforward').length).toBeGreaterThan(1); // retried (how often depends on the box)
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('a 500 from the API server on the forward keeps its message (no preferred addresses found)', async () => {
    const rt = h.runtime({ access: 'port-forward' });
    const s = { ...spec(), spec: { ...spec().spec, health: { timeoutSeconds: 1, expectTools: [], stabilizationSeconds: 0 } } };
    const inst = await rt.start(s, h.ctx);
    h.api.failNext('create', 'pods/portforward', {
      status: 500,
      reason: 'InternalError',
      message: 'error dialing backend: no preferred addresses found; known addresses: []',
      times: 1000,
    });
    const gate = await runGate({ runtime: rt, instanceId: inst.id, server: s.spec });
    expect(gate).toMatchObject({ ok: false, reason: expect.stringContaining('no preferred addresses found') as unknown });
  });
});
