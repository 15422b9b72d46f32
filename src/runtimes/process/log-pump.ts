// A child's stderr (and an http server's stdout) reaches its log through the daemon, never straight
// from the child: a full or read-only state disk then costs log lines, not the server (a child that
// writes to a file on a full disk dies of ENOSPC). See docs/adr/0012-child-logs-through-a-pipe.md.
//
// The child writes into a named pipe (`<logs>/<id>.pipe`) that it holds open for reading and writing,
// so it never gets EPIPE/SIGPIPE when no daemon reads it (a daemon restart): the pipe buffers what it
// writes meanwhile, and the next daemon re-attaches by path and reads on. The daemon appends what it
// reads to `<logs>/<id>.log` with a bounded writer: a bounded queue, the file trimmed past its bound,
// and every write error (ENOSPC, EROFS, EIO...) drops the bytes and says so once writing works again.
// It opens the file for each batch only, so the state dir can be remounted read-only under it.
import { execFile } from 'node:child_process';
import { constants, openSync } from 'node:fs';
import { appendFile, lstat, stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import { promisify } from 'node:util';
import type { Logger } from '../logger.js';
import { TAIL_LINES, trimLog } from './log-file.js';

const run = promisify(execFile);

/** Bytes read but not written yet; beyond this they are dropped (a slow or failing disk). */
const MAX_PENDING = 256 * 1024;
/** The log file is trimmed to its tail once it grows past this. */
const MAX_LOG_BYTES = 1024 * 1024;
const MAX_LINE = 4096;

/**
 * Pipes asked for while a mkfifo runs, made together by the next one. Node has no mkfifo, and every
 * child the daemon forks costs its event loop tens of milliseconds (the fork copies the daemon's
 * page tables): one mkfifo per start doubled the forks of a wave of a hundred servers.
 */
let queued: { paths: string[]; made: Promise<void> } | undefined;
let running: Promise<void> = Promise.resolve();

function mkfifoBatched(path: string): Promise<void> {
  if (!queued) {
    const batch: { paths: string[]; made: Promise<void> } = { paths: [], made: Promise.resolve() };
    batch.made = running.then(() => {
      queued = undefined;
      // one path that cannot be made fails mkfifo for all: each path is checked by itself below
      return run('mkfifo', ['-m', '600', ...batch.paths]).then(
        () => undefined,
        () => undefined,
      );
    });
    running = batch.made;
    queued = batch;
  }
  queued.paths.push(path);
  return queued.made;
}

/** Makes the named pipe; false when it cannot be made (the child then runs without a log). */
export async function makeLogPipe(path: string): Promise<boolean> {
  await mkfifoBatched(path);
  try {
    return (await lstat(path)).isFIFO();
  } catch {
    return false;
  }
}

/** The child's end: read and write, so the pipe always has a reader and a write never fails with EPIPE. */
export function openPipeForChild(path: string): number {
  return openSync(path, constants.O_RDWR);
}

export interface LogPumpOptions {
  pipe: string;
  log: string;
  id: string;
  logger: Logger;
  maxLogBytes?: number;
}

export class LogPump {
  private readonly socket: Socket;
  private readonly lines: string[] = [];
  private partial = '';
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private dropped = 0;
  private dropCause: string | undefined;
  private writing: Promise<void> | undefined;
  private readonly ended: Promise<void>;

  private constructor(
    private readonly o: LogPumpOptions,
    fd: number,
  ) {
    this.socket = new Socket({ fd, readable: true, writable: false });
    this.ended = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.socket.on('data', (chunk: Buffer) => this.take(chunk));
    this.socket.on('error', (err) => o.logger.debug({ id: o.id, err: err.message }, 'reading a server log pipe failed'));
  }

  /** Starts reading `pipe`; undefined when it cannot be opened (missing: an instance logging to a file). */
  static attach(o: LogPumpOptions): LogPump | undefined {
    let fd: number;
    try {
      fd = openSync(o.pipe, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch {
      return undefined;
    }
    return new LogPump(o, fd);
  }

  /** The last lines the server wrote, from memory (they are there even when the disk refused them). */
  tail(): string[] {
    return this.partial === '' ? [...this.lines] : [...this.lines, this.partial];
  }

  /** Resolves once every writer closed the pipe (the server and its group are gone) and the log was written, or after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.ended, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    await this.settled();
  }

  /** Resolves once everything read so far was written to the log or dropped. */
  settled(): Promise<void> {
    return this.writing ?? Promise.resolve();
  }

  close(): void {
    this.socket.destroy();
  }

  private take(chunk: Buffer): void {
    this.remember(chunk.toString('utf8'));
    if (this.pendingBytes + chunk.length > MAX_PENDING) {
      this.drop(chunk.length, 'the disk is slower than the server writes');
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.writing ??= this.flush();
  }

  private remember(text: string): void {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = (parts.pop() ?? '').slice(-MAX_LINE);
    for (const line of parts) this.lines.push(line.slice(0, MAX_LINE));
    if (this.lines.length > TAIL_LINES) this.lines.splice(0, this.lines.length - TAIL_LINES);
  }

  private drop(bytes: number, cause: string): void {
    this.dropped += bytes;
    if (this.dropCause === undefined) this.o.logger.warn({ id: this.o.id, cause }, 'dropping server output: its log cannot be written');
    this.dropCause = cause;
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      const note = this.dropped > 0 ? `[mcp-gitops: ${this.dropped} bytes of output dropped: ${this.dropCause ?? 'unknown'}]\n` : '';
      try {
        await appendFile(this.o.log, note === '' ? batch : Buffer.concat([Buffer.from(note), batch]), { mode: 0o600 });
        if (this.dropped > 0) this.o.logger.info({ id: this.o.id, dropped: this.dropped }, 'server output is written to its log again');
        this.dropped = 0;
        this.dropCause = undefined;
      } catch (err) {
        this.drop(batch.length, (err as NodeJS.ErrnoException).code ?? String(err));
        continue;
      }
      await this.bound().catch((err: unknown) => this.o.logger.debug({ id: this.o.id, err: String(err) }, 'could not trim a server log'));
    }
    this.writing = undefined;
  }

  private async bound(): Promise<void> {
    const max = this.o.maxLogBytes ?? MAX_LOG_BYTES;
    if ((await stat(this.o.log)).size > max) await trimLog(this.o.log, max, Math.floor(max / 4));
  }
}
