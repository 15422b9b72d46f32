// The one stdio server the bridge runs: spawned with the container's env, stdin/stdout owned by a
// StdioChannel (one MCP connection attached at a time), stderr to the pod log with secrets masked.
import { spawn, type ChildProcess } from 'node:child_process';
import { StdioChannel } from '../runtimes/stdio-channel.js';
import type { Logger } from '../runtimes/logger.js';
import { redactingLines } from './redacting-lines.js';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** For messages: `exited with code 1`, `was killed by SIGKILL`, `could not be started: ...`. */
  description: string;
}

export interface StdioChild {
  channel: StdioChannel;
  readonly pid: number | undefined;
  /** The last line the child wrote to stderr, secrets masked. */
  lastStderrLine(): string | undefined;
  exited: Promise<ChildExit>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs: number): Promise<ChildExit>;
}

export interface ChildOptions {
  command: string;
  args: readonly string[];
  /** The child's environment (the container's). */
  env: NodeJS.ProcessEnv;
  /** Values masked in the child's stderr (and the bridge's messages). */
  secretValues: readonly string[];
  stderr: NodeJS.WritableStream;
  logger: Logger;
}

function describe(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code ?? 'unknown'}`;
}

export function spawnChild(o: ChildOptions): StdioChild {
  const child: ChildProcess = spawn(o.command, [...o.args], { env: o.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const channel = new StdioChannel(child.stdin!, child.stdout!, o.logger, 'child');
  const stderr = redactingLines(o.secretValues);
  child.stderr!.pipe(stderr.stream).pipe(o.stderr, { end: false });
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (err) => {
      channel.end();
      resolve({ code: 127, signal: null, description: `could not be started: ${err.message}` });
    });
    child.once('exit', (code, signal) => {
      channel.end();
      resolve({ code, signal, description: describe(code, signal) });
    });
  });
  return {
    channel,
    exited,
    get pid() {
      return child.pid;
    },
    lastStderrLine: () => stderr.last(),
    async stop(graceMs) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        timer.unref();
        const exit = await exited;
        clearTimeout(timer);
        return exit;
      }
      return exited;
    },
  };
}
