// stdio MCP servers in containers: attached over the engine's hijacked stream, gated for real.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { runGate } from '../../../src/health/index.js';
import { LABEL_MANAGED_BY, LABEL_SERVER, LABEL_SPEC_HASH } from '../../../src/runtimes/runtime.js';
import { probeEngine } from '../../helpers/docker/engine.js';
import { createDockerHarness, type DockerHarness } from '../../helpers/docker/harness.js';
import { everythingStdio } from '../../helpers/docker/servers.js';
import { waitFor } from '../../helpers/docker/wait.js';

const probe = await probeEngine();

describe.skipIf(!probe.ok)(`docker runtime: stdio servers${probe.ok ? '' : ` (skipped: ${probe.reason})`}`, () => {
  let h: DockerHarness;
  beforeEach(() => {
    h = createDockerHarness(probe.engine!);
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('starts a labelled container, talks MCP over its stdin/stdout, passes the real gate, removes it', async () => {
    const rt = h.runtime();
    const server = everythingStdio('everything', { health: { timeoutSeconds: 10, expectTools: ['echo', 'get-sum'], stabilizationSeconds: 0 } });
    const inst = await rt.start(server, h.ctx);
    expect(inst).toMatchObject({
      state: 'running',
      endpoint: { kind: 'stdio' },
      labels: { server: 'everything', commit: h.ctx.commit, specHash: server.specHash },
    });
    expect(await rt.observe()).toEqual([expect.objectContaining({ id: inst.id, state: 'running', startedAt: inst.startedAt })]);

    const info = await probe.engine!.docker.getContainer(inst.id).inspect();
    expect(info.Name).toMatch(/^\/mcp-gitops-everything-[0-9a-f]{10}$/);
    expect(info.Config.Labels).toMatchObject({ [LABEL_MANAGED_BY]: 'mcp-gitops', [LABEL_SERVER]: 'everything', [LABEL_SPEC_HASH]: server.specHash });
    expect(info.HostConfig).toMatchObject({ NetworkMode: 'host', RestartPolicy: { Name: 'no' } });

    const client = new Client({ name: 't', version: '1' });
    await client.connect(await rt.connect(inst.id));
    const result = await client.callTool({ name: 'echo', arguments: { message: 'hello from a container' } });
    expect(JSON.stringify(result.content)).toContain('hello from a container');
    await client.close();

    // Closing the client only detached it: the gate (a new client) gets through too.
    const gate = await runGate({ runtime: rt, instanceId: inst.id, server: server.spec });
    expect(gate).toMatchObject({ ok: true });
    expect(gate.ok && gate.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'get-sum']));

    await rt.remove(inst.id);
    expect(await rt.observe()).toEqual([]);
    expect(
      await probe
        .engine!.docker.getContainer(inst.id)
        .inspect()
        .then(
          () => 'still there',
          () => 'gone',
        ),
    ).toBe('gone');
    await rt.remove(inst.id); // idempotent
  });

  it('one attached connection at a time: a second connect detaches the first', async () => {
    const rt = h.runtime();
    const inst = await rt.start(everythingStdio('everything'), h.ctx);
    const first = new Client({ name: 'first', version: '1' });
    let firstClosed = false;
    first.onclose = () => (firstClosed = true);
    await first.connect(await rt.connect(inst.id));
    const second = new Client({ name: 'second', version: '1' });
    await second.connect(await rt.connect(inst.id));
    await waitFor('the first connection to close', () => firstClosed);
    expect((await second.listTools()).tools.length).toBeGreaterThan(0);
    await second.close();
  });

  it('the gate passes with stabilization, and fails on missing tools without touching the container', async () => {
    const rt = h.runtime();
    const server = everythingStdio('everything', { health: { timeoutSeconds: 10, expectTools: ['echo'], stabilizationSeconds: 1 } });
    const inst = await rt.start(server, h.ctx);
    expect(await runGate({ runtime: rt, instanceId: inst.id, server: server.spec, stabilizationPingMs: 200 })).toMatchObject({ ok: true });
    const missing = await runGate({
      runtime: rt,
      instanceId: inst.id,
      server: { ...server.spec, health: { ...server.spec.health, expectTools: ['no_such_tool'] } },
    });
    expect(missing).toMatchObject({ ok: false, code: 'missing-tools', reason: 'expectTools missing no_such_tool' });
    expect((await rt.observe())[0]).toMatchObject({ id: inst.id, state: 'running' });
  });
});
