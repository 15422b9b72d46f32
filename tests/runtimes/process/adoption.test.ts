// A second runtime on the same state dir stands for a restarted daemon.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { toLabelMap, type ExitInfo } from '../../../src/runtimes/runtime.js';
import { createHarness, type Harness } from './helpers/harness.js';
import { everything, fixture } from './helpers/servers.js';
import { freePort, isAlive, startTimeOf, waitFor } from './helpers/system.js';

let h: Harness;
const strangers: ChildProcess[] = [];
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  for (const p of strangers.splice(0)) p.kill('SIGKILL');
  await h.cleanup();
});

function recordFile(id: string): string {
  return join(h.stateDir, 'instances', `${id}.json`);
}

/** A process that is none of the runtime's business, in its own process group. */
async function spawnStranger(): Promise<number> {
  const p = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  strangers.push(p);
  return waitFor('stranger spawned', () => p.pid);
}

async function forgeRecord(id: string, pid: number, startTime: string): Promise<void> {
  await mkdir(join(h.stateDir, 'instances'), { recursive: true });
  const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  writeFileSync(
    recordFile(id),
    JSON.stringify({
      version: 1,
      id,
      pid,
      startTime,
      bootId,
      labels: toLabelMap({ server: 'forged', commit: h.ctx.commit, specHash: 'abc' }),
      endpoint: { kind: 'stdio' },
      startedAt: new Date().toISOString(),
    }),
  );
}

async function connectWhenUp(connect: () => Promise<Parameters<Client['connect']>[0]>): Promise<Client> {
  return waitFor('MCP server up', async () => {
    const client = new Client({ name: 't', version: '1' });
    try {
      await client.connect(await connect());
      return client;
    } catch {
      await client.close();
      return false;
    }
  });
}

describe('re-adoption by a restarted daemon', () => {
  it('adopts a live http server: it keeps running, is observed, connectable and removable', async () => {
    const port = await freePort();
    const first = h.runtime();
    const inst = await first.start(everything('web', 'streamableHttp', port), h.ctx);
    const pid = first.pidOf(inst.id)!;
    await (await connectWhenUp(() => first.connect(inst.id))).close();

    const second = h.runtime();
    const observed = await second.observe();
    expect(observed).toEqual([{ ...inst, state: 'running' }]);
    expect(second.pidOf(inst.id)).toBe(pid);
    const client = await connectWhenUp(() => second.connect(inst.id));
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('echo');
    await client.close();

    await second.remove(inst.id);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(recordFile(inst.id))).toBe(false);
  });

  it('notices when an adopted server dies and reports the exit', async () => {
    const port = await freePort();
    const first = h.runtime();
    const inst = await first.start(everything('web', 'streamableHttp', port), h.ctx);
    const second = h.runtime({ adoptedPollMs: 50 });
    expect((await second.observe()).map((i) => i.state)).toEqual(['running']);
    const exits: ExitInfo[] = [];
    second.onExit((info) => exits.push(info));

    process.kill(-second.pidOf(inst.id)!, 'SIGKILL');
    const exit = await waitFor('exit of adopted server', () => exits[0], 5000);
    expect(exit).toMatchObject({ id: inst.id, server: 'web', message: expect.stringContaining('exited') as unknown });
    expect(await second.observe()).toEqual([expect.objectContaining({ id: inst.id, state: 'exited' })]);
  });

  it('stops a live stdio server (its pipes died with the old daemon) and drops its record', async () => {
    const first = h.runtime();
    const inst = await first.start(fixture('orphan', 'hang.mjs'), h.ctx);
    const pid = first.pidOf(inst.id)!;

    const second = h.runtime();
    expect(await second.observe()).toEqual([]);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(recordFile(inst.id))).toBe(false);
  });

  it('never touches a process whose pid matches but start time does not (recycled pid)', async () => {
    const pid = await spawnStranger();
    const realStart = startTimeOf(pid);
    await forgeRecord('forged-1', pid, String(Number(realStart) + 1));

    const rt = h.runtime();
    expect(await rt.observe()).toEqual([]);
    expect(isAlive(pid)).toBe(true);
    expect(existsSync(recordFile('forged-1'))).toBe(false);
  });

  it('does stop the same process when the forged record carries its real start time', async () => {
    // The counterpart of the test above: the start time is what decides.
    const pid = await spawnStranger();
    await forgeRecord('forged-2', pid, startTimeOf(pid));

    const rt = h.runtime();
    expect(await rt.observe()).toEqual([]);
    await waitFor('stranger stopped', () => !isAlive(pid), 5000);
  });

  it('stops a process that writes to a log no record names (launched just before the old daemon died), and only that one', async () => {
    await mkdir(join(h.stateDir, 'logs'), { recursive: true });
    const log = join(h.stateDir, 'logs', 'web-0123abcd.log');
    const fd = openSync(log, 'a');
    const launched = spawn('sleep', ['300'], { detached: true, stdio: ['ignore', 'ignore', fd] });
    closeSync(fd);
    strangers.push(launched);
    const pid = await waitFor('launched', () => launched.pid);
    const bystander = await spawnStranger();

    const rt = h.runtime();
    expect(await rt.observe()).toEqual([]);
    await waitFor('the unrecorded launch stopped', () => !isAlive(pid), 5000);
    expect(existsSync(log)).toBe(false);
    expect(isAlive(bystander)).toBe(true);
  });

  it('drops records of processes that are gone and ignores files that are not records', async () => {
    const gone = spawn('true', { stdio: 'ignore' });
    const pid = await waitFor('spawned', () => gone.pid);
    await new Promise((r) => gone.once('exit', r));
    await forgeRecord('dead-1', pid, '1');
    writeFileSync(recordFile('garbage'), '{"not": "a record"}');

    const rt = h.runtime();
    expect(await rt.observe()).toEqual([]);
    expect(existsSync(recordFile('dead-1'))).toBe(false);
    expect(existsSync(recordFile('garbage'))).toBe(true);
  });
});
