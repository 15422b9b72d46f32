// The kubernetes runtime: one instance = a Deployment (+ Service, + Secret for secret values) in one
// namespace, applied with server-side apply. The API server holds the truth: instances are found by
// label selector, so a restarted daemon adopts them; objects without our managed-by label are never
// touched. start() resolves once the Deployment's status says the pods are available (or fails as
// soon as a pod crashes or its image cannot be pulled); exits are noticed by polling pods; connect()
// reaches the Service (in the cluster) or a port-forward (outside). On shutdown everything keeps
// running for the next daemon to adopt.
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ExitInfo, Instance, Runtime, StartContext } from '../runtime.js';
import { maskText } from '../../render/mask.js';
import type { RenderedServer } from '../../spec/desired.js';
import { ExitListeners } from '../exit-listeners.js';
import { createHttpTransport } from '../http-transport.js';
import { RuntimeError, isRuntimeError, startCancelled } from '../errors.js';
import { buildInstanceObjects, type InstanceObjects } from './instance-objects.js';
import { podsByInstance, viewInstance, type InstanceView } from './instance-view.js';
import { readyPod } from './instance-status.js';
import { MANAGED_KINDS, type KubeApi } from './kube-api.js';
import type { Logger } from '../logger.js';
import { readSecretValues } from './instance-secrets.js';
import { instanceName, instanceSelector, isInstanceName, MANAGED_SELECTOR } from './names.js';
import { sweepOrphans } from './orphan-sweep.js';
import type { PortForwards } from './port-forward.js';
import { withForwardFailures } from './forwarded-transport.js';
import { Removals } from '../removals.js';
import { KUBERNETES_CAPABILITIES } from '../capabilities.js';

export interface RuntimeCoreOptions {
  api: KubeApi;
  logger: Logger;
  /** 'service': in the cluster, by Service DNS; 'port-forward': from outside, through the API server. */
  access: 'service' | 'port-forward';
  forwards?: PortForwards;
  /** How images start the stdio bridge (default ["mcp-gitops", "bridge"]). */
  bridgeCommand?: readonly string[];
  /** How long start() waits for the Deployment to be available (default 5 min). */
  readyTimeoutMs?: number;
  /** Between status polls: readiness in start(), exits for onExit (default 2 s). */
  pollMs?: number;
  /** Whether to poll for exits now (a follower replica does not); default: always. */
  active?: () => boolean;
}

export interface KubernetesRuntime extends Runtime {
  readonly namespace: string;
}

interface Tracked {
  server: string;
  /** Secret values to scrub from messages; read back from the instance's Secret when adopted. */
  secretValues?: string[];
  /** Seen running (ready or starting) after start() returned or on adoption: a failure then is news. */
  running: boolean;
  reported: boolean;
  /** Inside start(): its failures are start() errors, not exits. */
  starting?: boolean;
}

const FORGET_REMOVED_AFTER_MS = 60_000;
const SWEEP_EVERY_MS = 5 * 60_000;

export class KubernetesRuntimeImpl implements KubernetesRuntime {
  readonly capabilities = KUBERNETES_CAPABILITIES;
  readonly namespace: string;
  private readonly api: KubeApi;
  private readonly logger: Logger;
  private readonly tracked = new Map<string, Tracked>();
  private readonly removing = new Removals(FORGET_REMOVED_AFTER_MS);
  private readonly exits: ExitListeners;
  private readonly stop = new AbortController();
  private poller: Promise<void> | undefined;
  private sweeping: Promise<void> | undefined;
  private lastSweep = 0;

  constructor(private readonly o: RuntimeCoreOptions) {
    this.api = o.api;
    this.namespace = o.api.namespace;
    this.logger = o.logger;
    this.exits = new ExitListeners(o.logger);
  }

  async observe(): Promise<Instance[]> {
    const views = await this.scan();
    return views.map((v) => v.instance).sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  }

  async start(server: RenderedServer, ctx: StartContext): Promise<Instance> {
    this.assertOpen();
    const spec = server.spec;
    if (ctx.signal?.aborted) throw startCancelled(spec.name);
    const objects = buildInstanceObjects(server, {
      name: instanceName(spec.name, randomBytes(4).toString('hex')),
      namespace: this.namespace,
      commit: ctx.commit,
      bridgeCommand: this.o.bridgeCommand ?? ['mcp-gitops', 'bridge'],
      ...(ctx.replica ? { replica: ctx.replica } : {}),
    });
    const id = objects.name;
    this.tracked.set(id, { server: spec.name, secretValues: [...server.secretValues], running: false, reported: false, starting: true });
    let view: InstanceView;
    try {
      await this.applyAll(objects);
      view = await this.waitReady(id, spec.name, ctx.signal, ctx.onWaiting);
    } catch (err) {
      await this.discard(id);
      throw this.scrubbed(err, server.secretValues);
    }
    const t = this.tracked.get(id);
    if (t) Object.assign(t, { running: true, starting: false });
    this.logger.info({ id, server: spec.name, image: spec.image, url: objects.url }, 'instance started');
    return view.instance;
  }

