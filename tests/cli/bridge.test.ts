// `mcp-gitops bridge -- <command>`: a real stdio server (server-everything) served as streamable
// HTTP; many sessions share the one child; the child's exit code is the bridge's; secrets masked.
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { bridgeCommand } from '../../src/cli/commands/bridge.js';
import { main, type CliIO } from '../../src/cli/main.js';
import { waitFor } from '../helpers/docker/wait.js';
import { paths } from '../runtimes/process/helpers/servers.js';
import { bridgeBuilt, spawnBridge } from '../runtimes/kubernetes/helpers/processes.js';

interface Running {
  exit: Promise<number>;
  url: () => Promise<string>;
  out: () => string;
  err: () => string;
}

/** bridgeCommand.main in this process, its logs and stderr captured. */
function runInProcess(argv: string[], env: NodeJS.ProcessEnv = {}): Running {
  const stdout = new PassThrough(),
    stderr = new PassThrough();
  let out = '',
    err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const io: CliIO = { stdout, stderr, env: { PATH: process.env.PATH, ...env } };
  const exit = bridgeCommand.main(argv, io);
  const url = () =>
    waitFor('the bridge to listen', () => {
      const m = /"listen":"([^"]+)","path":"([^"]+)"/.exec(out);
      return m ? `http://${m[1]}${m[2]}` : undefined;
    });
  return { exit, url, out: () => out, err: () => err };
}

const clients: Client[] = [];
async function connect(url: string): Promise<Client> {
  const c = new Client({ name: 'bridge-test', version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(url)));
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('mcp-gitops bridge', () => {
  it('serves a stdio server over streamable HTTP; concurrent sessions share the one child', async () => {
    const r = runInProcess(['--port', '0', '--', process.execPath, paths.everything, 'stdio']);
    const url = await r.url();
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    expect(a.getServerVersion()?.name).toMatch(/everything/);
    expect((await a.listTools()).tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    const [ea, eb] = await Promise.all([
      a.callTool({ name: 'echo', arguments: { message: 'from a' } }),
      b.callTool({ name: 'echo', arguments: { message: 'from b' } }),
    ]);
    expect(ea.content).toEqual([{ type: 'text', text: 'Echo: from a' }]);
    expect(eb.content).toEqual([{ type: 'text', text: 'Echo: from b' }]);
    const health = await fetch(new URL('/healthz', url));
    expect(health.status).toBe(200);
    expect((await fetch(new URL('/other', url))).status).toBe(404);
    process.emit('SIGTERM');
    expect(await r.exit).toBe(128 + 15);
  });

  it("exits with the child's exit code, and masks the values of --redact-env in its stderr", async () => {
    const secret = 'sk-live-0123456789';
    const code = 'console.error("starting with token " + process.env.API_KEY); process.exit(3)';
    const dir = mkdtempSync(join(tmpdir(), 'bridge-term-'));
    const log = join(dir, 'termination-log');
    const r = runInProcess(['--port', '0', '--redact-env', 'API_KEY', '--termination-log', log, '--', process.execPath, '-e', code], { API_KEY: secret });
    expect(await r.exit).toBe(3);
    expect(readFileSync(log, 'utf8')).toBe('starting with token ***\n'); // the pod's termination message
    rmSync(dir, { recursive: true });
    expect(r.err()).toContain('starting with token ***');
    expect(r.err() + r.out()).not.toContain(secret);
    expect(r.out()).toContain('exited with code 3');
  });

  it('a command that cannot be started exits 127 and says why', async () => {
    const r = runInProcess(['--port', '0', '--', '/nonexistent/server']);
    expect(await r.exit).toBe(127);
    expect(r.out()).toMatch(/could not be started: spawn \/nonexistent\/server ENOENT/);
  });

  it('is a command of the CLI: mcp-gitops bridge --help', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    expect(await main(['bridge', '--help'], { stdout, stderr: new PassThrough(), env: {} })).toBe(0);
    expect(out).toMatch(/^Usage: mcp-gitops bridge \[options\] -- <command> \[args\.\.\.\]/);
    expect(out).toContain('--redact-env');
  });

  it('takes `-- <command>` through the CLI itself (a command that cannot start exits 127, not a usage error)', async () => {
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    expect(await main(['bridge', '--port', '0', '--', '/nonexistent/mcp-server'], { stdout: new PassThrough(), stderr, env: {} })).toBe(127);
    expect(err).not.toMatch(/Unexpected argument|Run mcp-gitops bridge --help/);
  });

  it('refuses to run without a command after --', async () => {
    await expect(bridgeCommand.main(['--port', '0'], { stdout: new PassThrough(), stderr: new PassThrough(), env: {} })).rejects.toThrow(
      /give the stdio server to run after --/,
    );
  });

  it.skipIf(!bridgeBuilt())(
    `as its own process: SIGTERM stops the child and the bridge${bridgeBuilt() ? '' : ' (skipped: run npm run build first)'}`,
    async () => {
      const p = spawnBridge(['--port', '0', '--', process.execPath, paths.everything, 'stdio'], process.env);
      let out = '';
      p.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      const m = await waitFor('the bridge to listen', () => /"listen":"([^"]+)","path":"([^"]+)"/.exec(out) ?? undefined);
      const c = await connect(`http://${m[1]}${m[2]}`);
      expect((await c.callTool({ name: 'get-sum', arguments: { a: 2, b: 3 } })).content).toEqual([{ type: 'text', text: 'The sum of 2 and 3 is 5.' }]);
      p.kill('SIGTERM');
      const [code] = (await once(p, 'exit')) as [number | null];
      expect(code).toBe(128 + 15);
    },
  );
});
