// Leader election on a coordination.k8s.io Lease, so two daemon replicas never reconcile at once.
// The client-go algorithm: every retry period the candidate reads the Lease; it takes it when it is
// free, or when its holder has not renewed it for leaseDurationSeconds *as observed on our own
// clock* (no trust in other hosts' clocks); it renews it while it holds it, with the resourceVersion
// (a concurrent writer gets 409 and loses). A leader that cannot renew within renewDeadline steps
// down. stop() releases the Lease so a standby takes over at once.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { KubeConfig, V1Lease } from '@kubernetes/client-node';
import { isRuntimeError } from '../errors.js';
import { createLeaseApi, type LeaseApi } from './lease-api.js';
import { silentLogger, type Logger } from '../logger.js';
import { resolveNamespace } from './namespace.js';

export const DEFAULT_LEASE_NAME = 'mcp-gitops-leader';

export interface LeaderElectionOptions {
  /** --namespace; default: the daemon's own, else `mcp-gitops`. */
  namespace?: string;
  kubeConfig?: KubeConfig;
  /** A ready Lease adapter (tests); otherwise built from kubeConfig. */
  api?: LeaseApi;
  leaseName?: string;
  /** Who we are in the Lease (default: hostname, which is the pod name, plus a random suffix). */
  identity?: string;
  leaseDurationSeconds?: number;
  renewDeadlineSeconds?: number;
  retryPeriodSeconds?: number;
  logger?: Logger;
  now?: () => number;
}

/**
 * Where this replica stands: leading; following a holder it saw renew; or unable to take part
 * (the Lease cannot be read or written: the API's error says why, e.g. a missing namespace or RBAC).
 */
export type LeaderState = { role: 'leader' } | { role: 'follower'; holder: string } | { role: 'candidate'; error?: RuntimeErrorLike };

export interface RuntimeErrorLike {
  code: string;
  message: string;
}

/** Why leadership ended: `stopped` (our own stop()), `renew-failed` (no renewal within the deadline), `taken`. */
export interface StepDown {
  reason: 'stopped' | 'renew-failed' | 'taken';
  message: string;
}

export interface LeaderElection {
  readonly identity: string;
  isLeader(): boolean;
  /** The holder we saw last (us, another replica, or undefined when free/unknown). */
  holder(): string | undefined;
  state(): LeaderState;
  /** Told on every change of leadership; `why` when it ends. */
  onChange(listener: (leading: boolean, why?: StepDown) => void): () => void;
  /** Starts campaigning (idempotent). */
  start(): void;
  /** Resolves once we lead (or rejects when stopped first). */
  acquired(): Promise<void>;
  /** Stops campaigning; a leader releases the Lease (unless `release: false`, as in a crash). */
  stop(o?: { release?: boolean }): Promise<void>;
}

/** RFC 3339 with microseconds, as the API server's MicroTime wants it. */
export function microTime(ms: number): Date {
  const d = new Date(ms);
  const text = d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  // client-node passes V1MicroTime through as is; JSON.stringify then calls toJSON
  return Object.assign(d, { toJSON: () => text });
}

export function createLeaderElection(o: LeaderElectionOptions): LeaderElection {
  const namespace = o.api?.namespace ?? resolveNamespace(o.namespace);
  if (!o.api && !o.kubeConfig) throw new Error('leader election needs a kubeConfig or an api');
  return new LeaseElection(o.api ?? createLeaseApi(o.kubeConfig!, namespace), o);
}

class LeaseElection implements LeaderElection {
  readonly identity: string;
  private readonly name: string;
  private readonly durationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly listeners = new Set<(leading: boolean, why?: StepDown) => void>();
  /** The last failed Lease call, until one succeeds. */
  private problem: RuntimeErrorLike | undefined;
  private readonly stopped = new AbortController();
  private loop: Promise<void> | undefined;
  private leading = false;
  private lastRenew = 0;
  private observed: { key: string; at: number } | undefined;
  private seenHolder: string | undefined;
  private lease: V1Lease | undefined;

  constructor(
    private readonly api: LeaseApi,
    o: LeaderElectionOptions,
  ) {
    this.identity = o.identity ?? `${hostname()}-${randomBytes(3).toString('hex')}`;
    this.name = o.leaseName ?? DEFAULT_LEASE_NAME;
    this.durationMs = (o.leaseDurationSeconds ?? 15) * 1000;
    this.renewDeadlineMs = (o.renewDeadlineSeconds ?? 10) * 1000;
    this.retryMs = (o.retryPeriodSeconds ?? 2) * 1000;
    if (this.renewDeadlineMs >= this.durationMs) throw new Error('leader election: renewDeadlineSeconds must be less than leaseDurationSeconds');
    this.logger = o.logger ?? silentLogger;
    this.now = o.now ?? Date.now;
  }

  isLeader(): boolean {
    return this.leading;
  }

  holder(): string | undefined {
    return this.seenHolder;
  }

  state(): LeaderState {
    if (this.leading) return { role: 'leader' };
    if (this.problem) return { role: 'candidate', error: this.problem };
    if (this.seenHolder && this.seenHolder !== this.identity) return { role: 'follower', holder: this.seenHolder };
    return { role: 'candidate' };
  }

