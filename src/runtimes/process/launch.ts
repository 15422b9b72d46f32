// Spawning one child in its own process group and waiting until the OS has really started it
// (or refused: executable not found, not executable).
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync } from 'node:fs';
import { RuntimeError } from '../errors.js';

export interface LaunchOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** stdio servers: the daemon owns stdin/stdout. http servers: no stdin, stdout to the log. */
  stdioPipes: boolean;
  /** The child's end of its log pipe (closed here once the child holds its own copy), or no log at all. */
  logFd: number | 'ignore';
}

export function spawnDetached(o: LaunchOptions): ChildProcess {
  const stdio: StdioOptions = o.stdioPipes ? ['pipe', 'pipe', o.logFd] : ['ignore', o.logFd, o.logFd];
  try {
    // detached: the child leads a new process group, so the whole group can be signalled.
    return spawn(o.command, o.args, { cwd: o.cwd, env: o.env, stdio, detached: true, windowsHide: true });
  } catch (err) {
    throw startFailed(o.command, err);
  } finally {
    if (o.logFd !== 'ignore') closeSync(o.logFd); // spawn() forks synchronously: the child already has its copy
  }
}

/** Resolves once the child runs; rejects with RUNTIME_START_FAILED when it could not be started. */
export function spawned(child: ChildProcess, command: string): Promise<number> {
  return new Promise((resolveSpawn, reject) => {
    const onSpawn = (): void => {
      child.off('error', onError);
      if (child.pid === undefined) reject(startFailed(command, new Error('no pid')));
      else resolveSpawn(child.pid);
    };
    const onError = (err: Error): void => {
      child.off('spawn', onSpawn);
      reject(startFailed(command, err));
    };
    child.once('spawn', onSpawn);
    child.once('error', onError);
  });
}

function startFailed(command: string, err: unknown): RuntimeError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? `command not found: ${command}`
      : code === 'EACCES'
        ? `command is not executable: ${command}`
        : `could not start ${command}: ${err instanceof Error ? err.message : String(err)}`;
  return new RuntimeError('RUNTIME_START_FAILED', why, { command, errno: code });
}
