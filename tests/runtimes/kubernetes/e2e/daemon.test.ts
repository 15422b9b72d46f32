// The real daemon (dist/) with --runtime kubernetes against a real cluster: deploy, a failing commit
// reverted to the last good one, adoption after a daemon restart, prune. Runs only when KUBECONFIG
// is set (skipped with the reason otherwise), in a namespace of its own created and deleted here;
// same image variables as cluster.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubernetesRuntime, type KubernetesRuntime } from '../../../../src/runtimes/kubernetes/index.js';
import { Daemon } from '../../../e2e/helpers/daemon.js';
import { GitRepo } from '../../../e2e/helpers/git-repo.js';
import { createTestNamespace, type TestNamespace } from './namespace.js';

const kubeconfig = process.env.KUBECONFIG;
const image = process.env.MCP_GITOPS_E2E_IMAGE ?? 'node:20-bookworm-slim';

function spec(version: string, args: string[], command = 'npx'): string {
  return `apiVersion: mcp-gitops/v1
kind: MCPServer
metadata: { name: everything }
spec:
  version: "${version}"
  transport: streamable-http
  image: ${image}
  command: ${command}
  args: ${JSON.stringify(args)}
  port: 3001
  env: { PORT: "3001" }
  health: { timeoutSeconds: 120, expectTools: [echo] }
`;
}
const GOOD = ['-y', '@modelcontextprotocol/server-everything@2026.8.31', 'streamableHttp'];
const MINUTES = 60_000;

describe.skipIf(!kubeconfig)(`the daemon on kubernetes${kubeconfig ? '' : ' (skipped: KUBECONFIG is not set)'}`, { timeout: 20 * MINUTES }, () => {
  let dir: string;
  let repo: GitRepo;
  let rt: KubernetesRuntime;
  let ns: string;
  let namespace: TestNamespace | undefined;
  let daemon: Daemon | undefined;
  const start = (): Promise<Daemon> =>
    Daemon.start({
      repo: repo.dir,
      stateDir: join(dir, 'state'),
      interval: 1,
      env: { MCP_GITOPS_RUNTIME: 'kubernetes', MCP_GITOPS_NAMESPACE: ns, KUBECONFIG: kubeconfig! },
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-gitops-k8s-e2e-'));
    repo = new GitRepo(join(dir, 'repo'));
    const kc = new KubeConfig();
    kc.loadFromDefault();
    namespace = await createTestNamespace(kc, 'daemon');
    ns = namespace.name;
    rt = createKubernetesRuntime({ kubeConfig: kc, namespace: ns });
  });

  afterAll(async () => {
    await daemon?.stop();
    for (const i of await rt.observe()) await rt.remove(i.id);
    await rt.shutdown();
    await namespace?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deploys, reverts a failing commit, adopts after a restart, prunes', async () => {
    const good = repo.commit({ 'everything.yaml': spec('1.0.0', GOOD) });
    daemon = await start();
    await daemon.until('v1 synced', (s) => s.phase === 'Synced' && s.revision.lastGood === good, 10 * MINUTES);
    const [deployed] = await rt.observe();
    expect(deployed).toMatchObject({ state: 'running', labels: { server: 'everything', commit: good } });

    const bad = repo.commit({ 'everything.yaml': spec('2.0.0', ['-e', 'console.error("boom"); process.exit(4)'], 'node') });
    const reverted = await daemon.until('v2 reverted', (s) => s.history[0]?.commit === bad && s.history[0].result === 'reverted', 10 * MINUTES);
    expect(reverted.history[0].message).toMatch(/exited with code 4: boom/);
    expect((await rt.observe()).map((i) => i.id)).toEqual([deployed.id]);

    await daemon.kill();
    daemon = await start();
    await daemon.until('adopted', (s) => s.phase !== 'Progressing' && s.servers[0]?.phase === 'Running', 5 * MINUTES);
    expect((await rt.observe()).map((i) => i.id)).toEqual([deployed.id]);

    repo.commit({ 'everything.yaml': null });
    await daemon.until('pruned', (s) => s.phase === 'Synced' && s.servers.length === 0, 5 * MINUTES);
    expect(await rt.observe()).toEqual([]);
  });
});
