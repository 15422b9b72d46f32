import { describe, expect, it } from 'vitest';
import { isPidAlive, parseProcStat, readProcStat } from '../../../src/runtimes/process/proc.js';
import { isSameProcess } from '../../../src/runtimes/process/identity.js';

// Fields after the command name: state ppid pgrp session tty tpgid flags minflt cminflt majflt
// cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime ...
const tail = 'S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 200';

describe('/proc/<pid>/stat parsing', () => {
  it('reads state, process group and start time (field 22)', () => {
    expect(parseProcStat(`4242 (node) ${tail}`)).toEqual({ pid: 4242, state: 'S', pgrp: 4242, startTime: '987654' });
  });

  it('copes with spaces and parentheses in the command name', () => {
    expect(parseProcStat(`4242 (my (weird) cmd) ${tail}`)?.startTime).toBe('987654');
  });

  it('rejects text that is not a stat line', () => {
    expect(parseProcStat('garbage')).toBeNull();
    expect(parseProcStat('12 (x) S 1')).toBeNull();
  });

  it('reads this very process', () => {
    const own = readProcStat(process.pid);
    expect(own?.pid).toBe(process.pid);
    expect(own?.startTime).toMatch(/^\d+$/);
    expect(isPidAlive(process.pid)).toBe(true);
  });

  it('identifies a process only by pid AND start time AND boot', () => {
    const own = readProcStat(process.pid)!;
    expect(isSameProcess({ pid: process.pid, startTime: own.startTime, bootId: null })).toBe(true);
    expect(isSameProcess({ pid: process.pid, startTime: String(Number(own.startTime) + 1), bootId: null })).toBe(false);
    expect(isSameProcess({ pid: process.pid, startTime: null, bootId: null })).toBe(false);
    expect(isSameProcess({ pid: process.pid, startTime: own.startTime, bootId: 'other-boot' }, 'this-boot')).toBe(false);
  });
});
