// The floor of a poll that finds nothing new, measured beside the daemon in the same run: what
// native git spends to learn that nothing changed (`git ls-remote`, a process of its own and its
// git-remote-http child), and what node spends on one GET of the ref advertisement (ref-probe.ts,
// in a process of its own so that nothing else's CPU is counted).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RefProbe } from './ref-probe.js';

const run = promisify(execFile);
const PROBE = fileURLToPath(new URL('./ref-probe.js', import.meta.url));

/** `n` sequential `git ls-remote <url> HEAD`: CPU (user + sys of git and its children) and wall ms per call. */
export async function lsRemoteCost(url: string, n: number): Promise<{ cpu: number; wall: number }> {
  // bash's `times` reports its waited-for children's CPU (getrusage) to the millisecond, unlike /proc's 10 ms ticks
  const script = 'for i in $(seq "$1"); do git ls-remote "$0" HEAD >/dev/null || exit 1; done; times';
  const t = performance.now();
  const { stdout } = await run('bash', ['-c', script, url, String(n)], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GIT_CONFIG_NOSYSTEM: '1' } });
  const wall = (performance.now() - t) / n;
  const children = stdout.trim().split('\n')[1] ?? '';
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (secs.length !== 2) throw new Error(`unexpected output of times: ${stdout}`);
  return { cpu: ((secs[0] + secs[1]) * 1000) / n, wall };
}

/** CPU ms per GET of the ref advertisement from node: bare node:http, and isomorphic-git's listServerRefs. */
export async function refProbe(url: string, n: number): Promise<RefProbe> {
  const { stdout } = await run(process.execPath, [PROBE, url, String(n)]);
  return JSON.parse(stdout) as RefProbe;
}
