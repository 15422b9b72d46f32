import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ExitInfo } from '../../../src/runtimes/runtime.js';
import { LABEL_MANAGED_BY, LABEL_SERVER } from '../../../src/runtimes/runtime.js';
import { isRuntimeError } from '../../../src/runtimes/errors.js';
import { createHarness, type Harness } from './helpers/harness.js';
import { everything, fixture, rendered } from './helpers/servers.js';
import { envOf, freePort, isAlive, startTimeOf, waitFor } from './helpers/system.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.cleanup();
});

/** The last lines an instance logged (its log file), or why there are none. */
function logTail(id: string): string {
  try {
    return readFileSync(join(h.stateDir, 'logs', `${id}.log`), 'utf8')
      .split('\n')
      .slice(-5)
      .join(' | ');
  } catch (err) {
    return `no log: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
  }
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('process runtime: stdio servers', () => {
  it('a second connect detaches the first connection', async () => {
    const rt = h.runtime();
    const inst = await rt.start(everything('everything', 'stdio'), h.ctx);
    const first = new Client({ name: 'first', version: '1' });
    let firstClosed = false;
    first.onclose = () => (firstClosed = true);
    await first.connect(await rt.connect(inst.id));

    const second = new Client({ name: 'second', version: '1' });
    await second.connect(await rt.connect(inst.id));
    expect(firstClosed).toBe(true);
    expect((await second.listTools()).tools.length).toBeGreaterThan(0);
    await expect(first.listTools()).rejects.toThrow();
    await second.close();
  });

  it('masks secret values in exit messages', async () => {
    const rt = h.runtime();
    const exits: ExitInfo[] = [];
    rt.onExit((info) => exits.push(info));
    const secret = 's3cr3t-value-123';
    await rt.start(fixture('leaky', 'exit-at-start.mjs', { args: [secret] }), h.ctx);
    // The secret only reaches the child through its args here; the runtime learns it from secretValues.
    const server = fixture('leaky2', 'exit-at-start.mjs', { args: [secret] });
    await rt.start({ ...server, secretValues: [secret] }, h.ctx);
    await waitFor('two exits', () => exits.length === 2, 5000);
    const byServer = Object.fromEntries(exits.map((e) => [e.server, e.message]));
    expect(byServer.leaky).toBe(`exited with code 1: fatal: API key ${secret} was rejected`);
    expect(byServer.leaky2).toBe('exited with code 1: fatal: API key *** was rejected');
  });
});

describe('process runtime: launch rules', () => {
  it('gives the child only spec.env plus PATH and HOME, never the daemon environment', async () => {
    const saved = process.env.MCP_GITOPS_API_TOKEN;
    process.env.MCP_GITOPS_API_TOKEN = 'daemon-secret-token';
    try {
      const rt = h.runtime();
      const inst = await rt.start(fixture('envcheck', 'hang.mjs', { env: { LOG_LEVEL: 'debug' } }), h.ctx);
      const env = envOf(rt.pidOf(inst.id)!);
      expect(env.MCP_GITOPS_API_TOKEN).toBeUndefined();
      expect(Object.keys(env).sort()).toEqual(['HOME', 'LOG_LEVEL', 'PATH'].filter((k) => k !== 'HOME' || process.env.HOME !== undefined));
      expect(env).toMatchObject({ LOG_LEVEL: 'debug', PATH: process.env.PATH });
    } finally {
      if (saved === undefined) delete process.env.MCP_GITOPS_API_TOKEN;
      else process.env.MCP_GITOPS_API_TOKEN = saved;
    }
  });

  it('runs the child in spec.cwd resolved against the checkout', async () => {
    const dir = join(h.ctx.workdir, 'tools', 'srv');
    await mkdir(dir, { recursive: true });
    const rt = h.runtime();
    const inst = await rt.start(fixture('cwd', 'hang.mjs', { cwd: 'tools/srv' }), h.ctx);
    expect(readlinkSync(`/proc/${rt.pidOf(inst.id)!}/cwd`)).toBe(dir);
  });

  it.each([
    ['../outside', 'RUNTIME_CWD_ESCAPE'],
    ['tools/../../outside', 'RUNTIME_CWD_ESCAPE'],
    ['/tmp', 'RUNTIME_CWD_ESCAPE'],
    ['missing-dir', 'RUNTIME_CWD_MISSING'],
  ])('rejects cwd %s with %s and starts nothing', async (cwd, code) => {
    const rt = h.runtime();
    const err = await rejection(rt.start(fixture('cwd', 'hang.mjs', { cwd }), h.ctx));
    expect(isRuntimeError(err) && err.code).toBe(code);
    expect((err as Error).message).toContain(cwd);
    expect(await rt.observe()).toEqual([]);
  });

  it('rejects a command that does not exist, leaving nothing behind', async () => {
    const rt = h.runtime();
    const err = await rejection(rt.start(rendered({ name: 'nope', command: 'no-such-mcp-server-xyz' }), h.ctx));
    expect(err).toMatchObject({ code: 'RUNTIME_START_FAILED', message: 'command not found: no-such-mcp-server-xyz' });
    expect(await rt.observe()).toEqual([]);
    expect(readdirSync(join(h.stateDir, 'logs'))).toEqual([]);
    expect(readdirSync(join(h.stateDir, 'instances'))).toEqual([]);
  });

  it('rejects specs it cannot run: no command, http without port', async () => {
    const rt = h.runtime();
    await expect(rt.start(rendered({ name: 'a', command: undefined }), h.ctx)).rejects.toMatchObject({ code: 'RUNTIME_INVALID_SPEC' });
    await expect(rt.start(rendered({ name: 'b', transport: 'sse' }), h.ctx)).rejects.toMatchObject({ code: 'RUNTIME_INVALID_SPEC' });
  });

  it('persists an instance record with pid, start time and labels', async () => {
    const rt = h.runtime();
    const inst = await rt.start(fixture('rec', 'hang.mjs'), h.ctx);
    const pid = rt.pidOf(inst.id)!;
    const files = readdirSync(join(h.stateDir, 'instances'));
    expect(files).toEqual([`${inst.id}.json`]);
    const record = JSON.parse(readFileSync(join(h.stateDir, 'instances', files[0]), 'utf8')) as Record<string, unknown>;
    expect(record).toMatchObject({
      id: inst.id,
      pid,
      startTime: startTimeOf(pid),
      startedAt: inst.startedAt,
      endpoint: { kind: 'stdio' },
      labels: { [LABEL_MANAGED_BY]: 'mcp-gitops', [LABEL_SERVER]: 'rec' },
    });
  });
});

describe('process runtime: http servers', () => {
  it('uses /sse as the default path for sse servers and keeps an explicit path', async () => {
    const rt = h.runtime();
    const a = await rt.start(fixture('sse-default', 'hang.mjs', { transport: 'sse', port: await freePort() }), h.ctx);
    const port = await freePort();
    const b = await rt.start(fixture('custom', 'hang.mjs', { transport: 'streamable-http', port, path: '/v1/mcp' }), h.ctx);
    expect(a.endpoint).toMatchObject({ transport: 'sse', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/sse$/) as unknown });
    expect(b.endpoint).toEqual({ kind: 'http', transport: 'streamable-http', url: `http://127.0.0.1:${port}/v1/mcp` });
  });
});

