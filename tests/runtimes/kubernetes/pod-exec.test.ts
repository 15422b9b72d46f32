// The pod spec the runtime applies for a stdio server, executed as a kubelet would (env from the
// Secret, $(VAR) expansion) with the real bridge and server-everything: the server gets its secret
// env and args intact, literal `$` survives, and it answers MCP over HTTP on the pod's port.
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { buildInstanceObjects } from '../../../src/runtimes/kubernetes/instance-objects.js';
import { waitFor } from '../../helpers/docker/wait.js';
import { paths } from '../process/helpers/servers.js';
import { containerProcess, expand } from './helpers/kubelet.js';
import { bridgeBuilt, freePort, spawnBridge } from './helpers/processes.js';
import { rendered } from './helpers/servers.js';

const SECRET = 'sk-live-0123456789';
const ARG_SECRET = 'arg-secret-abcdef';

describe('kubelet semantics', () => {
  it.each([
    ['$(A)-$(B)', 'a-$(B)'],
    ['$$(A)', '$(A)'],
    ['cost $$5', 'cost $5'],
    ['$$$(A)', '$a'],
    ['plain', 'plain'],
  ])('expand(%s) = %s', (input, want) => {
    expect(expand(input, { A: 'a' })).toBe(want);
  });
});

describe.skipIf(!bridgeBuilt())(`a stdio pod run as a kubelet would${bridgeBuilt() ? '' : ' (skipped: npm run build first)'}`, () => {
  let child: ChildProcess | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    await client?.close();
    child?.kill('SIGTERM');
  });

  it('serves MCP on its port with the secret env and args of the Secret, literals unchanged', async () => {
    const server = rendered({
      name: 'everything',
      image: 'mcp-gitops:test',
      command: process.execPath,
      args: [paths.everything, 'stdio', ARG_SECRET],
      secretArgs: [2],
      env: { API_KEY: SECRET, PRICE: 'costs $5 $(HOME)', MODE: 'test' },
      secretEnv: ['API_KEY'],
    });
    const o = buildInstanceObjects(server, {
      name: 'mcp-everything-0a1b2c3d',
      namespace: 'tools',
      commit: 'c'.repeat(40),
      bridgeCommand: ['mcp-gitops', 'bridge'],
    });
    const container = o.deployment.spec!.template.spec!.containers[0];
    const { argv, env } = containerProcess(container, [o.secret!]);
    expect(argv.slice(-3)).toEqual([paths.everything, 'stdio', ARG_SECRET]);
    expect(env).toMatchObject({ API_KEY: SECRET, PRICE: 'costs $5 $(HOME)', MODE: 'test' });

    // each pod has its own network: here, its own free port on loopback
    const port = await freePort();
    const podArgv = argv.map((a, i) => (argv[i - 1] === '--port' ? String(port) : argv[i - 1] === '--host' ? '127.0.0.1' : a));
    expect(podArgv.slice(0, 2)).toEqual(['mcp-gitops', 'bridge']);
    child = spawnBridge(podArgv.slice(2), { PATH: process.env.PATH, ...env });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));

    const url = `http://127.0.0.1:${port}${o.endpoint.path}`;
    client = await waitFor(
      'the pod to answer MCP',
      async () => {
        const c = new Client({ name: 'pod-test', version: '1' });
        try {
          await c.connect(new StreamableHTTPClientTransport(new URL(url)));
          return c;
        } catch {
          return undefined;
        }
      },
      20_000,
    );
    const result = await client.callTool({ name: 'get-env', arguments: {} });
    const shown = JSON.parse((result.content as { text: string }[])[0].text) as Record<string, string>;
    expect(shown).toMatchObject({ API_KEY: SECRET, PRICE: 'costs $5 $(HOME)', MODE: 'test' });
    expect(stderr).not.toContain(SECRET);
  });
});
