// The real daemon (dist/src/cli.js serve) answers GET /plan, and `mcp-gitops plan` asks it, says so,
// and refuses sources it cannot use.
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';
import type { PlanView } from '../../src/plan/view.js';
import { freePort } from '../e2e/helpers/procs.js';
import { everythingStdio } from '../e2e/helpers/servers.js';
import { useWorld } from '../e2e/helpers/use-world.js';

describe('mcp-gitops plan --server', () => {
  const s = useWorld();

  it('asks the running daemon for the next sync and says which source it used', async () => {
    const { w } = s;
    const sha = w.repo.commit({ ...w.server('a', everythingStdio()), ...w.server('b', everythingStdio()) });
    const d = await w.start();
    await w.converged(d, sha, ['a', 'b']);
    const next = w.repo.commit(w.server('c', everythingStdio()));

    const json = await runCli(['plan', '--server', d.url, '-o', 'json']);
    expect(json.err).toBe('');
    const view = JSON.parse(json.out) as PlanView;
    // the daemon may have picked the new commit up already: its plan is then a repair that keeps all
    if (view.mode === 'rollout') expect(view).toMatchObject({ commit: next, head: next });
    expect(view.source).toBe('daemon');
    expect(view.against).toBe(`the daemon at ${d.url}: its process runtime, live`);
    expect(view.waves.flat().find((x) => x.server === 'a')?.action).toBe('keep');

    const text = await runCli(['plan', '--server', `${d.url}/`]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(new RegExp(`^plan for ${next.slice(0, 7)} \\((rollout|repair)\\) against the daemon at ${d.url}: its process runtime, live:\\n`));
    expect(text.out).toMatch(/^1 +a +keep +1/m);
  }, 60_000);

  it('fails with exit 2 when no daemon answers, and refuses --live for the process runtime', async () => {
    const port = await freePort();
    const down = await runCli(['plan', '--server', `http://127.0.0.1:${port}`]);
    expect(down.code).toBe(2);
    expect(down.err).toContain(`cannot reach the daemon at http://127.0.0.1:${port}`);
    const live = await runCli(['plan', '--live', '--repo', s.w.repo.dir]);
    expect(live.code).toBe(2);
    expect(live.err).toContain('--live cannot observe the process runtime');
    expect((await runCli(['plan', '--live', '--server', 'http://127.0.0.1:1'])).code).toBe(2);
  });
});
