// Is the process a record points at still the one we launched? Same pid, same start time, same
// boot, not a zombie. Anything else is a stranger (or nothing) and must never be signalled.
import type { InstanceRecord } from './instance-record.js';
import { readBootId, readProcStat } from './proc.js';

export function isSameProcess(record: Pick<InstanceRecord, 'pid' | 'startTime' | 'bootId'>, bootId = readBootId()): boolean {
  if (record.startTime === null) return false;
  if (record.bootId !== null && bootId !== null && record.bootId !== bootId) return false;
  const stat = readProcStat(record.pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
  return stat.startTime === record.startTime;
}
