// The one interface every runtime (process, docker, kubernetes) implements.
// Runtimes only do what they are told and report what they see; supervision, backoff,
// waves and reverts live in the reconciler so that every runtime behaves the same.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Reason } from '../reasons/reasons.js';
import type { RenderedServer } from '../spec/desired.js';
import type { RuntimeCapabilities } from './capabilities.js';

/** The labels of docs/reference/labels.md, as carried by every object a runtime creates. */
export interface InstanceLabels {
  server: string;
  commit: string;
  specHash: string;
  /** Which replica of its server (spec.replicas); absent on replica 0 (and on instances from before replicas). */
  replica?: number;
}

export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_MANAGED_BY_VALUE = 'mcp-gitops';
export const LABEL_SERVER = 'mcp-gitops/server';
export const LABEL_COMMIT = 'mcp-gitops/commit';
export const LABEL_SPEC_HASH = 'mcp-gitops/spec-hash';
export const LABEL_REPLICA = 'mcp-gitops/replica';

export function toLabelMap(l: InstanceLabels): Record<string, string> {
  return {
    [LABEL_MANAGED_BY]: LABEL_MANAGED_BY_VALUE,
    [LABEL_SERVER]: l.server,
    [LABEL_COMMIT]: l.commit,
    [LABEL_SPEC_HASH]: l.specHash,
    ...(l.replica !== undefined && l.replica > 0 && { [LABEL_REPLICA]: String(l.replica) }),
  };
}

/** Reads our labels back; null when the object is not ours (never touch those). */
export function fromLabelMap(m: Record<string, string | undefined>): InstanceLabels | null {
  if (m[LABEL_MANAGED_BY] !== LABEL_MANAGED_BY_VALUE) return null;
  const server = m[LABEL_SERVER],
    commit = m[LABEL_COMMIT],
    specHash = m[LABEL_SPEC_HASH];
  if (!server || !commit || !specHash) return null;
  const replica = Number(m[LABEL_REPLICA] ?? '0');
  return { server, commit, specHash, ...(Number.isInteger(replica) && replica > 0 && { replica }) };
}

export type InstanceEndpoint =
  | { kind: 'stdio' }
  | { kind: 'http'; transport: 'streamable-http' | 'sse'; url: string }
  /** A remote server (spec.url): reached only through connect(), which adds its headers. */
  | { kind: 'remote' };

export type InstanceState = 'running' | 'exited';

export interface Instance {
  /** Runtime-unique id (process: record id; docker: container id). */
  id: string;
  labels: InstanceLabels;
  state: InstanceState;
  /** ISO time the instance was started. */
  startedAt: string;
  endpoint: InstanceEndpoint;
  /** For exited instances: why (exit code / signal / engine message). Secret-free. */
  message?: string;
}

export interface StartContext {
  /** Commit the server spec comes from. */
  commit: string;
  /** Directory holding the commit's --path tree; relative `cwd` resolves against it. */
  workdir: string;
  /**
   * Aborted when the start is no longer wanted (a newer commit, shutdown): a runtime that waits for
   * readiness stops waiting, removes what it created and rejects.
   */
  signal?: AbortSignal;
  /**
   * Told what the start waits for, when that changes (kubernetes: `Unschedulable`, `ImagePullBackOff`,
   * ... with the pod's message), so /status can show it before the start ends.
   */
  onWaiting?: (w: { message: string; reason?: string }) => void;
  /** Which replica of its server this instance is (spec.replicas; absent = 0): carried in its labels. */
  replica?: number;
}

export interface ExitInfo {
  id: string;
  server: string;
  message: string;
  /** The status reason when it is not a plain crash (a remote found unreachable: RemoteUnreachable). */
  reason?: Extract<Reason, 'RemoteUnreachable'>;
}

export interface Runtime {
  /** What this runtime can do; callers read these, never which runtime it is. */
  readonly capabilities: RuntimeCapabilities;
  /** Everything this runtime manages (carries our managed-by label), running or exited. */
  observe(): Promise<Instance[]>;
  /** Starts a new instance beside any others; resolves once it is launched (not yet healthy). */
  start(server: RenderedServer, ctx: StartContext): Promise<Instance>;
  /** Stops and forgets an instance; idempotent (unknown id is fine). */
  remove(id: string): Promise<void>;
  /** A fresh MCP client transport to the instance (stdio: over the pipes the daemon owns). */
  connect(id: string): Promise<Transport>;
  /** Called as soon as an instance stops on its own (so gates can fail at once). */
  onExit(listener: (info: ExitInfo) => void): () => void;
  /** Daemon shutdown: what a graceful stop means for this runtime (process: stop children). */
  shutdown(): Promise<void>;
}
