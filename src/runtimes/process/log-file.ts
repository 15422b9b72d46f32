// Each child's stderr (and an http server's stdout) ends up in `<stateDir>/logs/<id>.log`, written
// by the daemon from the child's named pipe `<id>.pipe` (log-pump.ts). The daemon reads only the
// tail (bounded) and trims the file when it grows.
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const TAIL_LINES = 50;
const TAIL_BYTES = 16 * 1024;

export function logsDir(stateDir: string): string {
  return join(stateDir, 'logs');
}

export function logPath(stateDir: string, id: string): string {
  return join(logsDir(stateDir), `${id}.log`);
}

/** The named pipe the child writes its output into. */
export function pipePath(stateDir: string, id: string): string {
  return join(logsDir(stateDir), `${id}.pipe`);
}

/** The last `maxLines` lines of the file (at most the last 16 KiB); [] when it is missing. */
export function readTailLines(path: string, maxLines = TAIL_LINES): string[] {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    const read = readSync(fd, buf, 0, length, size - length);
    const lines = buf.subarray(0, read).toString('utf8').split(/\r?\n/);
    if (length < size) lines.shift(); // the first line is probably cut
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-maxLines);
  } finally {
    closeSync(fd);
  }
}

/** Keeps the file under `maxBytes` by cutting it down to its last `keepBytes`. Best effort. */
export async function trimLog(path: string, maxBytes = 1024 * 1024, keepBytes = 256 * 1024): Promise<boolean> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return false;
  }
  if (size <= maxBytes) return false;
  // 'a+' so our write lands at the end like the child's: both use O_APPEND, nothing is overwritten.
  const fh = await open(path, 'a+');
  try {
    const keep = Buffer.alloc(Math.min(keepBytes, size));
    const { bytesRead } = await fh.read(keep, 0, keep.length, size - keep.length);
    await fh.truncate(0);
    await fh.write(Buffer.concat([Buffer.from('[... log trimmed by mcp-gitops ...]\n'), keep.subarray(0, bytesRead)]));
  } finally {
    await fh.close();
  }
  return true;
}

export async function deleteLog(stateDir: string, id: string): Promise<void> {
  await rm(logPath(stateDir, id), { force: true });
  await rm(pipePath(stateDir, id), { force: true });
}
