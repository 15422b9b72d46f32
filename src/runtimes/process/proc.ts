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
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
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

const bootIds = new Map<string, string | null>();

/** The kernel's id of the current boot; null where /proc is not available. Read once: it cannot change while we run. */
export function readBootId(procRoot = '/proc'): string | null {
  let id = bootIds.get(procRoot);
  if (id === undefined) {
    try {
      id = readFileSync(`${procRoot}/sys/kernel/random/boot_id`, 'utf8').trim() || null;
    } catch {
      id = null;
    }
    bootIds.set(procRoot, id);
  }
  return id;
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

/** A process group as we launched it: its id and its leader's start time (null: unknown). */
export interface ProcessGroup {
  pgid: number;
  leaderStartTime: string | null;
}

/**
 * The live members of a group of ours. pids are recycled (pid_max is often 32768): once every member
 * is gone the number may lead a new group of a stranger; a live process whose pid is the pgid but
 * whose start time is not our leader's is such a stranger, and then none of ours is left (the kernel
 * does not hand out a pid still used as a group id).
 */
export function groupMembers(group: ProcessGroup, procRoot = '/proc'): ProcStat[] {
  const leader = readProcStat(group.pgid, procRoot);
  const live = (st: ProcStat | null): st is ProcStat => st !== null && st.state !== 'Z' && st.state !== 'X';
  if (live(leader) && group.leaderStartTime !== null && leader.startTime !== group.leaderStartTime) return [];
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return [];
  }
  const members: ProcStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const st = readProcStat(Number(entry), procRoot);
    if (live(st) && st.pgrp === group.pgid) members.push(st);
  }
  return members;
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
