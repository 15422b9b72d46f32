// Process groups are signalled only while they are ours: a pgid whose leader has a start time other
// than ours is a recycled number leading a stranger's group (pid_max is often 32768).
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { groupMembers } from '../../../src/runtimes/process/proc.js';
import { signalGroup, stopGroup } from '../../../src/runtimes/process/signals.js';
import { isAlive, startTimeOf, waitFor } from './helpers/system.js';

const started: { pgid: number; leaderStartTime: string }[] = [];
afterEach(() => {
  // through signalGroup, as the runtime does: a group already gone is not signalled by number, since
  // its number may lead another test's process group by now (pid_max is often 32768)
  for (const group of started.splice(0)) signalGroup(group, 'SIGKILL');
});

/** A detached `sh` leading its own group, with a `sleep` child in it. */
async function group(): Promise<{ leader: number; startTime: string }> {
  const p = spawn('sh', ['-c', 'sleep 300 & wait'], { detached: true, stdio: 'ignore' });
  const leader = await waitFor('spawned', () => p.pid);
  const startTime = startTimeOf(leader);
  started.push({ pgid: leader, leaderStartTime: startTime });
  await waitFor('its child', () => groupMembers({ pgid: leader, leaderStartTime: null }).length === 2);
  return { leader, startTime };
}

describe('process groups', () => {
  it('a group whose leader started at another time is not ours: no members, never signalled', async () => {
    const g = await group();
    const stranger = { pgid: g.leader, leaderStartTime: String(Number(g.startTime) + 1) };
    expect(groupMembers(stranger)).toEqual([]);
    expect(signalGroup(stranger, 'SIGKILL')).toBe(false);
    expect(await stopGroup(stranger, { graceMs: 100 })).toBe('gone');
    expect(isAlive(g.leader)).toBe(true);
    expect(groupMembers({ pgid: g.leader, leaderStartTime: g.startTime })).toHaveLength(2);
  });

  it('our group goes whole, leader and child; once the leader is gone the rest are signalled one by one', async () => {
    const g = await group();
    const ours = { pgid: g.leader, leaderStartTime: g.startTime };
    const child = groupMembers(ours).find((m) => m.pid !== g.leader)!.pid;
    process.kill(g.leader, 'SIGKILL'); // the leader dies alone: its child keeps the group id reserved
    await waitFor('the leader gone', () => !isAlive(g.leader));
    expect(groupMembers(ours).map((m) => m.pid)).toEqual([child]);
    expect(await stopGroup(ours, { graceMs: 1000 })).not.toBe('stuck');
    expect(isAlive(child)).toBe(false);
    expect(groupMembers(ours)).toEqual([]);
  });
});
