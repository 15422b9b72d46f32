// A small Kubernetes API server on 127.0.0.1 for the runtime's tests (no cluster here): the REST
// paths, server-side apply (PATCH application/apply-patch+yaml, fieldManager, create-on-apply),
// equality label selectors, deletes with uid preconditions, Status bodies for errors. The test plays
// the controllers: it sets Deployment status and pod states with the methods below. Every request
// is recorded, so tests can compare the calls made with the RBAC Role.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { servePortForward } from './fake-portforward.js';

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata: Record<string, unknown> & { name: string; labels?: Record<string, string>; uid?: string };
  [k: string]: unknown;
};

export interface RecordedCall {
  verb: 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';
  group: string;
  resource: string;
  name?: string;
  contentType?: string;
  query: Record<string, string>;
}

interface Failure {
  status: number;
  reason: string;
  message: string;
  causes?: { field: string; message: string }[];
  times: number;
}

const ROUTE = /^\/(?:api\/v1|apis\/([a-z0-9.-]+)\/v1)\/namespaces\/([a-z0-9-]+)\/([a-z]+)(?:\/([a-z0-9.-]+))?$/;
const KINDS: Record<string, string> = { deployments: 'Deployment', services: 'Service', secrets: 'Secret', pods: 'Pod', leases: 'Lease' };

export class FakeApiServer {
  readonly calls: RecordedCall[] = [];
  /** resource -> name -> object (one namespace is enough for the runtime). */
  private readonly store = new Map<string, Map<string, Obj>>();
  private readonly failures = new Map<string, Failure>();
  private server!: Server;
  private rv = 1;
  /** pod name -> the local port its MCP port is forwarded to (the test runs the server). */
  readonly podPorts = new Map<string, number>();
  port = 0;

  constructor(readonly namespace = 'tools') {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    servePortForward(
      this.server,
      (pod) => this.podPorts.get(pod),
      (pod) => {
        this.calls.push({ verb: 'create', group: '', resource: 'pods/portforward', name: pod, query: {} });
        const f = this.takeFailure('create', 'pods/portforward');
        return f && { status: f.status, body: statusBody(f) };
      },
    );
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Idempotent (a test may stop the API server before cleanup does). */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromClusterAndUser({ name: 'fake', server: `http://127.0.0.1:${this.port}`, skipTLSVerify: true }, { name: 'tester', token: 'test-token' });
    return kc;
  }

  /** The next `times` calls of `verb` on `resource` fail with this Status. */
  failNext(verb: RecordedCall['verb'], resource: string, f: Omit<Failure, 'times'> & { times?: number }): void {
    this.failures.set(`${verb} ${resource}`, { times: 1, ...f });
  }

  objects(resource: string): Obj[] {
    return [...(this.store.get(resource)?.values() ?? [])];
  }

  get(resource: string, name: string): Obj | undefined {
    return this.store.get(resource)?.get(name);
  }

  /** Deleted by someone else (kubectl delete), pods of a Deployment with it. */
  drop(resource: string, name: string): void {
    this.bucket(resource).delete(name);
    if (resource === 'deployments') this.dropPodsOf(name);
  }

  /** How many times `resource` was listed so far (each runtime poll lists pods once). */
  lists(resource: string): number {
    return this.calls.filter((c) => c.verb === 'list' && c.resource === resource).length;
  }

  /** An object created by someone else (kubectl, another tool). */
  put(resource: string, obj: Obj): Obj {
    const full = this.stamp(resource, obj, undefined);
    this.bucket(resource).set(full.metadata.name, full);
    return full;
  }

