// The Role covers every API call the runtime really makes: a whole lifecycle (apply with a Secret,
// readiness, observe, exits, prune) and leader election run against the API server, and each
// recorded request must be granted by IN_CLUSTER_PERMISSIONS (which the Role equals: manifests.test.ts);
// and every granted verb is used (server-side apply that creates is checked as `create`).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLeaderElection } from '../../../src/runtimes/kubernetes/index.js';
import { IN_CLUSTER_PERMISSIONS, isPermitted } from '../../../src/runtimes/kubernetes/permissions.js';
import { waitFor } from '../../helpers/docker/wait.js';
import { createHarness, type Harness } from './helpers/harness.js';
import { rendered } from './helpers/servers.js';

describe('RBAC: calls made vs the Role', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('every request of a full lifecycle is granted, and every grant is needed', async () => {
    h.api.onDeployment((name) => h.api.setPod(name, 'ready'));
    const rt = h.runtime();
    rt.onExit(() => undefined);
    const inst = await rt.start(rendered({ name: 'memory', env: { K: 'secret-value-1' }, secretEnv: ['K'] }), h.ctx);
    await rt.observe();
    h.api.setPod(inst.id, { crashed: 1 });
    await waitFor('the exit', async () => (await rt.observe())[0]?.state === 'exited');
    await rt.remove(inst.id);
    const leader = createLeaderElection({
      kubeConfig: h.api.kubeConfig(),
      namespace: 'tools',
      identity: 'a',
      leaseDurationSeconds: 1,
      renewDeadlineSeconds: 0.5,
      retryPeriodSeconds: 0.05,
    });
    leader.start();
    await leader.acquired();
    await leader.stop();

    const denied = h.api.calls.filter((c) => !isPermitted({ verb: c.verb, group: c.group, resource: c.resource }, IN_CLUSTER_PERMISSIONS));
    expect(denied).toEqual([]);
    const used = new Set(h.api.calls.map((c) => `${c.verb} ${c.group}/${c.resource}`));
    const impliedByApply = (g: string): boolean => g.startsWith('create ') && used.has(g.replace(/^create /, 'patch '));
    const unused = IN_CLUSTER_PERMISSIONS.flatMap((p) => p.verbs.map((v) => `${v} ${p.group}/${p.resource}`)).filter((g) => !used.has(g) && !impliedByApply(g));
    expect(unused).toEqual([]);
  });
});
