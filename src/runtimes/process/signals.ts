// Stopping a whole process group: SIGTERM, a grace period, then SIGKILL. Children are spawned
// detached, so each server leads its own group and grandchildren (npx -> node, sh -> server) go too.
import { setTimeout as delay } from 'node:timers/promises';
import { isGroupAlive, readProcStat } from './proc.js';

/** Sends `signal` to every process in group `pgid`; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1 || pgid === ownGroup()) {
    throw new Error(`refusing to signal process group ${pgid}`);
  }
  try {
    process.kill(-pgid, signal);
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
export async function stopGroup(pgid: number, opts: StopOptions): Promise<StopOutcome> {
  if (!signalGroup(pgid, 'SIGTERM')) return 'gone';
  if (await waitGroupGone(pgid, opts.graceMs, opts.pollMs)) return 'terminated';
  if (!signalGroup(pgid, 'SIGKILL')) return 'killed';
  return (await waitGroupGone(pgid, opts.killWaitMs ?? 2000, opts.pollMs)) ? 'killed' : 'stuck';
}

export async function waitGroupGone(pgid: number, timeoutMs: number, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isGroupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await delay(pollMs);
  }
}

function ownGroup(): number | undefined {
  return readProcStat(process.pid)?.pgrp;
}
