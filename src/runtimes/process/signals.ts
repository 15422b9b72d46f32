// Stopping a whole process group: SIGTERM, a grace period, then SIGKILL. Children are spawned
// detached, so each server leads its own group and grandchildren (npx -> node, sh -> server) go too.
// While our leader lives, its group id is reserved and kill(-pgid) is safe; once it is gone, the
// members left are signalled one by one, and a recycled pgid (a stranger's new group) never is.
import { setTimeout as delay } from 'node:timers/promises';
import { groupMembers, readProcStat, type ProcessGroup } from './proc.js';

/** Sends `signal` to every process left in our group; false when none is left. */
export function signalGroup(group: ProcessGroup, signal: NodeJS.Signals): boolean {
  const { pgid } = group;
  if (!Number.isInteger(pgid) || pgid <= 1 || pgid === ownGroup()) {
    throw new Error(`refusing to signal process group ${pgid}`);
  }
  const members = groupMembers(group);
  if (members.length === 0) return false;
  if (members.some((m) => m.pid === pgid)) return kill(-pgid, signal);
  return members.map((m) => kill(m.pid, signal)).some(Boolean);
}

function kill(target: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    throw err;
  }
}

export interface StopOptions {
  graceMs: number;
  /** How long to wait for the group to vanish after SIGKILL. */
  killWaitMs?: number;
  pollMs?: number;
}

export type StopOutcome = 'gone' | 'terminated' | 'killed' | 'stuck';

/** SIGTERM the group, SIGKILL what is left after the grace period; resolves when none is left. */
export async function stopGroup(group: ProcessGroup, opts: StopOptions): Promise<StopOutcome> {
  if (!signalGroup(group, 'SIGTERM')) return 'gone';
  if (await waitGroupGone(group, opts.graceMs, opts.pollMs)) return 'terminated';
  if (!signalGroup(group, 'SIGKILL')) return 'killed';
  return (await waitGroupGone(group, opts.killWaitMs ?? 2000, opts.pollMs)) ? 'killed' : 'stuck';
}

export async function waitGroupGone(group: ProcessGroup, timeoutMs: number, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (groupMembers(group).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await delay(pollMs);
  }
}

function ownGroup(): number | undefined {
  return readProcStat(process.pid)?.pgrp;
}
