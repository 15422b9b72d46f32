// The real daemon as a child process: `node dist/src/cli.js serve ...`, its port learned from the
// "mcp-gitops serving" log line, its /status read over real HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { StatusView } from '../../../src/reconciler/status.js';
import { waitFor } from './wait-for.js';

const CLI = fileURLToPath(new URL('../../../dist/src/cli.js', import.meta.url));

/** The node flags the CLI's own `#!/usr/bin/env -S node <flags>` line asks for: run it as its bin would. */
function cliNodeFlags(): string[] {
  const first = readFileSync(CLI, 'utf8').split('\n', 1)[0];
  const m = /^#!\/usr\/bin\/env -S node (.+)$/.exec(first);
  return m ? m[1].trim().split(/\s+/) : [];
}

export type Status = StatusView;

export interface DaemonOptions {
  repo: string;
  stateDir: string;
  /** Poll interval in seconds (default 0.3). */
  interval?: number;
  env?: Record<string, string>;
  /** More `serve` flags (e.g. ['--git-timeout', '2']). */
  args?: string[];
}

export interface LogLine {
  level: number;
  time: number;
  msg: string;
  [k: string]: unknown;
}

export class Daemon {
  readonly logs: LogLine[] = [];
  stderr = '';
  url = '';
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        resolve(this.exitCode);
      }),
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.stderr += `${line}\n`;
      }
    });
    child.stderr!.on('data', (b: Buffer) => {
      this.stderr += b.toString();
    });
  }

  static async start(o: DaemonOptions): Promise<Daemon> {
    const args = [
      ...cliNodeFlags(),
      CLI,
      'serve',
      '--repo',
      o.repo,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--interval',
      String(o.interval ?? 0.3),
      '--state-dir',
      o.stateDir,
      ...(o.args ?? []),
    ];
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...o.env };
    const d = new Daemon(spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }));
    const serving = await waitFor(
      () => {
        if (d.exitCode !== undefined) throw new Error(`daemon exited with ${String(d.exitCode)} before serving:\n${d.stderr}`);
        return d.logs.find((l) => l.msg === 'mcp-gitops serving');
      },
      { what: 'the "mcp-gitops serving" log line', timeoutMs: 25_000, intervalMs: 20 },
    ).catch((e: unknown) => {
      d.child.kill('SIGKILL');
      throw e;
    });
    d.url = String(serving.http);
    return d;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  async status(): Promise<Status> {
    const res = await fetch(`${this.url}/status`);
    if (!res.ok) throw new Error(`/status answered ${res.status}`);
    return (await res.json()) as Status;
  }

  /** Polls /status until `pred` holds; returns that status. */
  async until(what: string, pred: (s: Status) => boolean, timeoutMs = 30_000): Promise<Status> {
    let last: Status | undefined;
    try {
      return await waitFor(
        async () => {
          last = await this.status();
          return pred(last) ? last : undefined;
        },
        { what, timeoutMs },
      );
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\nlast /status: ${JSON.stringify(last, null, 1)?.slice(0, 4000)}`);
    }
  }

  /** Waits until the daemon has checked the branch head `n` more times (polls, watch events). */
  async checks(n: number): Promise<Status> {
    const from = (await this.status()).checks ?? 0;
    return this.until(`${n} more checks of the branch head`, (s) => (s.checks ?? 0) >= from + n);
  }

  /** SIGKILL: the daemon dies at once; its children (own process groups) stay. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM and wait for a graceful exit; returns the exit code. */
  async stop(): Promise<number | null> {
    if (!this.running) return this.exitCode ?? null;
    this.child.kill('SIGTERM');
    return this.exited;
  }
}
