// Reading process identity from /proc (Linux). A pid alone is not an identity: pids are recycled,
// so a process is "ours" only when its start time (and the boot it started in) match the record.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  /** Field 3: R, S, D, Z (zombie), T, ... */
  state: string;
  /** Field 5: process group id. */
  pgrp: number;
  /** Field 22: start time in clock ticks since boot, as text (it can exceed 2^53 in theory). */
  startTime: string;
}

/** Parses /proc/<pid>/stat text; the command name (field 2) may hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // rest[0] is field 3, so field N is rest[N - 3].
  const state = rest[0];
  const pgrp = Number(rest[2]);
  const startTime = rest[19];
  if (!Number.isInteger(pid) || !state || !Number.isInteger(pgrp) || !startTime || !/^\d+$/.test(startTime)) return null;
  return { pid, state, pgrp, startTime };
}

export function readProcStat(pid: number, procRoot = '/proc'): ProcStat | null {
  try {
    return parseProcStat(readFileSync(`${procRoot}/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** The kernel's id of the current boot; null where /proc is not available. */
export function readBootId(procRoot = '/proc'): string | null {
  try {
    return readFileSync(`${procRoot}/sys/kernel/random/boot_id`, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Alive and not a zombie (a zombie has finished; only its exit status is left to collect). */
export function isPidAlive(pid: number): boolean {
  const stat = readProcStat(pid);
  if (stat) return stat.state !== 'Z' && stat.state !== 'X';
  try {
    process.kill(pid, 0);
    return !procAvailable();
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether any non-zombie process is still in process group `pgid`. */
export function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (!procAvailable()) return true;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') return true;
  }
  return false;
}

function procAvailable(): boolean {
  return readProcStat(process.pid) !== null;
}

/**
 * Live processes whose stderr (fd 2) is one of `files` (absolute, symlinks resolved), by file: how a
 * process launched just before its daemon died, with no record yet, is still found by its log file.
 */
export function processesWritingTo(files: readonly string[], procRoot = '/proc'): Map<string, ProcStat[]> {
  const wanted = new Set(files);
  const found = new Map<string, ProcStat[]>();
  if (wanted.size === 0) return found;
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let target: string;
    try {
      target = readlinkSync(`${procRoot}/${entry}/fd/2`);
    } catch {
      continue; // gone, or not ours to read
    }
    if (!wanted.has(target)) continue;
    const stat = readProcStat(Number(entry), procRoot);
    if (stat && stat.state !== 'Z') found.set(target, [...(found.get(target) ?? []), stat]);
  }
  return found;
}
