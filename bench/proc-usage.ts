// What a process costs, read the way an operator would (/proc): CPU time of all its threads and
// resident memory. Linux only.
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: /proc/<pid>/stat counts utime and stime in these

function statCpuMs(path: string): number {
  const stat = readFileSync(path, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SECOND;
}

/** CPU ms this process used since `since` (process.cpuUsage: user + system, all its threads, GC included). */
export function selfCpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** utime + stime of every thread of `pid`, in ms (10 ms resolution). */
export function cpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** utime + stime of one thread (`tid` = `pid` is the main thread, the event loop), in ms. */
export function threadCpuMs(pid: number, tid: number): number {
  return statCpuMs(`/proc/${pid}/task/${tid}/stat`);
}

/** CPU ms of several processes; one that is gone counts 0. */
export function totalCpuMs(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      sum += cpuMs(pid);
    } catch {
      // exited meanwhile
    }
  }
  return sum;
}

/** VmRSS (now) and VmHWM (peak) of `pid`, in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
