// What happens to running instances around the daemon's own life, on every runtime: a restarted
// daemon adopts them, an instance removed out of band is put back, and (docker) image failures.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MISSING_IMAGE, TEST_IMAGE_V2 } from '../helpers/docker/images.js';
import { RUNTIMES } from './helpers/runtimes.js';
import { delayedHttp, everythingStdio } from './helpers/servers.js';
import { freePort } from './helpers/procs.js';
import { World } from './helpers/world.js';

describe.each(RUNTIMES.map((rt) => [rt.name, rt] as const))('instance lifecycle on the %s runtime', (_name, rt) => {
  let w: World;
  beforeEach(() => {
    w = new World(rt);
  });
  afterEach(async () => {
    await w.cleanup();
  });

  it('a daemon killed with SIGKILL and started again adopts what runs (stdio too where its pipes survive), restarts the rest', async () => {
    const port = await freePort();
    const sha = w.repo.commit({ ...w.server('stdio', everythingStdio()), ...w.server('web', delayedHttp(port, 0)) });
    const first = await w.start();
    const before = await w.converged(first, sha, ['stdio', 'web']);
    await first.kill();

    const second = await w.start();
    const after = await w.converged(second, sha, ['stdio', 'web']);
    const [stdio, web] = after.servers;
    expect(web.instanceId).toBe(before.servers[1].instanceId);
    if (rt.adoptsStdio) expect(stdio.instanceId).toBe(before.servers[0].instanceId);
    else expect(stdio.instanceId).not.toBe(before.servers[0].instanceId);
    expect(after.servers.map((s) => s.tools.length)).toEqual(before.servers.map((s) => s.tools.length));
    expect(after.history.filter((h) => h.result === 'succeeded')).toHaveLength(1);
    await w.noOrphans(['stdio', 'web']);
  });

  it('a daemon stopped cleanly (SIGTERM) and started again reports no drift', async () => {
    const sha = w.repo.commit(w.server('a', everythingStdio()));
    const first = await w.start({ env: { MCP_GITOPS_LOG_LEVEL: 'debug' } });
    await w.converged(first, sha, ['a']);
    expect(await first.stop()).toBe(0);
    const second = await w.start({ env: { MCP_GITOPS_LOG_LEVEL: 'debug' } });
    await w.converged(second, sha, ['a']);
    const drift = second.logs.filter((l) => l.msg === 'drift repaired' || l.msg === 'drift.repaired');
    expect(drift, JSON.stringify(drift)).toEqual([]);
    // the process runtime stopped the server with the daemon: the second daemon started it again
    if (rt.name === 'process')
      expect(second.logs.some((l) => l.msg.startsWith('started the applied servers') && JSON.stringify(l.started) === '["a"]')).toBe(true);
    await w.noOrphans(['a']);
  });

  it('an instance removed out of band is repaired from the applied commit and serves again', async () => {
    const sha = w.repo.commit({ ...w.server('a', everythingStdio()), ...w.server('b', everythingStdio()) });
    const d = await w.start();
    const before = await w.converged(d, sha, ['a', 'b']);
    const [a, b] = before.servers;
    await rt.killOutOfBand(a.instanceId!, w.stateDir);
    const after = await d.until('a repaired with a new instance', (s) => {
      const x = s.servers.find((y) => y.name === 'a');
      return x?.phase === 'Running' && x.health === 'Healthy' && x.instanceId !== a.instanceId;
    });
    expect(after.revision.applied).toBe(sha);
    expect(after.servers.find((s) => s.name === 'b')?.instanceId).toBe(b.instanceId); // untouched
    expect(after.history).toHaveLength(1); // a repair is not a sync of a new commit
    await w.noOrphans(['a', 'b']);
  });

  it.runIf(rt.name === 'docker')('docker: a missing image fails the gate at once and is reverted; a new image tag rolls out blue-green', async () => {
    const good = w.repo.commit(w.server('svc', everythingStdio()));
    const d = await w.start();
    const first = await w.converged(d, good, ['svc']);

    const bad = w.repo.commit(w.server('svc', everythingStdio({ version: '2', image: MISSING_IMAGE })));
    await d.until('the missing image reverted', (s) => s.history[0]?.commit === bad && s.history[0].result === 'reverted');
    const st = await w.converged(d, good, ['svc']);
    expect(st.failedRevision?.reason).toMatch(new RegExp(`^svc: failed to start: image ${MISSING_IMAGE} is not present on the engine and could not be pulled`));
    expect(st.servers[0].instanceId).toBe(first.servers[0].instanceId);

    const next = w.repo.commit(w.server('svc', everythingStdio({ version: '3', image: TEST_IMAGE_V2 })));
    const after = await w.converged(d, next, ['svc']);
    expect(after.servers[0]).toMatchObject({ version: '3', commit: next });
    expect(after.servers[0].instanceId).not.toBe(first.servers[0].instanceId);
    await w.noOrphans(['svc']);
  });
});
