// The git server as a fault of the machine: answering 500, or sending part of a fetch and then
// nothing. The commit pushed meanwhile is never blamed, /status says Degraded SourceUnavailable,
// svc answers through the gateway throughout, and once the server is right the daemon converges
// to the head by itself.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Daemon } from '../e2e/helpers/daemon.js';
import { answersWith } from '../e2e/helpers/mcp-probe.js';
import { everythingStdio } from '../e2e/helpers/servers.js';
import { World } from '../e2e/helpers/world.js';
import { FaultyRemote, type RemoteMode } from './helpers/faulty-remote.js';
import { Prober } from './helpers/machine-scene.js';

let w: World | undefined;
let remote: FaultyRemote | undefined;
let probe: Prober | undefined;
afterEach(async () => {
  await probe?.stop();
  await remote?.close();
  await remote?.served.close();
  await w?.cleanup();
  w = remote = probe = undefined;
});

describe('git server faults: retried, never blamed on the commit', { timeout: 90_000 }, () => {
  it.each<[string, RemoteMode, RegExp]>([
    ['answering 500', 'server-error', /server error \(HTTP 500\)/],
    ['hanging mid-fetch', 'hang-mid-fetch', /no data from the remote for 1500 ms|ETIMEDOUT/],
  ])('%s', async (_what, mode, message) => {
    w = new World();
    const good = w.repo.commit(w.server('svc', everythingStdio()));
    remote = await FaultyRemote.start(w.repo, join(w.dir, 'served'));
    const d: Daemon = await w.start({ repo: remote.url, args: ['--git-timeout', '1.5'] });
    const st0 = await w.converged(d, good, ['svc']);
    const svc = st0.servers[0];
    expect(await answersWith(svc.endpoint!)).toBe(true);
    probe = new Prober(svc.endpoint!);
    await remote.set(mode);
    const head = w.repo.commit(w.server('extra', everythingStdio()), 'pushed while the git server is failing');
    remote.served.push();
    const st = await d.until(
      `Degraded SourceUnavailable (${mode})`,
      (x) => x.phase === 'Degraded' && x.reason === 'SourceUnavailable' && message.test(x.lastError?.message ?? ''),
      30_000,
    );
    expect(st).toMatchObject({ failedRevision: null, revision: { applied: good } });
    expect(st.servers[0]).toMatchObject({ name: 'svc', phase: 'Running', instanceId: svc.instanceId });
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    expect(metrics).toMatch(/^mcp_gitops_environment_faults_total\{reason="SourceUnavailable"\} [1-9]/m);
    await remote.set('up');
    const done = await w.converged(d, head, ['extra', 'svc']);
    expect(done).toMatchObject({ phase: 'Synced', reason: 'Synced', lastError: null, failedRevision: null });
    expect(done.history.map((h) => [h.commit, h.result])).toEqual([
      [head, 'succeeded'],
      [good, 'succeeded'],
    ]);
    expect(done.servers.find((x) => x.name === 'svc')?.instanceId).toBe(svc.instanceId);
    const probes = await probe.stop();
    expect(probes.failed).toEqual([]);
    expect(probes.ok).toBeGreaterThan(0);
  });
});
