// HTTP MCP servers in containers: host networking, reached on 127.0.0.1:<spec.port> (a second start on a
// held port is refused: the runtime contract checks that).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGate } from '../../../src/health/index.js';
import { probeEngine } from '../../helpers/docker/engine.js';
import { createDockerHarness, type DockerHarness } from '../../helpers/docker/harness.js';
import { everythingHttp } from '../../helpers/docker/servers.js';
import { freePort } from '../process/helpers/system.js';

const probe = await probeEngine();

describe.skipIf(!probe.ok)(`docker runtime: http servers${probe.ok ? '' : ` (skipped: ${probe.reason})`}`, () => {
  let h: DockerHarness;
  beforeEach(() => {
    h = createDockerHarness(probe.engine!);
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('starts a streamable-http server on the host network and passes the real gate through 127.0.0.1', async () => {
    const rt = h.runtime();
    const port = await freePort();
    const server = everythingHttp('web', port, { health: { timeoutSeconds: 15, expectTools: ['echo'], stabilizationSeconds: 0 } });
    const inst = await rt.start(server, h.ctx);
    const endpoint = { kind: 'http', transport: 'streamable-http', url: `http://127.0.0.1:${port}/mcp` };
    expect(inst).toMatchObject({ state: 'running', endpoint });
    expect(await rt.observe()).toEqual([expect.objectContaining({ id: inst.id, endpoint, labels: inst.labels })]);

    const gate = await runGate({ runtime: rt, instanceId: inst.id, server: server.spec });
    expect(gate).toMatchObject({ ok: true });

    await rt.remove(inst.id);
    expect(await rt.observe()).toEqual([]);
    const after = await fetch(`http://127.0.0.1:${port}/mcp`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(after).toBe('refused');
  });
});
