import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTailLines, trimLog } from '../../../src/runtimes/process/log-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-gitops-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('child log files', () => {
  it('returns at most the last 50 lines, without the cut first line of a big file', () => {
    const file = join(dir, 'a.log');
    writeFileSync(file, Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const tail = readTailLines(file);
    expect(tail).toHaveLength(50);
    expect(tail.at(-1)).toBe('line 4999');
    expect(tail[0]).toBe('line 4950');
    expect(readTailLines(join(dir, 'missing.log'))).toEqual([]);
  });

  it('trims a file over the limit to its tail and leaves small files alone', async () => {
    const file = join(dir, 'b.log');
    writeFileSync(file, 'a'.repeat(3000));
    appendFileSync(file, '\nlast line\n');
    expect(await trimLog(file, 10_000, 100)).toBe(false);
    expect(await trimLog(file, 1000, 100)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text.length).toBeLessThan(200);
    expect(text.endsWith('\nlast line\n')).toBe(true);
  });
});
