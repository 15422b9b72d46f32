// A command check: argv run directly (never through a shell) with the server's env, in its cwd;
// exit 0 passes. Killed at the attempt's timeout; the tail of its output says why it failed.
import { spawn } from 'node:child_process';
import type { DesiredCheck } from '../../spec/desired.js';
import type { CheckContext } from './check-context.js';

type CommandCheck = Extract<DesiredCheck, { type: 'command' }>;

const TAIL = 400;

export function commandAttempt(c: CommandCheck, ctx: CheckContext, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolveAttempt, reject) => {
    const [file, ...args] = c.command;
    const child = spawn(file, args, { cwd: ctx.cwd, env: ctx.env, shell: false, stdio: ['ignore', 'pipe', 'pipe'], signal, killSignal: 'SIGKILL' });
    let output = '';
    const keep = (b: Buffer): void => {
      output = (output + b.toString()).slice(-TAIL);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (e) => reject(e));
    child.once('close', (code, sig) => {
      if (signal.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      if (code === 0) return resolveAttempt(undefined);
      const tail = output.trim().split('\n').slice(-3).join(' | ');
      resolveAttempt(`${sig ? `killed by ${sig}` : `exited with code ${String(code)}`}${tail ? `: ${tail}` : ''}`);
    });
  });
}
