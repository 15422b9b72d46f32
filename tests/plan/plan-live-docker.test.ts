// `plan --live` on docker: with no daemon running, the CLI observes the engine itself and plans the
// next start: a changed, a killed, a removed and an unchanged server. Observing leaves what runs alone.
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';
import { actions, type PlanView } from '../../src/plan/view.js';
import { probeEngine } from '../helpers/docker/engine.js';
import { RUNTIMES } from '../e2e/helpers/runtimes.js';
import { everythingStdio } from '../e2e/helpers/servers.js';
import { World } from '../e2e/helpers/world.js';

const probe = await probeEngine();
const docker = RUNTIMES.find((r) => r.name === 'docker');

describe.skipIf(!probe.ok || !docker)(`plan --live on docker${probe.ok ? '' : ` (skipped: ${probe.reason})`}`, () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.cleanup();
  });

  it('observes the engine from the CLI: changed -> start-beside, killed -> restart, removed -> create, unchanged -> keep', async () => {
    w = new World(docker);
    const servers = ['changed', 'killed', 'removed', 'same'];
    const sha = w.repo.commit(Object.assign({}, ...servers.map((n) => w!.server(n, everythingStdio()))) as Record<string, string>);
    const d = await w.start();
    const st = await w.converged(d, sha, servers);
    const id = (n: string): string => st.servers.find((s) => s.name === n)!.instanceId!;
    await d.stop(); // docker containers outlive the daemon
    const engine = probe.engine!.docker;
    await engine.getContainer(id('killed')).kill();
    await docker!.killOutOfBand(id('removed'), w.stateDir);
    const next = w.repo.commit(w.server('changed', everythingStdio({ version: '2' })));

    const r = await runCli(['plan', '--live', '--runtime', 'docker', '--scope', w.marker, '--repo', w.repo.dir, '--state-dir', w.stateDir, '-o', 'json'], {
      DOCKER_HOST: probe.engine!.dockerHost,
    });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const view = JSON.parse(r.out) as PlanView;
    expect(view).toMatchObject({ source: 'live', mode: 'rollout', commit: next });
    expect(view.against).toContain('the docker runtime, observed from here');
    expect(actions(view)).toEqual({ changed: 'start-beside', killed: 'restart', removed: 'create', same: 'keep' });
    expect(view.waves.flat().find((s) => s.server === 'changed')?.from?.version).toBe('1');
    // looking changed nothing: the stdio containers it attached to still run
    for (const n of ['changed', 'same']) expect((await engine.getContainer(id(n)).inspect()).State.Running).toBe(true);
  }, 120_000);
});
