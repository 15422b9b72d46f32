// A server's output through its named pipe and the daemon's bounded writer: the server never fails
// to write (no reader, a log that cannot be written), what it wrote while no daemon read waits in
// the pipe for the next one, and the log stays under its bound.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogPump, makeLogPipe, openPipeForChild } from '../../../src/runtimes/process/log-pump.js';
import { silentLogger } from '../../../src/runtimes/logger.js';
import { waitFor } from './helpers/system.js';

let dir: string;
const children: ChildProcess[] = [];
const pumps: LogPump[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-gitops-pump-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const p of pumps.splice(0)) p.close();
  await rm(dir, { recursive: true, force: true });
});

/** A child whose stderr is the pipe: it writes `count` lines of `size` bytes on each line of stdin, then says done. */
function writer(pipe: string): { child: ChildProcess; write: (count: number, size?: number) => Promise<void> } {
  const fd = openPipeForChild(pipe);
  const script = `
    const rl = require('node:readline').createInterface({ input: process.stdin });
    let n = 0;
    rl.on('line', (l) => {
      const [count, size] = l.split(' ').map(Number);
      for (let i = 0; i < count; i++) process.stderr.write('line ' + (n++) + ' ' + 'x'.repeat(size) + '\\n');
      process.stdout.write('done\\n');
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', fd] });
  closeSync(fd);
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  return {
    child,
    write: async (count, size = 10) => {
      const before = out.split('done').length;
      child.stdin!.write(`${count} ${size}\n`);
      await waitFor('the writer to finish', () => out.split('done').length > before, 10_000);
    },
  };
}

function pumpOf(pipe: string, log: string, maxLogBytes?: number): LogPump {
  const p = LogPump.attach({ pipe, log, id: 'x', logger: silentLogger, ...(maxLogBytes && { maxLogBytes }) });
  if (!p) throw new Error('could not attach');
  pumps.push(p);
  return p;
}

describe('log pump', () => {
  it('a server writes on while its log cannot be written; the lines are dropped, counted, and the log resumes', async () => {
    const pipe = join(dir, 'a.pipe');
    expect(await makeLogPipe(pipe)).toBe(true);
    const log = join(dir, 'missing', 'a.log'); // cannot be written: its directory does not exist
    const w = writer(pipe);
    const pump = pumpOf(pipe, log);
    await w.write(100);
    await waitFor('the pump to have read the lines', () => pump.tail().at(-1)?.startsWith('line 99 '));
    await pump.settled(); // every write of them tried (and refused) before the directory appears
    expect(w.child.exitCode).toBeNull(); // alive: its writes never failed
    mkdirSync(join(dir, 'missing'));
    await w.write(1);
    const text = await waitFor('the log to resume', () => existsSync(log) && readFileSync(log, 'utf8'));
    expect(text).toMatch(/^\[mcp-gitops: \d+ bytes of output dropped: ENOENT\]\nline 100 x{10}\n$/);
  });

  it('nobody reads (a daemon restart): the server does not die of EPIPE; the next reader gets what it wrote meanwhile', async () => {
    const pipe = join(dir, 'b.pipe');
    expect(await makeLogPipe(pipe)).toBe(true);
    const w = writer(pipe);
    await w.write(100); // under the pipe's 64 KiB buffer
    expect(w.child.exitCode).toBeNull();
    const log = join(dir, 'b.log');
    pumpOf(pipe, log);
    await waitFor('the buffered lines in the log', () => existsSync(log) && readFileSync(log, 'utf8').includes('line 99 '));
    await w.write(1);
    await waitFor('new lines in the log', () => readFileSync(log, 'utf8').includes('line 100 '));
  });

  it('the log stays under its bound however much the server writes', async () => {
    const pipe = join(dir, 'c.pipe');
    expect(await makeLogPipe(pipe)).toBe(true);
    const log = join(dir, 'c.log');
    const w = writer(pipe);
    const pump = pumpOf(pipe, log, 64 * 1024);
    for (let i = 0; i < 10; i++) await w.write(200, 500); // ~1 MiB in all
    await waitFor('the last line read', () => pump.tail().at(-1)?.startsWith('line 1999 '));
    await pump.drained(0);
    expect(statSync(log).size).toBeLessThan(64 * 1024 + 300 * 1024); // the bound, plus at most one batch
    expect(readFileSync(log, 'utf8')).toContain('[... log trimmed by mcp-gitops ...]');
  });

  it('the pump reports the end once the server exits, with its last lines in memory', async () => {
    const pipe = join(dir, 'd.pipe');
    expect(await makeLogPipe(pipe)).toBe(true);
    const w = writer(pipe);
    const pump = pumpOf(pipe, join(dir, 'd.log'));
    await w.write(60);
    w.child.stdin?.end();
    await pump.drained(10_000);
    expect(pump.tail()).toHaveLength(50);
    expect(pump.tail().at(-1)).toMatch(/^line 59 /);
  });

  it('pipes asked for together are made together, each one judged by itself', async () => {
    const paths = Array.from({ length: 50 }, (_, i) => join(dir, `w${i}.pipe`));
    const blocked = join(dir, 'no-such-dir', 'x.pipe'); // its directory is missing: this one fails
    const taken = join(dir, 'taken.pipe');
    mkdirSync(taken); // a directory already stands there
    const made = await Promise.all([...paths, blocked, taken].map((p) => makeLogPipe(p)));
    expect(made).toEqual([...paths.map(() => true), false, false]);
    for (const p of paths) expect(statSync(p).isFIFO()).toBe(true);
    expect(await makeLogPipe(join(dir, 'later.pipe'))).toBe(true); // a batch that failed in part does not stop the next
  });
});
