// What runs on this machine, seen the way an operator would: /proc, process groups, instance records.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Proc {
  pid: number;
  pgid: number;
  state: string;
  args: string;
}

function stat(pid: number): { state: string; pgid: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0], pgid: Number(rest[2]) };
  } catch {
    return null;
  }
}

/** Alive and not a zombie. */
export function isAlive(pid: number): boolean {
  const s = stat(pid);
  return s !== null && s.state !== 'Z' && s.state !== 'X';
}

/** Every live process whose environment carries `E2E_RUN=<marker>` (servers and their children). */
export function marked(marker: string): Proc[] {
  const needle = `E2E_RUN=${marker}`;
  const out: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(needle)) continue;
      const s = stat(pid);
      if (!s || s.state === 'Z' || s.state === 'X') continue;
      out.push({ pid, pgid: s.pgid, state: s.state, args: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() });
    } catch {
      // gone, or not ours to read
    }
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/** Kills every process group carrying the marker (test cleanup, whatever happened). */
export function killMarked(marker: string): void {
  for (const p of marked(marker)) {
    try {
      process.kill(-p.pgid, 'SIGKILL');
    } catch {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}

export interface Record {
  id: string;
  pid: number;
  startedAt: string;
  server: string;
  commit: string;
  specHash: string;
}

/** The process runtime's instance records in <state-dir>/instances. */
export function records(stateDir: string): Record[] {
  const dir = join(stateDir, 'instances');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: Record[] = [];
  for (const n of names) {
    try {
      const r = JSON.parse(readFileSync(join(dir, n), 'utf8')) as { id: string; pid: number; startedAt: string; labels: { [k: string]: string } };
      out.push({
        id: r.id,
        pid: r.pid,
        startedAt: r.startedAt,
        server: r.labels['mcp-gitops/server'],
        commit: r.labels['mcp-gitops/commit'],
        specHash: r.labels['mcp-gitops/spec-hash'],
      });
    } catch {
      // being written
    }
  }
  return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

export { freePort } from '../../runtimes/process/helpers/system.js';