  onChange(listener: (leading: boolean, why?: StepDown) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  start(): void {
    if (this.stopped.signal.aborted) throw new Error('leader election was stopped');
    this.loop ??= this.campaign();
  }

  acquired(): Promise<void> {
    if (this.leading) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const off = this.onChange((leading) => {
        if (!leading) return;
        off();
        this.stopped.signal.removeEventListener('abort', onStop);
        resolve();
      });
      const onStop = (): void => {
        off();
        reject(new Error('leader election stopped before this replica became the leader'));
      };
      this.stopped.signal.addEventListener('abort', onStop, { once: true });
    });
  }

  async stop(o: { release?: boolean } = {}): Promise<void> {
    this.stopped.abort();
    await this.loop;
    if (this.leading && o.release !== false) await this.release();
    this.setLeading(false, { reason: 'stopped', message: 'this replica is stopping' });
  }

  private async campaign(): Promise<void> {
    while (!this.stopped.signal.aborted) {
      let ok = false;
      try {
        ok = await this.tryAcquireOrRenew();
        if (this.problem) this.logger.info({ lease: this.name }, 'leader election: the Lease can be read and written again');
        this.problem = undefined;
      } catch (err) {
        const problem = isRuntimeError(err)
          ? { code: err.code, message: err.message }
          : { code: 'K8S_API_ERROR', message: err instanceof Error ? err.message : String(err) };
        // once per distinct error, not every retry period
        if (problem.message !== this.problem?.message)
          this.logger.warn({ lease: this.name, code: problem.code, err: problem.message }, 'leader election: cannot read or write the Lease');
        this.problem = problem;
      }
      if (this.stopped.signal.aborted) break;
      if (ok) this.lastRenew = this.now();
      if (ok !== this.leading && (ok || this.now() - this.lastRenew >= this.renewDeadlineMs)) this.setLeading(ok, ok ? undefined : this.stepDown());
      try {
        await delay(this.retryMs, undefined, { signal: this.stopped.signal });
      } catch {
        // stopped
      }
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.now();
    const lease = await this.api.get(this.name);
    if (!lease) return this.write(() => this.api.create(this.record(undefined, now)));
    const spec = lease.spec ?? {};
    const key = `${spec.holderIdentity ?? ''}|${String(spec.renewTime)}|${lease.metadata?.resourceVersion ?? ''}`;
    if (this.observed?.key !== key) this.observed = { key, at: now };
    const holder = spec.holderIdentity || undefined;
    this.seenHolder = holder;
    const durationMs = (spec.leaseDurationSeconds ?? this.durationMs / 1000) * 1000;
    if (holder !== undefined && holder !== this.identity && this.observed.at + durationMs > now) return false;
    if (holder !== this.identity) this.logger.info({ lease: this.name, previous: holder ?? null }, 'leader election: taking the Lease');
    return this.write(() => this.api.replace(this.record(lease, now)));
  }

  private record(prev: V1Lease | undefined, now: number): V1Lease {
    const spec = prev?.spec ?? {};
    const taking = spec.holderIdentity !== this.identity;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { ...prev?.metadata, name: this.name, namespace: this.api.namespace },
      spec: {
        holderIdentity: this.identity,
        leaseDurationSeconds: Math.round(this.durationMs / 1000) || 1,
        acquireTime: taking || !spec.acquireTime ? microTime(now) : spec.acquireTime,
        renewTime: microTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (taking && spec.holderIdentity ? 1 : 0),
      },
    };
  }

  /** A lost race (409) is a normal "not us"; other errors propagate. */
  private async write(fn: () => Promise<V1Lease>): Promise<boolean> {
    try {
      this.lease = await fn();
      this.seenHolder = this.identity;
      this.observed = undefined;
      return true;
    } catch (err) {
      if (isRuntimeError(err, 'K8S_CONFLICT')) return false;
      throw err;
    }
  }

  private async release(): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    try {
      await this.api.replace({
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(this.now()), acquireTime: microTime(this.now()) },
      });
      this.logger.info({ lease: this.name }, 'leader election: released the Lease');
    } catch (err) {
      this.logger.warn(
        { lease: this.name, err: err instanceof Error ? err.message : String(err) },
        'leader election: could not release the Lease; a standby takes over when it expires',
      );
    }
  }

  /** Why a leader that did not stop itself no longer leads. */
  private stepDown(): StepDown {
    const seconds = Math.round(this.renewDeadlineMs / 1000);
    if (this.problem)
      return {
        reason: 'renew-failed',
        message: `could not renew the Lease for ${seconds} s: the Kubernetes API failed (${this.problem.code}: ${this.problem.message})`,
      };
    const holder = this.seenHolder && this.seenHolder !== this.identity ? this.seenHolder : undefined;
    return holder
      ? { reason: 'taken', message: `replica ${holder} holds the Lease now` }
      : { reason: 'renew-failed', message: `could not renew the Lease for ${seconds} s` };
  }

  private setLeading(leading: boolean, why?: StepDown): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.logger.info(
      { lease: this.name, identity: this.identity, ...(why && { why: why.message }) },
      leading ? 'leader election: this replica leads' : 'leader election: this replica no longer leads',
    );
    for (const l of [...this.listeners]) l(leading, why);
  }
}