describe('process runtime: stopping', () => {
  it('remove() kills the whole process group, forgets the instance and reports no exit', async () => {
    const rt = h.runtime();
    const exits: ExitInfo[] = [];
    rt.onExit((info) => exits.push(info));
    const pidFile = join(h.base, 'grandchild.pid');
    const inst = await rt.start(fixture('tree', 'spawns-child.mjs', { args: [pidFile] }), h.ctx);
    const leader = rt.pidOf(inst.id)!;
    const grandchild = await waitFor('grandchild pid', () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')));
    expect(isAlive(grandchild)).toBe(true);

    await rt.remove(inst.id);
    expect(isAlive(leader)).toBe(false);
    expect(isAlive(grandchild)).toBe(false);
    expect(await rt.observe()).toEqual([]);
    expect(readdirSync(join(h.stateDir, 'instances'))).toEqual([]);
    expect(exits).toEqual([]);
    await rt.remove(inst.id); // idempotent
    await rt.remove('never-existed');
  });

  it('remove() escalates to SIGKILL after the grace period', async () => {
    const rt = h.runtime({ stopGraceMs: 400 });
    const inst = await rt.start(fixture('stubborn', 'hang.mjs', { args: ['--ignore-sigterm'] }), h.ctx);
    const pid = rt.pidOf(inst.id)!;
    const log = join(h.stateDir, 'logs', `${inst.id}.log`);
    await waitFor('fixture ready', () => existsSync(log) && readFileSync(log, 'utf8').includes('hang: started'));
    const t0 = Date.now();
    await rt.remove(inst.id);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(log)).toBe(false); // the log goes with the instance
  });

  it('shutdown() stops every child and grandchild and refuses new starts', async () => {
    const rt = h.runtime();
    const pidFile = join(h.base, 'grandchild.pid');
    const a = await rt.start(everything('everything', 'stdio'), h.ctx);
    const b = await rt.start(fixture('tree', 'spawns-child.mjs', { args: [pidFile] }), h.ctx);
    const c = await rt.start(fixture('stubborn', 'hang.mjs', { args: ['--ignore-sigterm'] }), h.ctx);
    const grandchild = await waitFor('grandchild pid', () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')));
    const pids = [rt.pidOf(a.id)!, rt.pidOf(b.id)!, rt.pidOf(c.id)!, grandchild];
    // seen once in CI (two suites side by side, pid_max 32768): one of them not alive here; say which,
    // how it ended and what it logged, so a second time can be told apart from a recycled pid
    const dead = [a, b, c].filter((x) => !isAlive(rt.pidOf(x.id)!)).map((x) => `${x.id}: ${logTail(x.id)}`);
    expect(dead, 'instances not alive right after their start').toEqual([]);
    expect(isAlive(grandchild), `grandchild ${grandchild} (pid file: ${readFileSync(pidFile, 'utf8')})`).toBe(true);

    await rt.shutdown();
    expect(pids.filter(isAlive)).toEqual([]);
    expect(readdirSync(join(h.stateDir, 'instances'))).toEqual([]);
    await expect(rt.start(fixture('late', 'hang.mjs'), h.ctx)).rejects.toMatchObject({ code: 'RUNTIME_SHUT_DOWN' });
  });
});
