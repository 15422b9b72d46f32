// The docker runtime: MCP servers as containers on a Docker engine (dockerode). The engine holds
// the truth: every container carries the labels of docs/reference/labels.md plus its endpoint, so a restarted daemon
// finds (adopts) them by label alone. It starts, lists, stops and connects; it never restarts
// anything (restart policy "no": the reconciler owns backoff) and reports exits via the engine's
// event stream. On shutdown containers keep running for the next daemon to adopt.
import { randomBytes } from 'node:crypto';
import type Dockerode from 'dockerode';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ExitInfo, Instance, InstanceLabels, Runtime, StartContext } from '../runtime.js';
import type { RenderedServer } from '../../spec/desired.js';
import { createHttpTransport } from '../http-transport.js';
import { silentLogger, type Logger } from '../logger.js';
import { isPortListening } from '../port-probe.js';
import { withAnswerTimeout } from './answer-timeout.js';
import { planContainer } from './container-plan.js';
import { describeEnd, inspectOurs, listOurs, stopAndRemove, waitStopped, type EngineDeps } from './container-ops.js';
import { createDockerClient, describeAddress, parseDockerHost } from './engine.js';
import { engineError, engineStatus } from './engine-error.js';
import { RuntimeError, startCancelled } from '../errors.js';
import { ExitEvents, type DieEvent } from './exit-events.js';
import { ensureImage } from './image.js';
import { labelFilters, ownLabels, readEndpoint } from './labels.js';
import { StdioAttachment } from './stdio-attachment.js';
import { startedAtOf, stateMessage, type Tracked } from './tracked.js';
import { ExitListeners } from '../exit-listeners.js';
import { Removals } from '../removals.js';
import { DOCKER_CAPABILITIES } from '../capabilities.js';

export interface DockerRuntimeOptions {
  /** A ready client (custom TLS, tests); otherwise one is built from `dockerHost`. */
  docker?: Dockerode;
  /** A DOCKER_HOST value: `unix:///path/docker.sock` or `tcp://host:port` (default unix:///var/run/docker.sock). */
  dockerHost?: string;
  logger?: Logger;
  /** Only containers labelled `mcp-gitops/scope=<scope>` are seen and touched (default: all of ours). */
  scope?: string;
  /** Time between SIGTERM and SIGKILL when removing (default 3 s). */
  stopGraceSeconds?: number;
  /** How long one engine request may take to be answered (default 30 s). */
  requestTimeoutMs?: number;
  /** How long an image pull may take (default 5 min). */
  pullTimeoutMs?: number;
  /** docker-init as PID 1, so SIGTERM stops servers without a handler (default true). */
  init?: boolean;
  /** Log driver of the containers (default json-file, 2 files of 1 MiB: bounded, and readable for exit messages). */
  logConfig?: { Type: string; Config: Record<string, string> };
}

export interface DockerRuntime extends Runtime {
  /** The engine address, for messages. */
  readonly engine: string;
}

export function createDockerRuntime(options: DockerRuntimeOptions = {}): DockerRuntime {
  return new DockerRuntimeImpl(options);
}

const STOPPED_WAIT_MS = 2000;
const FORGET_REMOVED_AFTER_MS = 60_000;

