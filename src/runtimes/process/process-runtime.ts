// The process runtime: MCP servers as local child processes of the daemon.
// It launches, lists, stops and connects; it never restarts anything (the reconciler owns backoff)
// and reports exits through instance state and onExit.
import { randomBytes } from 'node:crypto';
import { closeSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { toLabelMap, type ExitInfo, type Instance, type Runtime, type StartContext } from '../runtime.js';
import type { RenderedServer } from '../../spec/desired.js';
import { adoptRecords } from './adopt.js';
import { RuntimeError, startCancelled } from '../errors.js';
import { formatExitMessage } from '../exit-message.js';
import { createHttpTransport } from '../http-transport.js';
import { isSameProcess } from './identity.js';
import { deleteRecord, isValidInstanceId, writeRecord, type InstanceRecord } from './instance-record.js';
import { assertDirectory, childEnv, endpointFor, requireCommand, requirePort, resolveCwd } from './launch-plan.js';
import { spawnDetached, spawned } from './launch.js';
import { deleteLog, logPath, pipePath, readTailLines, trimLog } from './log-file.js';
import { LogPump, makeLogPipe, openPipeForChild } from './log-pump.js';
import { silentLogger, type Logger } from '../logger.js';
import { newManaged, toInstance, type ManagedInstance } from './managed-instance.js';
import { isPortListening } from '../port-probe.js';
import { readBootId, readProcStat, type ProcessGroup } from './proc.js';
import { signalGroup, stopGroup } from './signals.js';
import { StdioChannel } from '../stdio-channel.js';
import { ExitListeners } from '../exit-listeners.js';
import { PROCESS_CAPABILITIES } from '../capabilities.js';

/** How often observe() trims the servers' logs to their size bound. */
const TRIM_EVERY_MS = 30_000;

export interface ProcessRuntimeOptions {
  /** Records live in `<stateDir>/instances`, child output in `<stateDir>/logs`. */
  stateDir: string;
  logger?: Logger;
  /** Where children's PATH and HOME come from (default: the daemon's process.env, read at start). */
  daemonEnv?: NodeJS.ProcessEnv;
  /** Time between SIGTERM and SIGKILL (default 3000 ms). */
  stopGraceMs?: number;
  /** How often adopted processes (not our children, so no exit event) are checked (default 1000 ms). */
  adoptedPollMs?: number;
}

export interface ProcessRuntime extends Runtime {
  readonly stateDir: string;
  /** OS pid (= process group id) of an instance this runtime knows; for diagnostics. */
  pidOf(id: string): number | undefined;
}

export function createProcessRuntime(options: ProcessRuntimeOptions): ProcessRuntime {
  return new ProcessRuntimeImpl(options);
}

/** How long an exit waits for the rest of the server's output (its group may hold the pipe open). */
const EXIT_DRAIN_MS = 500;

const ADOPTED_EXIT_MESSAGE = 'exited (exit status unknown: the process was adopted from a previous daemon run)';

class ProcessRuntimeImpl implements ProcessRuntime {
  readonly capabilities = PROCESS_CAPABILITIES;
  readonly stateDir: string;
  private readonly logger: Logger;
  private readonly graceMs: number;
  private readonly instances = new Map<string, ManagedInstance>();
  private readonly exits: ExitListeners;
  private trimmedAt = 0;
  private ready: Promise<void> | undefined;
  private poller: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: ProcessRuntimeOptions) {
    this.stateDir = options.stateDir;
    this.logger = options.logger ?? silentLogger;
    this.exits = new ExitListeners(this.logger);
    this.graceMs = options.stopGraceMs ?? 3000;
  }

  pidOf(id: string): number | undefined {
    return this.instances.get(id)?.record.pid;
  }

  async observe(): Promise<Instance[]> {
    await this.ensureReady();
    this.checkAdopted();
    const visible = [...this.instances.values()].filter((m) => !m.removal);
    // logs are trimmed now and then, not on every observe (a poll observes every instance twice)
    const now = Date.now();
    if (now - this.trimmedAt >= TRIM_EVERY_MS) {
      this.trimmedAt = now;
      await Promise.all(visible.filter((m) => m.state === 'running').map((m) => this.trim(m.record.id)));
    }
    return visible.map(toInstance).sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  }

  async start(server: RenderedServer, ctx: StartContext): Promise<Instance> {
    await this.ensureReady();
    this.assertOpen();
    const spec = server.spec;
    if (ctx.signal?.aborted) throw startCancelled(spec.name);
    const command = requireCommand(spec);
    const endpoint = endpointFor(spec);
    const cwd = resolveCwd(ctx.workdir, spec.cwd);
    await assertDirectory(cwd, spec.cwd);
    if (endpoint.kind === 'http' && (await isPortListening(requirePort(spec)))) {
      throw new RuntimeError('RUNTIME_PORT_IN_USE', `port ${spec.port} on 127.0.0.1 is already in use (an older instance of ${spec.name}?)`, {
        port: spec.port,
      });
    }
    this.assertOpen();
    const id = `${spec.name}-${randomBytes(4).toString('hex')}`;
    const { fd: logFd, pump } = await this.logPipe(id);
    let child: ChildProcess;
    let pid: number;
    try {
      child = spawnDetached({
        command,
        args: spec.args,
        cwd,
        env: childEnv(spec.env, this.options.daemonEnv ?? process.env),
        stdioPipes: endpoint.kind === 'stdio',
        logFd,
      });
      pid = await spawned(child, command);
    } catch (err) {
      pump?.close();
      await deleteLog(this.stateDir, id);
      throw err;
    }
    // No await between 'spawn' and here: an 'exit' cannot have been missed.
    const record: InstanceRecord = {
      version: 1,
      id,
      labels: toLabelMap({ server: spec.name, commit: ctx.commit, specHash: server.specHash, ...(ctx.replica ? { replica: ctx.replica } : {}) }),
      pid,
      startTime: readProcStat(pid)?.startTime ?? null,
      bootId: readBootId(),
      endpoint,
      startedAt: new Date().toISOString(),
    };
    const m = newManaged({
      record,
      labels: { server: spec.name, commit: ctx.commit, specHash: server.specHash, ...(ctx.replica ? { replica: ctx.replica } : {}) },
      secretValues: server.secretValues,
      child,
      adopted: false,
      ...(pump && { pump }),
      ...(child.stdin && child.stdout ? { stdio: new StdioChannel(child.stdin, child.stdout, this.logger, id) } : {}),
    });
    this.watchChild(m, child);
    this.instances.set(id, m);
    try {
      await writeRecord(this.stateDir, record);
    } catch (err) {
      // Without a record a crashed daemon could not find this process again: do not leave it running.
      await this.remove(id);
      throw err;
    }
    if (this.closed) {
      await this.remove(id); // shutdown() ran while we were launching
      this.assertOpen();
    }
    if (ctx.signal?.aborted) {
      await this.remove(id);
      throw startCancelled(spec.name);
    }
    this.logger.info({ id, server: spec.name, pid, command, endpoint }, 'instance started');
    return toInstance(m);
  }

  async remove(id: string): Promise<void> {
    await this.ensureReady();
    const m = this.instances.get(id);
    if (!m) {
      if (isValidInstanceId(id)) {
        await deleteRecord(this.stateDir, id);
        await deleteLog(this.stateDir, id);
      }
      return;
    }
    m.removal ??= this.stopAndForget(m);
    await m.removal;
  }

  async connect(id: string): Promise<Transport> {
    await this.ensureReady();
    const m = this.instances.get(id);
    if (!m || m.removal) throw new RuntimeError('RUNTIME_INSTANCE_NOT_FOUND', `no instance ${id}`, { id });
    if (m.state !== 'running') {
      throw new RuntimeError('RUNTIME_NOT_RUNNING', `instance ${id} ${m.message ?? 'is not running'}`, { id });
    }
    const endpoint = m.record.endpoint;
    if (endpoint.kind === 'http') return createHttpTransport(endpoint.transport, endpoint.url);
    if (!m.stdio) throw new RuntimeError('RUNTIME_NOT_RUNNING', `instance ${id} has no stdio pipes`, { id });
    return m.stdio.attach();
  }

  onExit(listener: (info: ExitInfo) => void): () => void {
    return this.exits.add(listener);
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    try {
      await this.ready;
    } catch {
      // adoption failed: there is nothing adopted to stop
    }
    this.stopPoller();
    await Promise.all([...this.instances.values()].map((m) => (m.removal ??= this.stopAndForget(m))));
  }

  private ensureReady(): Promise<void> {
    this.ready ??= this.adopt().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private async adopt(): Promise<void> {
    const adopted = await adoptRecords({ stateDir: this.stateDir, logger: this.logger, graceMs: this.graceMs });
    for (const m of adopted) this.instances.set(m.record.id, m);
    if (adopted.length > 0) {
      this.poller = setInterval(() => this.checkAdopted(), this.options.adoptedPollMs ?? 1000);
      this.poller.unref();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new RuntimeError('RUNTIME_SHUT_DOWN', 'the process runtime has been shut down');
  }

  /**
   * The child's end of the named pipe it will write its output into, and the pump that reads it; no
   * log at all when the pipe cannot be made. The child's end is opened first: a pipe without a
   * writer would read as ended at once.
   */
  private async logPipe(id: string): Promise<{ fd: number | 'ignore'; pump?: LogPump }> {
    const pipe = pipePath(this.stateDir, id);
    if (await makeLogPipe(pipe)) {
      const fd = openPipeForChild(pipe);
      const pump = LogPump.attach({ pipe, log: logPath(this.stateDir, id), id, logger: this.logger });
      if (pump) return { fd, pump };
      closeSync(fd);
    }
    this.logger.warn({ id, pipe }, 'cannot make the log pipe of a server (is the state dir writable?); its output is not kept');
    return { fd: 'ignore' };
  }

  private watchChild(m: ManagedInstance, child: ChildProcess): void {
    child.on('error', (err) => this.logger.warn({ id: m.record.id, err }, 'child process error'));
    child.once('exit', (code, signal) => {
      void this.lastLines(m).then((tail) => this.markExited(m, formatExitMessage({ code, signal }, tail, m.secretValues)));
    });
  }

  /** What the server wrote last: from the pump once it read everything (from memory: there even on a full disk). */
  private async lastLines(m: ManagedInstance): Promise<string[]> {
    if (!m.pump) return readTailLines(logPath(this.stateDir, m.record.id));
    await m.pump.drained(EXIT_DRAIN_MS);
    return m.pump.tail();
  }

  /** Adopted processes are not our children: notice their exit by looking. */
  private checkAdopted(): void {
    const adopted = [...this.instances.values()].filter((m) => m.adopted && m.state === 'running');
    for (const m of adopted) if (!isSameProcess(m.record)) this.markExited(m, ADOPTED_EXIT_MESSAGE);
    if (!adopted.some((m) => m.state === 'running')) this.stopPoller();
  }

  private markExited(m: ManagedInstance, message: string): void {
    if (m.state === 'exited') return;
    m.state = 'exited';
    m.message = message;
    m.resolveExited();
    if (!m.removal) {
      // Whatever the dead server left in its group goes with it (pgid cannot be reused while members live).
      if (!m.adopted) this.trySignal({ pgid: m.record.pid, leaderStartTime: m.record.startTime }, 'SIGKILL');
      this.logger.warn({ id: m.record.id, server: m.labels.server, message }, 'instance exited');
      this.exits.notify({ id: m.record.id, server: m.labels.server, message });
    }
    m.stdio?.end(); // after the listeners: a gate learns "exited", not "connection closed"
  }

  private async stopAndForget(m: ManagedInstance): Promise<void> {
    const id = m.record.id;
    if (m.state === 'running') await this.stop(m);
    this.instances.delete(id);
    m.pump?.close();
    await deleteRecord(this.stateDir, id);
    await deleteLog(this.stateDir, id);
    this.logger.info({ id, server: m.labels.server }, 'instance removed');
  }

  private async stop(m: ManagedInstance): Promise<void> {
    const { pid } = m.record;
    if (m.adopted && !isSameProcess(m.record)) {
      this.markExited(m, ADOPTED_EXIT_MESSAGE); // gone already; never signal whoever has the pid now
      return;
    }
    try {
      const outcome = await stopGroup({ pgid: pid, leaderStartTime: m.record.startTime }, { graceMs: this.graceMs });
      if (outcome === 'stuck') this.logger.error({ id: m.record.id, pid }, 'process group survived SIGKILL');
    } catch (err) {
      this.logger.error({ err, id: m.record.id, pid }, 'could not stop process group');
    }
    if (m.child) await Promise.race([m.exited, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.markExited(m, 'stopped');
  }

  private trySignal(group: ProcessGroup, signal: NodeJS.Signals): void {
    try {
      signalGroup(group, signal);
    } catch (err) {
      this.logger.warn({ err, pgid: group.pgid, signal }, 'could not signal process group');
    }
  }

  private async trim(id: string): Promise<void> {
    try {
      await trimLog(logPath(this.stateDir, id));
    } catch (err) {
      this.logger.debug({ err, id }, 'could not trim log');
    }
  }

  private stopPoller(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }
}