  async remove(id: string): Promise<void> {
    if (!isInstanceName(id)) return; // not a name we give: not ours
    await this.removing.run(id, () => this.deleteAll(id));
    this.tracked.delete(id);
  }

  async connect(id: string): Promise<Transport> {
    this.assertOpen();
    const view = this.removing.has(id) ? undefined : await this.find(id);
    if (!view) throw new RuntimeError('RUNTIME_INSTANCE_NOT_FOUND', `no instance ${id} in namespace ${this.namespace}`, { id });
    const { instance, status } = view.view;
    if (instance.state !== 'running' || instance.endpoint.kind !== 'http') {
      throw new RuntimeError('RUNTIME_NOT_RUNNING', `instance ${id} ${await this.messageOf(id, instance.message ?? 'is not running')}`, { id });
    }
    if (status.phase !== 'ready')
      throw new RuntimeError('RUNTIME_NOT_READY', `instance ${id} is not ready: ${status.phase === 'starting' ? status.message : ''}`, { id });
    if (this.o.access === 'service') return createHttpTransport(instance.endpoint.transport, instance.endpoint.url);
    const pod = readyPod(view.pods);
    if (!pod || !this.o.forwards) throw new RuntimeError('RUNTIME_NOT_READY', `instance ${id} has no ready pod to port-forward to`, { id });
    const forwards = this.o.forwards;
    const since = Date.now();
    const local = await forwards.localPort(id, pod, view.view.port);
    const url = new URL(instance.endpoint.url);
    const transport = createHttpTransport(instance.endpoint.transport, `http://127.0.0.1:${local}${url.pathname}${url.search}`);
    return withForwardFailures(transport, () => forwards.failure(id, since));
  }

  onExit(listener: (info: ExitInfo) => void): () => void {
    this.poller ??= this.poll();
    return this.exits.add(listener);
  }

  async shutdown(): Promise<void> {
    this.stop.abort();
    await this.poller;
    await Promise.allSettled([this.removing.settled(), this.sweeping]);
    this.o.forwards?.closeAll();
    // what keeps running: not removed, not gone out of band, not a start that failed
    const left = [...this.tracked].filter(([id, t]) => !t.reported && !t.starting && !this.removing.has(id)).length;
    this.logger.info({ namespace: this.namespace, instances: left }, 'kubernetes runtime shut down; its Deployments keep running for the next daemon to adopt');
  }

