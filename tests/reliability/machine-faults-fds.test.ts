// File descriptors run out: the real daemon's soft RLIMIT_NOFILE is lowered (prlimit) until the
// gateway cannot take 200 sessions, and a commit arrives meanwhile. The daemon does not crash, the
// commit is not blamed, the fault is retried by itself, and once the sessions are gone and the limit
// is back it converges to the head with svc still the instance it was.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { answersWith } from '../e2e/helpers/mcp-probe.js';
import { everythingStdio } from '../e2e/helpers/servers.js';
import { waitFor } from '../e2e/helpers/wait-for.js';
import { World } from '../e2e/helpers/world.js';

const prlimit = ((): string | undefined => {
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'prlimit (util-linux) is not installed';
  }
})();

let w: World | undefined;
const clients: Client[] = [];
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  await w?.cleanup();
  w = undefined;
});

function setSoftLimit(pid: number, n: number | 'hard'): void {
  const hard = execFileSync('prlimit', ['--pid', String(pid), '--nofile', '--output=HARD', '--noheadings'], { encoding: 'utf8' }).trim();
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${n === 'hard' ? hard : n}:${hard}`]);
}

async function session(url: string): Promise<Client> {
  const c = new Client({ name: 'fd-hog', version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(url)), { timeout: 3000 });
  return c;
}

describe.skipIf(prlimit)(`file descriptors exhausted${prlimit ? ` (skipped: ${prlimit})` : ''}`, { timeout: 120_000 }, () => {
  it('200 sessions against a low fd limit while a commit arrives: no crash, nothing blamed, converges once they are gone', async () => {
    w = new World();
    const good = w.repo.commit(w.server('svc', everythingStdio()));
    const d = await w.start();
    const st0 = await w.converged(d, good, ['svc']);
    const svc = st0.servers[0];
    const fds = (): number => readdirSync(`/proc/${d.pid}/fd`).length;
    const limit = fds() + 40;
    setSoftLimit(d.pid, limit);
    // sessions until the gateway runs out; topped up whenever one ends (a refused connect frees its fd)
    const hog = async (n: number): Promise<void> => {
      const tries = await Promise.allSettled(Array.from({ length: n }, () => session(svc.endpoint!)));
      for (const t of tries) if (t.status === 'fulfilled') clients.push(t.value);
    };
    await hog(200);
    expect(clients.length).toBeLessThan(200); // the gateway did run out
    for (let i = 0; i < 5 && fds() < limit; i++) await hog(limit - fds()); // every descriptor taken before the commit
    const from = d.logs.length;
    const head = w.repo.commit(w.server('extra', everythingStdio()), 'pushed while descriptors are exhausted');
    // /status needs a descriptor too: the daemon's own log says what happened
    const fault = await waitFor(
      async () => {
        const hit = d.logs.slice(from).find((l) => l.msg.startsWith('sync could not run'));
        if (!hit && fds() < limit) await hog(limit - fds());
        return hit;
      },
      { what: 'an environment fault in the log', timeoutMs: 60_000 },
    );
    expect(['SourceUnavailable', 'StateWriteFailed', 'RuntimeUnavailable']).toContain(fault.reason);
    expect(String(fault.err)).toMatch(/EMFILE|ENFILE/);
    await Promise.allSettled(clients.splice(0).map((c) => c.close()));
    setSoftLimit(d.pid, 'hard');
    const st = await w.converged(d, head, ['extra', 'svc']);
    expect(d.running).toBe(true);
    expect(st).toMatchObject({ phase: 'Synced', lastError: null, failedRevision: null });
    expect(st.history.map((h) => [h.commit, h.result])).toEqual([
      [head, 'succeeded'],
      [good, 'succeeded'],
    ]);
    expect(st.servers.find((x) => x.name === 'svc')?.instanceId).toBe(svc.instanceId);
    expect(d.logs.filter((l) => /^sync (failed|reverted|invalid)/.test(l.msg))).toEqual([]);
    expect(await answersWith(svc.endpoint!)).toBe(true);
  });
});
