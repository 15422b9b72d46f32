// The baseline the daemon cannot beat: spawn a server and finish the MCP initialize handshake with
// the SDK client, nothing else (no git, no spec, no runtime records, no tools/list).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { EVERYTHING } from '../tests/e2e/helpers/servers.js';
import { median } from './harness.js';

/** ms from spawn to initialized of server-everything over stdio. */
export async function bareStart(): Promise<number> {
  const t = performance.now();
  const client = new Client({ name: 'bench-bare-start', version: '1' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [EVERYTHING, 'stdio'], stderr: 'ignore' }));
  const ms = performance.now() - t;
  await client.close();
  return ms;
}

/** The median of `n` bare starts one after the other (a shared 2-core machine is noisy). */
export async function bareStartMedian(n = 3): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await bareStart());
  return median(xs);
}