  // ---- internals -------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.stop.signal.aborted) throw new RuntimeError('RUNTIME_SHUT_DOWN', 'the kubernetes runtime has been shut down');
  }

  /** Secret first (pods reference it), then the Deployment, then the Service in front of it. */
  private async applyAll(o: InstanceObjects): Promise<void> {
    if (o.secret) await this.api.apply('Secret', o.secret);
    await this.api.apply('Deployment', o.deployment);
    await this.api.apply('Service', o.service);
  }

  private async scan(selector = MANAGED_SELECTOR): Promise<InstanceView[]> {
    const [deployments, pods] = await Promise.all([this.api.list('Deployment', selector), this.api.listPods(selector)]);
    const byInstance = podsByInstance(pods);
    const views: InstanceView[] = [];
    for (const d of deployments) {
      if (d.metadata?.deletionTimestamp) continue;
      const v = viewInstance(d, byInstance.get(d.metadata?.name ?? '') ?? [], this.namespace);
      if (!v || this.removing.has(v.instance.id)) continue;
      if (v.instance.message) v.instance.message = await this.messageOf(v.instance.id, v.instance.message);
      views.push(v);
    }
    if (selector === MANAGED_SELECTOR) {
      this.noticeExits(views);
      this.sweepOrphans(new Set(deployments.map((d) => d.metadata?.name ?? '')));
    }
    return views;
  }

  /** Now and then (in the background): our Services and Secrets whose Deployment is long gone. */
  private sweepOrphans(deployments: ReadonlySet<string>): void {
    if (this.sweeping || Date.now() - this.lastSweep < SWEEP_EVERY_MS || this.stop.signal.aborted) return;
    this.lastSweep = Date.now();
    this.sweeping = sweepOrphans({
      api: this.api,
      logger: this.logger,
      keep: (name) => deployments.has(name) || this.tracked.get(name)?.starting === true || this.removing.has(name),
    })
      .catch((err: unknown) => {
        this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'sweeping orphaned Services and Secrets failed; retrying later');
      })
      .finally(() => {
        this.sweeping = undefined;
      });
  }

  private async find(id: string): Promise<{ view: InstanceView; pods: Awaited<ReturnType<KubeApi['listPods']>> } | undefined> {
    const selector = instanceSelector(id);
    const [deployments, pods] = await Promise.all([this.api.list('Deployment', selector), this.api.listPods(selector)]);
    const d = deployments.find((x) => x.metadata?.name === id && !x.metadata.deletionTimestamp);
    const view = d && viewInstance(d, pods, this.namespace);
    if (!view) return undefined;
    if (view.instance.message) view.instance.message = await this.messageOf(id, view.instance.message);
    return { view, pods };
  }

  /** Polls until the Deployment is available; a failed pod or the deadline ends it (typed). */
  private async waitReady(id: string, server: string, signal: AbortSignal | undefined, onWaiting?: StartContext['onWaiting']): Promise<InstanceView> {
    const deadline = Date.now() + (this.o.readyTimeoutMs ?? 300_000);
    let last = 'no status yet';
    let lastReason: string | undefined;
    let told: string | undefined;
    for (;;) {
      this.assertOpen();
      if (signal?.aborted)
        throw new RuntimeError('RUNTIME_START_CANCELLED', `server ${server}: start of ${id} cancelled while waiting for it to be available (${last})`, {
          server,
          id,
        });
      const found = await this.find(id);
      if (!found) throw new RuntimeError('RUNTIME_START_FAILED', `server ${server}: Deployment ${id} disappeared while starting`, { server, id });
      const { status } = found.view;
      if (status.phase === 'ready') return found.view;
      if (status.phase === 'failed')
        throw new RuntimeError('RUNTIME_START_FAILED', `pod ${status.message}`, { server, id, ...(status.reason && { reason: status.reason }) });
      last = status.reason && !status.message.includes(status.reason) ? `${status.reason}: ${status.message}` : status.message;
      lastReason = status.reason;
      if (last !== told) {
        told = last;
        onWaiting?.({ message: last, ...(status.reason && { reason: status.reason }) });
      }
      if (Date.now() >= deadline) {
        throw new RuntimeError(
          'RUNTIME_NOT_READY',
          `Deployment ${id} was not available within ${Math.round((this.o.readyTimeoutMs ?? 300_000) / 1000)} s (${last})`,
          { server, id, ...(lastReason && { reason: lastReason }) },
        );
      }
      await this.sleep(signal);
    }
  }

  private async sleep(signal?: AbortSignal): Promise<void> {
    try {
      await delay(this.o.pollMs ?? 2000, undefined, { signal: signal ? AbortSignal.any([this.stop.signal, signal]) : this.stop.signal });
    } catch {
      // shutdown: the caller checks
    }
  }

  /** Deletes what carries our labels and the instance's name; Deployment first, so its pods go first. */
  private async deleteAll(id: string): Promise<void> {
    this.o.forwards?.close(id);
    const selector = instanceSelector(id);
    let deleted = 0;
    for (const kind of MANAGED_KINDS) {
      for (const obj of await this.api.list(kind, selector)) {
        const name = obj.metadata?.name;
        if (name !== id) continue;
        if (await this.api.remove(kind, name, obj.metadata?.uid)) deleted++;
      }
    }
    if (deleted > 0) this.logger.info({ id, server: this.tracked.get(id)?.server }, 'instance removed');
  }

  /** Best effort after a failed start: the objects must not linger. */
  private async discard(id: string): Promise<void> {
    try {
      await this.remove(id);
    } catch (err) {
      this.logger.warn(
        { id, err: err instanceof Error ? err.message : String(err) },
        'could not delete the objects of an instance that failed to start; they are pruned later',
      );
    }
  }

  private scrubbed(err: unknown, secretValues: readonly string[]): unknown {
    if (!isRuntimeError(err) || secretValues.length === 0) return err;
    const message = maskText(err.message, secretValues);
    return message === err.message ? err : new RuntimeError(err.code, message, err.data);
  }

  /** A status line with the instance's secret values masked (read from its Secret when adopted). */
  private async messageOf(id: string, message: string): Promise<string> {
    const t = this.tracked.get(id);
    if (t?.secretValues) return maskText(message, t.secretValues);
    const values = await readSecretValues(this.api, id, this.logger);
    if (t) t.secretValues = values;
    else this.tracked.set(id, { server: '', running: false, reported: false, secretValues: values });
    return maskText(message, values);
  }

  /** Reports, once, every instance that was seen running and now has failed or is gone. */
  private noticeExits(views: readonly InstanceView[]): void {
    const seen = new Set<string>();
    for (const { instance } of views) {
      seen.add(instance.id);
      let t = this.tracked.get(instance.id);
      if (!t) {
        t = { server: instance.labels.server, running: false, reported: false };
        this.tracked.set(instance.id, t);
      }
      t.server ||= instance.labels.server;
      if (t.starting) continue;
      if (instance.state === 'running') t.running = true;
      else if (t.running && !t.reported) this.report(instance.id, t, instance.message ?? 'exited');
    }
    for (const [id, t] of this.tracked) {
      if (!seen.has(id) && t.running && !t.reported && !t.starting && !this.removing.has(id)) this.report(id, t, 'was deleted out of band');
    }
  }

  private report(id: string, t: Tracked, message: string): void {
    t.reported = true;
    this.logger.warn({ id, server: t.server, message }, 'instance exited');
    this.exits.notify({ id, server: t.server, message });
  }

  private async poll(): Promise<void> {
    while (!this.stop.signal.aborted) {
      if (this.exits.size > 0 && (this.o.active?.() ?? true)) {
        try {
          await this.scan();
        } catch (err) {
          this.logger.debug({ err: err instanceof Error ? err.message : String(err) }, 'polling instances failed; retrying');
        }
      }
      await this.sleep();
    }
  }
}
