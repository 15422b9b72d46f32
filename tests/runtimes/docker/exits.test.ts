// Exits are reported at once through onExit (the engine's `die` events), with a secret-free line;
// the gate fails as soon as the container is gone; our own remove() is not reported.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGate } from '../../../src/health/index.js';
import type { ExitInfo } from '../../../src/runtimes/runtime.js';
import { probeEngine } from '../../helpers/docker/engine.js';
import { createDockerHarness, type DockerHarness } from '../../helpers/docker/harness.js';
import { everythingStdio, nodeScript } from '../../helpers/docker/servers.js';
import { waitFor } from '../../helpers/docker/wait.js';

const probe = await probeEngine();

describe.skipIf(!probe.ok)(`docker runtime: exits${probe.ok ? '' : ` (skipped: ${probe.reason})`}`, () => {
  let h: DockerHarness;
  beforeEach(() => {
    h = createDockerHarness(probe.engine!);
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('onExit fires when the container is killed out of band (docker kill)', async () => {
    const rt = h.runtime();
    const exits: ExitInfo[] = [];
    rt.onExit((e) => exits.push(e));
    const inst = await rt.start(everythingStdio('everything'), h.ctx);
    await h.cli('kill', inst.id);
    const exit = await waitFor('onExit', () => exits[0]);
    expect(exit).toEqual({ id: inst.id, server: 'everything', message: expect.stringMatching(/^killed by signal SIGKILL \(exit code 137\)/) as unknown });
    expect(await rt.observe()).toEqual([expect.objectContaining({ id: inst.id, state: 'exited', message: exit.message })]);
    expect(exits).toHaveLength(1);
  });

  it('a server that exits at start fails the gate at once with the exit code and its last stderr line, secrets masked', async () => {
    const rt = h.runtime();
    const secret = 's3cr3t-t0ken-value';
    const server = nodeScript('broken', 'console.error("fatal: cannot log in with " + process.env.API_KEY); process.exit(3)', {
      env: { API_KEY: secret },
      // a gate that waited for its deadline would outlast the test's own timeout: failing at once is the behaviour
      health: { timeoutSeconds: 600, expectTools: [], stabilizationSeconds: 0 },
    });
    const withSecret = { ...server, secretValues: [secret] };
    const inst = await rt.start(withSecret, h.ctx);
    const gate = await runGate({ runtime: rt, instanceId: inst.id, server: withSecret.spec });
    expect(gate).toEqual({ ok: false, code: 'exited', reason: 'container exited with code 3: fatal: cannot log in with ***' });
  });

  it('a stdio server that dies while the gate talks to it is reported as exited, not as a closed connection', async () => {
    const rt = h.runtime();
    // Reads the initialize request, then dies without answering.
    const server = nodeScript('dies', 'process.stdin.once("data", () => { console.error("crashed on initialize"); process.exit(7); })');
    const inst = await rt.start(server, h.ctx);
    const gate = await runGate({ runtime: rt, instanceId: inst.id, server: server.spec });
    expect(gate).toEqual({ ok: false, code: 'exited', reason: 'container exited with code 7: crashed on initialize' });
  });
});
