// Drift: a managed server killed out of band is restarted by the real daemon with exponential
// backoff, and /status and /metrics say so while it waits (CrashLoopBackOff) and after.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Daemon, Status } from './helpers/daemon.js';
import { answersWith } from './helpers/mcp-probe.js';
import { freePort, isAlive, records } from './helpers/procs.js';
import { delayedHttp, everythingStdio } from './helpers/servers.js';
import { waitFor } from './helpers/wait-for.js';
import { World } from './helpers/world.js';

let w: World;
beforeEach(() => {
  w = new World();
});
afterEach(async () => {
  await w.cleanup();
});

const pidOf = (instanceId: string | null | undefined): number => {
  const rec = records(w.stateDir).find((r) => r.id === instanceId);
  if (!rec) throw new Error(`no instance record ${String(instanceId)}`);
  return rec.pid;
};

/** SIGKILLs the whole process group of a server's serving instance, as an operator's `kill -9` would. */
function killOutOfBand(st: Status, server: string): { instanceId: string; at: number } {
  const s = st.servers.find((x) => x.name === server)!;
  const pid = pidOf(s.instanceId);
  const at = Date.now();
  process.kill(-pid, 'SIGKILL');
  return { instanceId: s.instanceId!, at };
}

/** Samples /status until `server` runs a new instance; returns every sample of it seen on the way. */
async function untilRestarted(d: Daemon, server: string, oldId: string): Promise<{ samples: Status['servers']; after: Status }> {
  const samples: Status['servers'] = [];
  const after = await waitFor(
    async () => {
      const st = await d.status();
      const s = st.servers.find((x) => x.name === server);
      if (s) samples.push(s);
      return s && s.instanceId && s.instanceId !== oldId && s.phase === 'Running' && s.health === 'Healthy' ? st : undefined;
    },
    { what: `${server} to run a new healthy instance`, timeoutMs: 20_000, intervalMs: 20 },
  );
  return { samples, after };
}

async function metric(d: Daemon, line: RegExp): Promise<string | undefined> {
  return (await (await fetch(`${d.url}/metrics`)).text()).split('\n').find((l) => line.test(l));
}

describe('drift repair', () => {
  it('a server killed out of band is restarted with backoff (1 s, then 2 s), shown as CrashLoopBackOff in /status; the others untouched', async () => {
    const port = await freePort();
    const sha = w.repo.commit({ ...w.server('svc', everythingStdio()), ...w.server('web', delayedHttp(port, 0)) });
    const d = await w.start();
    const st = await w.converged(d, sha, ['svc', 'web']);
    const webPid = pidOf(st.servers.find((s) => s.name === 'web')!.instanceId);

    // first crash: restarted after >= 1 s, one restart counted
    const k1 = killOutOfBand(st, 'svc');
    const r1 = await untilRestarted(d, 'svc', k1.instanceId);
    const waiting1 = r1.samples.find((s) => s.phase === 'Failed');
    expect(waiting1, JSON.stringify(r1.samples)).toBeDefined();
    expect(waiting1!.message).toMatch(/restarting in 1s \(CrashLoopBackOff, 1 restart\)$/);
    expect(waiting1).toMatchObject({ health: 'Unhealthy', restarts: 1, instanceId: null });
    const svc1 = r1.after.servers.find((s) => s.name === 'svc')!;
    expect(Date.parse(svc1.startedAt!) - k1.at).toBeGreaterThanOrEqual(950);
    expect(svc1).toMatchObject({ restarts: 1, commit: sha, version: '1' });
    expect(svc1.message).toMatch(/restarted 1 time after: /);
    expect(svc1.tools).toEqual(expect.arrayContaining(['echo']));

    // second crash: the wait doubles
    const k2 = killOutOfBand(r1.after, 'svc');
    const r2 = await untilRestarted(d, 'svc', k2.instanceId);
    expect(r2.samples.find((s) => s.phase === 'Failed')?.message).toMatch(/restarting in 2s \(CrashLoopBackOff, 2 restarts\)$/);
    const svc2 = r2.after.servers.find((s) => s.name === 'svc')!;
    expect(Date.parse(svc2.startedAt!) - k2.at).toBeGreaterThanOrEqual(1950);
    expect(svc2).toMatchObject({ restarts: 2, phase: 'Running', health: 'Healthy' });
    expect(await metric(d, /^mcp_gitops_server_restarts_total\{server="svc"\}/)).toBe('mcp_gitops_server_restarts_total{server="svc"} 2');

    // nothing else moved: no sync result for the repairs, the other server kept its process
    expect(r2.after.history.map((h) => h.result)).toEqual(['succeeded']);
    expect(r2.after.revision).toEqual({ head: sha, applied: sha, lastGood: sha });
    expect(isAlive(webPid)).toBe(true);
    await w.noOrphans(['svc', 'web']);
  });

  it('an HTTP server killed out of band comes back on its port and answers again', async () => {
    const port = await freePort();
    const sha = w.repo.commit(w.server('web', delayedHttp(port, 0)));
    const d = await w.start();
    const st = await w.converged(d, sha, ['web']);
    const k = killOutOfBand(st, 'web');
    const { after } = await untilRestarted(d, 'web', k.instanceId);
    const web = after.servers[0];
    expect(web).toMatchObject({ restarts: 1, phase: 'Running', health: 'Healthy' });
    expect(isAlive(pidOf(web.instanceId))).toBe(true);
    expect(await answersWith(`http://127.0.0.1:${port}/mcp`)).toBe(true);
    await w.noOrphans(['web']);
  });
});
