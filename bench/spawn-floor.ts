// What one child_process.spawn() costs the event loop of this process, measured alone: node forks
// synchronously (the parent waits until the child has exec'd), and the fork copies the page tables
// of a process this size. N starts from one event loop cannot spread over less than N times this.
import { spawn, type ChildProcess } from 'node:child_process';
import { median } from './harness.js';

/** Median ms of the synchronous spawn() of `count` node children that exit at once (stdio as a stdio server's). */
export async function spawnAloneMs(count = 10): Promise<number> {
  const times: number[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    children.push(spawn(process.execPath, ['-e', ''], { stdio: ['pipe', 'pipe', 'ignore'], detached: true }));
    times.push(performance.now() - t);
  }
  await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)))));
  return median(times);
}