  /** Plays the Deployment controller and kubelet: a pod for the Deployment, in the given state. */
  setPod(deployment: string, state: 'ready' | 'pending' | { waiting: string; message?: string } | { crashed: number; log?: string; restarts?: number }): void {
    const d = this.get('deployments', deployment);
    if (!d) throw new Error(`no deployment ${deployment}`);
    const template = (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
    const name = podName(deployment);
    const ready = state === 'ready';
    const containerState = ready
      ? { running: { startedAt: new Date().toISOString() } }
      : state === 'pending'
        ? { waiting: { reason: 'ContainerCreating' } }
        : 'waiting' in state
          ? { waiting: { reason: state.waiting, message: state.message } }
          : { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' } };
    const lastState =
      typeof state === 'object' && 'crashed' in state ? { terminated: { exitCode: state.crashed, reason: 'Error', message: state.log ?? '' } } : {};
    const restarts = typeof state === 'object' && 'crashed' in state ? (state.restarts ?? 1) : 0;
    this.put('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: template.metadata.labels },
      status: {
        phase: ready ? 'Running' : 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: ready ? 'True' : 'False' },
        ],
        containerStatuses: [{ name: 'server', image: 'x', imageID: '', ready, restartCount: restarts, state: containerState, lastState }],
      },
    });
    d.status = ready
      ? { observedGeneration: d.metadata.generation, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 }
      : { observedGeneration: d.metadata.generation, replicas: 1, updatedReplicas: 1, unavailableReplicas: 1 };
  }

  /** Applies `fn` to every Deployment as soon as it exists (an automatic controller). */
  onDeployment(fn: ((name: string) => void) | undefined): void {
    this.deploymentHook = fn;
  }

  private deploymentHook: ((name: string) => void) | undefined;

  private bucket(resource: string): Map<string, Obj> {
    let b = this.store.get(resource);
    if (!b) {
      b = new Map();
      this.store.set(resource, b);
    }
    return b;
  }

  private stamp(resource: string, obj: Obj, prev: Obj | undefined): Obj {
    const specChanged = JSON.stringify(prev?.spec) !== JSON.stringify(obj.spec);
    return {
      ...prev,
      ...obj,
      apiVersion: obj.apiVersion ?? prev?.apiVersion,
      kind: KINDS[resource],
      metadata: {
        ...prev?.metadata,
        ...obj.metadata,
        namespace: this.namespace,
        uid: prev?.metadata.uid ?? randomUUID(),
        resourceVersion: String(this.rv++),
        creationTimestamp: prev?.metadata.creationTimestamp ?? obj.metadata.creationTimestamp ?? new Date().toISOString(),
        generation: ((prev?.metadata.generation as number | undefined) ?? 0) + (specChanged || !prev ? 1 : 0),
      },
      ...(prev?.status !== undefined && { status: prev.status }),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = ROUTE.exec(url.pathname);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    if (!m) return this.status(res, 404, 'NotFound', `the server could not find the requested resource ${url.pathname}`);
    const [, group = '', namespace, resource, name] = m;
    if (namespace !== this.namespace) {
      // as a real API server: a missing namespace lists as empty; anything else is 404 on the namespace
      if (req.method === 'GET' && !name)
        return this.json(res, 200, {
          kind: `${KINDS[resource]}List`,
          apiVersion: group ? `${group}/v1` : 'v1',
          metadata: { resourceVersion: String(this.rv) },
          items: [],
        });
      return this.status(res, 404, 'NotFound', `namespaces "${namespace}" not found`);
    }
    const verb =
      req.method === 'GET'
        ? name
          ? 'get'
          : url.searchParams.get('watch') === 'true'
            ? 'watch'
            : 'list'
        : req.method === 'PATCH'
          ? 'patch'
          : req.method === 'DELETE'
            ? 'delete'
            : req.method === 'PUT'
              ? 'update'
              : 'create';
    this.calls.push({
      verb,
      group,
      resource,
      ...(name && { name }),
      ...(req.headers['content-type'] && { contentType: req.headers['content-type'] }),
      query: Object.fromEntries(url.searchParams),
    });
    const f = this.takeFailure(verb, resource);
    if (f) return this.json(res, f.status, statusBody(f));
    const bucket = this.bucket(resource);
    if (verb === 'list') {
      const items = [...bucket.values()].filter((o) => matches(o.metadata.labels ?? {}, url.searchParams.get('labelSelector')));
      return this.json(res, 200, {
        kind: `${KINDS[resource]}List`,
        apiVersion: group ? `${group}/v1` : 'v1',
        metadata: { resourceVersion: String(this.rv) },
        items,
      });
    }
    const existing = name ? bucket.get(name) : undefined;
    if (verb === 'get') return existing ? this.json(res, 200, existing) : this.status(res, 404, 'NotFound', `${resource} "${name}" not found`);
    if (verb === 'patch') {
      if (req.headers['content-type'] !== 'application/apply-patch+yaml') return this.status(res, 415, 'UnsupportedMediaType', 'only server-side apply here');
      const obj = this.stamp(resource, body as Obj, existing);
      bucket.set(name, obj);
      if (!existing && resource === 'deployments') this.deploymentHook?.(name);
      return this.json(res, existing ? 200 : 201, bucket.get(name));
    }
    if (verb === 'create' || verb === 'update') {
      const obj = body as Obj;
      const n = obj.metadata.name;
      if (verb === 'create' && bucket.has(n)) return this.status(res, 409, 'AlreadyExists', `${resource} "${n}" already exists`);
      if (verb === 'update' && bucket.get(n)?.metadata.resourceVersion !== obj.metadata.resourceVersion) {
        return this.status(
          res,
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${resource} "${n}": the object has been modified; please apply your changes to the latest version and try again`,
        );
      }
      bucket.set(n, this.stamp(resource, obj, bucket.get(n)));
      return this.json(res, verb === 'create' ? 201 : 200, bucket.get(n));
    }
    // delete
    if (!existing) return this.status(res, 404, 'NotFound', `${resource} "${name}" not found`);
    const uid = (body as { preconditions?: { uid?: string } }).preconditions?.uid;
    if (uid && uid !== existing.metadata.uid)
      return this.status(res, 409, 'Conflict', `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${existing.metadata.uid}`);
    bucket.delete(name);
    if (resource === 'deployments') this.dropPodsOf(name);
    return this.json(res, 200, { kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name, kind: resource, uid: existing.metadata.uid } });
  }

  private takeFailure(verb: RecordedCall['verb'], resource: string): Failure | undefined {
    const f = this.failures.get(`${verb} ${resource}`);
    if (f && --f.times <= 0) this.failures.delete(`${verb} ${resource}`);
    return f;
  }

  private dropPodsOf(deployment: string): void {
    for (const [pn, p] of this.bucket('pods')) if (p.metadata.labels?.['mcp-gitops/instance'] === deployment) this.bucket('pods').delete(pn);
  }

  private json(res: ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    this.json(res, code, statusBody({ status: code, reason, message }));
  }
}

function statusBody(f: Pick<Failure, 'status' | 'reason' | 'message' | 'causes'>): unknown {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: f.message,
    reason: f.reason,
    code: f.status,
    ...(f.causes && { details: { causes: f.causes } }),
  };
}

/** The one pod the fake controller makes for a Deployment. */
export function podName(deployment: string): string {
  return `${deployment}-5d9f8-abcde`;
}

function matches(labels: Record<string, string>, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return labels[k] === v;
  });
}