class DockerRuntimeImpl implements DockerRuntime {
  readonly capabilities = DOCKER_CAPABILITIES;
  readonly engine: string;
  private readonly deps: EngineDeps;
  private readonly logger: Logger;
  private readonly tracked = new Map<string, Tracked>();
  /** Containers we remove (or removed lately): their `die` is ours, not news. */
  private readonly removing = new Removals(FORGET_REMOVED_AFTER_MS);
  private readonly exits: ExitListeners;
  private events: ExitEvents | undefined;
  private ready: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: DockerRuntimeOptions) {
    const address = options.docker ? undefined : parseDockerHost(options.dockerHost);
    this.engine = address ? describeAddress(address) : (options.dockerHost ?? 'the given docker client');
    this.logger = options.logger ?? silentLogger;
    this.exits = new ExitListeners(this.logger);
    this.deps = {
      docker: options.docker ?? createDockerClient(address!),
      where: this.engine,
      scope: options.scope,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      logger: this.logger,
    };
  }

  async observe(): Promise<Instance[]> {
    await this.ensureReady();
    const known = new Set(this.tracked.keys());
    const seen = new Set<string>();
    const out: Instance[] = [];
    for (const { info, labels } of await listOurs(this.deps)) {
      if (this.removing.has(info.Id)) continue;
      seen.add(info.Id);
      out.push(await this.toInstance(info, labels));
    }
    for (const id of known) if (!seen.has(id) && !this.removing.has(id)) this.forget(id); // removed out of band
    return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  }

  async start(server: RenderedServer, ctx: StartContext): Promise<Instance> {
    await this.ensureReady();
    this.assertOpen();
    const spec = server.spec;
    if (ctx.signal?.aborted) throw startCancelled(spec.name);
    const plan = planContainer(server, ctx, {
      suffix: randomBytes(5).toString('hex'),
      scope: this.options.scope,
      init: this.options.init ?? true,
      logConfig: this.options.logConfig ?? { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } },
    });
    if (plan.endpoint.kind === 'http' && spec.port !== undefined && (await isPortListening(spec.port))) {
      throw new RuntimeError('RUNTIME_PORT_IN_USE', `port ${spec.port} on 127.0.0.1 is already in use (an older instance of ${spec.name}?)`, {
        port: spec.port,
      });
    }
    await ensureImage({ ...this.deps, pullTimeoutMs: this.options.pullTimeoutMs ?? 300_000 }, plan.image);
    this.assertOpen();
    const where = this.engine,
      secretValues = server.secretValues;
    let container: Dockerode.Container;
    try {
      container = await withAnswerTimeout(this.deps.requestTimeoutMs, (abortSignal) => this.deps.docker.createContainer({ ...plan.create, abortSignal }));
    } catch (err) {
      if (engineStatus(err) === 404) {
        throw new RuntimeError('RUNTIME_IMAGE_UNAVAILABLE', `image ${plan.image} disappeared from the engine while ${spec.name} was being created`, {
          image: plan.image,
        });
      }
      throw engineError(err, { what: `create container ${plan.name}`, where, secretValues });
    }
    const t = this.track(container.id, spec.name, secretValues);
    try {
      // stdio: attach before start, so the server's stdin is there from its first read and no output is missed.
      if (plan.endpoint.kind === 'stdio') await this.attach(t);
      await withAnswerTimeout(this.deps.requestTimeoutMs, (abortSignal) => container.start({ abortSignal }));
    } catch (err) {
      await this.discard(container.id);
      throw startError(err, plan.name, spec.name, where, secretValues);
    }
    const own = await inspectOurs(this.deps, container.id).catch(() => null);
    t.startedAt = startedAtOf(own?.info.State, own?.info.Created ?? new Date().toISOString());
    if (this.closed) {
      await this.remove(container.id); // shutdown() ran while we were starting
      this.assertOpen();
    }
    if (ctx.signal?.aborted) {
      await this.remove(container.id);
      throw startCancelled(spec.name);
    }
    this.logger.info({ id: container.id, name: plan.name, server: spec.name, image: plan.image, endpoint: plan.endpoint }, 'instance started');
    return {
      id: container.id,
      labels: { server: spec.name, commit: ctx.commit, specHash: server.specHash, ...(ctx.replica ? { replica: ctx.replica } : {}) },
      state: own?.info.State.Running === false ? 'exited' : 'running',
      startedAt: t.startedAt,
      endpoint: plan.endpoint,
    };
  }

  async remove(id: string): Promise<void> {
    await this.ensureReady();
    await this.removing.run(id, () => this.stopAndForget(id));
  }

  async connect(id: string): Promise<Transport> {
    await this.ensureReady();
    const own = this.removing.has(id) ? null : await inspectOurs(this.deps, id);
    if (!own) throw new RuntimeError('RUNTIME_INSTANCE_NOT_FOUND', `no instance ${id}`, { id });
    const endpoint = readEndpoint(own.info.Config.Labels);
    if (!endpoint) throw new RuntimeError('RUNTIME_NOT_RUNNING', `container ${id} carries no endpoint label`, { id });
    if (!own.info.State.Running) {
      const message = this.tracked.get(id)?.message ?? stateMessage(own.info.State.Status) ?? `exited with code ${own.info.State.ExitCode}`;
      throw new RuntimeError('RUNTIME_NOT_RUNNING', `instance ${id} ${message}`, { id });
    }
    if (endpoint.kind === 'http') return createHttpTransport(endpoint.transport, endpoint.url);
    const t = this.track(id, own.labels.server, []);
    try {
      const attachment = t.attachment?.isOpen ? t.attachment : await this.attach(t);
      return attachment.channel.attach();
    } catch (err) {
      throw new RuntimeError(
        'RUNTIME_NOT_RUNNING',
        `cannot attach to the stdio of container ${id}: ${engineError(err, { what: 'attach', where: this.engine }).message}`,
        { id },
        { cause: err },
      );
    }
  }

  onExit(listener: (info: ExitInfo) => void): () => void {
    return this.exits.add(listener);
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    try {
      await this.ready;
    } catch {
      // never connected: nothing to let go of
    }
    this.events?.stop();
    await this.removing.settled();
    for (const t of this.tracked.values()) t.attachment?.detach();
    this.logger.info(
      { engine: this.engine, containers: this.tracked.size },
      'docker runtime shut down; its containers keep running for the next daemon to adopt',
    );
  }

  private ensureReady(): Promise<void> {
    this.ready ??= this.connectEngine().catch((err: unknown) => {
      this.events?.stop();
      this.events = undefined;
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /** Follows `die` events first (no exit can be missed after this), then adopts running stdio containers. */
  private async connectEngine(): Promise<void> {
    this.events = new ExitEvents({
      ...this.deps,
      filters: labelFilters(this.options.scope),
      onDie: (e) => this.onDie(e),
    });
    await this.events.start();
    const stdio = (await listOurs(this.deps)).filter(({ info }) => info.State === 'running' && readEndpoint(info.Labels)?.kind === 'stdio');
    await Promise.all(
      stdio.map(async ({ info, labels }) => {
        const t = this.track(info.Id, labels.server, []);
        try {
          await this.attach(t);
          this.logger.info({ id: info.Id, server: labels.server }, 'adopted running stdio container (re-attached)');
        } catch (err) {
          t.unattachable = `could not be re-attached after a daemon restart: ${err instanceof Error ? err.message : String(err)}`;
          this.logger.warn({ id: info.Id, server: labels.server, reason: t.unattachable }, 'stdio container cannot be adopted; reporting it as exited');
        }
      }),
    );
  }

  private assertOpen(): void {
    if (this.closed) throw new RuntimeError('RUNTIME_SHUT_DOWN', 'the docker runtime has been shut down');
  }

  private track(id: string, server: string, secretValues: readonly string[]): Tracked {
    let t = this.tracked.get(id);
    if (!t) {
      t = { id, server, secretValues: [...secretValues] };
      this.tracked.set(id, t);
    }
    return t;
  }

  private forget(id: string): void {
    this.tracked.get(id)?.attachment?.detach();
    this.tracked.delete(id);
  }

  private async toInstance(info: Dockerode.ContainerInfo, labels: InstanceLabels): Promise<Instance> {
    const t = this.track(info.Id, labels.server, []);
    const endpoint = readEndpoint(info.Labels);
    const running = info.State === 'running';
    if (running && t.exit && !t.attachment) {
      t.exit = undefined; // started again out of band: a next exit is news again
      t.message = undefined;
    }
    t.startedAt ??= startedAtOf(running ? (await inspectOurs(this.deps, info.Id).catch(() => null))?.info.State : undefined, info.Created);
    const base = { id: info.Id, labels, startedAt: t.startedAt, endpoint: endpoint ?? { kind: 'stdio' as const } };
    if (!endpoint) return { ...base, state: 'exited', message: 'carries no endpoint label (not created by this runtime?)' };
    if (running && t.unattachable) return { ...base, state: 'exited', message: t.unattachable };
    if (running) return { ...base, state: 'running' };
    const message = stateMessage(info.State) ?? t.message ?? (await this.endMessage(t, null, endpoint.kind === 'stdio'));
    return { ...base, state: 'exited', message };
  }

  private async endMessage(t: Tracked, exitCode: number | null, stdio: boolean): Promise<string> {
    const report = await describeEnd(this.deps, t.id, { exitCode, stdio, secretValues: t.secretValues });
    if (t.secretValues.length === 0) t.secretValues = report.secretValues;
    t.message ??= report.message;
    return t.message;
  }

  /** Opens (once at a time) the stdio attachment of a tracked container. */
  private attach(t: Tracked): Promise<StdioAttachment> {
    t.attaching ??= withAnswerTimeout(this.deps.requestTimeoutMs, (signal) =>
      StdioAttachment.open(this.deps.docker.getContainer(t.id), this.logger, t.id, signal),
    )
      .then((a) => {
        t.attachment?.detach();
        t.attachment = a;
        t.unattachable = undefined;
        void a.closed.then(() => this.onAttachmentClosed(t, a));
        return a;
      })
      .finally(() => {
        t.attaching = undefined;
      });
    return t.attaching;
  }

  /** The engine connection of a stdio container closed: report an exit before the client sees the close. */
  private async onAttachmentClosed(t: Tracked, a: StdioAttachment): Promise<void> {
    if (t.attachment === a) t.attachment = undefined;
    if (!this.closed && !this.removing.has(t.id)) {
      try {
        const exitCode = await waitStopped(this.deps, t.id, STOPPED_WAIT_MS);
        await this.reportExit(t.id, exitCode, true);
      } catch {
        this.logger.debug({ id: t.id }, 'stdio attachment closed while the container still runs (or the engine is gone); the next connect re-attaches');
      }
    }
    a.endChannel();
  }

  private onDie(e: DieEvent): void {
    const labels = ownLabels(e.labels, this.options.scope);
    if (!labels || this.removing.has(e.id)) return;
    this.track(e.id, labels.server, []);
    this.reportExit(e.id, e.exitCode, readEndpoint(e.labels)?.kind === 'stdio').catch((err: unknown) => {
      this.logger.error({ err, id: e.id }, 'could not report a container exit');
    });
  }

  /** Once per exit: compute its line, tell the listeners, then close the stdio channel. */
  private async reportExit(id: string, exitCode: number | null, stdio: boolean): Promise<void> {
    const t = this.tracked.get(id);
    if (!t) return;
    t.exit ??= (async () => {
      const message = await this.endMessage(t, exitCode, stdio);
      if (this.removing.has(id) || this.closed) return;
      this.logger.warn({ id, server: t.server, message }, 'instance exited');
      this.exits.notify({ id, server: t.server, message });
    })();
    await t.exit;
    t.attachment?.endChannel(); // after the listeners: a gate learns "exited", not "connection closed"
  }

  private async stopAndForget(id: string): Promise<void> {
    const own = await inspectOurs(this.deps, id);
    if (!own) {
      this.forget(id); // unknown, gone already, or not ours: never touched
      return;
    }
    this.tracked.get(id)?.attachment?.detach();
    await stopAndRemove(this.deps, id, this.options.stopGraceSeconds ?? 3);
    this.forget(id);
    this.logger.info({ id, server: own.labels.server }, 'instance removed');
  }

  /** Best-effort removal of a container that failed to start. */
  private async discard(id: string): Promise<void> {
    try {
      await this.removing.run(id, () => {
        this.tracked.get(id)?.attachment?.detach();
        return stopAndRemove(this.deps, id, 0);
      });
    } catch (err) {
      this.logger.warn({ err, id }, 'could not remove a container that failed to start; it is reported as exited until pruned');
      return;
    }
    this.forget(id);
  }
}

function startError(err: unknown, name: string, server: string, where: string, secretValues: readonly string[]): RuntimeError {
  const mapped = engineError(err, { what: `start container ${name}`, where, secretValues });
  if (mapped.transient && engineStatus(err) === undefined) return mapped; // no engine: retry later
  return new RuntimeError(
    'RUNTIME_START_FAILED',
    `server ${server}: the engine could not start the container: ${mapped.message.replace(/^start container \S+: (the engine rejected it: |docker engine error: )?/, '')}`,
    { server },
    { cause: err },
  );
}
