// The floor of "has anything changed?" from node, in a process of its own (so that nothing else's
// CPU is counted): `node ref-probe.js <repo url> <n>` prints the CPU (process.cpuUsage: every thread,
// GC included) per call of a bare node:http GET of the ref advertisement read to its end, and of
// isomorphic-git's listServerRefs through the daemon's own HTTP client, each after a warm-up.
import { get } from 'node:http';
import git from 'isomorphic-git';
import { createHttpClient } from '../src/source/http-client.js';
import { selfCpuMs } from './proc-usage.js';

export interface RefProbe {
  /** CPU ms per bare GET of info/refs (node:http). */
  get: number;
  /** CPU ms per listServerRefs (isomorphic-git, the daemon's HTTP client). */
  listRefs: number;
}

function bareGet(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    get(`${url}/info/refs?service=git-upload-pack`, (res) => {
      res.on('data', () => undefined);
      res.on('end', resolve);
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function cpuPerCall(n: number, call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(n, 20); i++) await call(); // warm-up: JIT, sockets
  const c = process.cpuUsage();
  for (let i = 0; i < n; i++) await call();
  return selfCpuMs(c) / n;
}

async function main(): Promise<void> {
  const [url, count] = process.argv.slice(2);
  const n = Number(count);
  const http = createHttpClient();
  const out: RefProbe = {
    get: await cpuPerCall(n, () => bareGet(url)),
    listRefs: await cpuPerCall(n, () => git.listServerRefs({ http, url, protocolVersion: 1, symrefs: true })),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
