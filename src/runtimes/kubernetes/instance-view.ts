// A Deployment of ours (and its pods) read back as a runtime Instance, without I/O: everything
// comes from the object itself (labels, endpoint annotations, status), so a restarted daemon
// adopts its instances by label alone.
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { fromLabelMap, type Instance, type InstanceEndpoint, type InstanceLabels } from '../runtime.js';
import { serviceUrl } from './endpoint.js';
import { instanceStatus, type InstanceStatus } from './instance-status.js';
import { ANNOTATION_PATH, ANNOTATION_PORT, ANNOTATION_TRANSPORT, isInstanceName, LABEL_INSTANCE } from './names.js';

export interface InstanceView {
  instance: Instance;
  status: InstanceStatus;
  /** The MCP port inside the pod. */
  port: number;
}

/** Ours, by label and name; null for anything else (never touched). */
export function ownInstance(d: V1Deployment): { id: string; labels: InstanceLabels } | null {
  const name = d.metadata?.name;
  const labels = fromLabelMap(d.metadata?.labels ?? {});
  if (!name || !labels || !isInstanceName(name) || d.metadata?.labels?.[LABEL_INSTANCE] !== name) return null;
  return { id: name, labels };
}

function endpointOf(d: V1Deployment, namespace: string): { endpoint: InstanceEndpoint; port: number } | null {
  const a = d.metadata?.annotations ?? {};
  const port = Number(a[ANNOTATION_PORT]);
  const path = a[ANNOTATION_PATH];
  const own = a[ANNOTATION_TRANSPORT];
  if (!Number.isInteger(port) || port < 1 || port > 65535 || !path?.startsWith('/')) return null;
  const transport = own === 'sse' ? 'sse' : own === 'streamable-http' || own === 'stdio' ? 'streamable-http' : null;
  if (!transport) return null;
  return { endpoint: { kind: 'http', transport, url: serviceUrl(d.metadata!.name!, namespace, { port, path }) }, port };
}

function startedAt(d: V1Deployment): string {
  const t = d.metadata?.creationTimestamp;
  return (t ? new Date(t) : new Date(0)).toISOString();
}

/** Pods grouped by the instance label. */
export function podsByInstance(pods: readonly V1Pod[]): Map<string, V1Pod[]> {
  const m = new Map<string, V1Pod[]>();
  for (const p of pods) {
    const id = p.metadata?.labels?.[LABEL_INSTANCE];
    if (id) m.set(id, [...(m.get(id) ?? []), p]);
  }
  return m;
}

export function viewInstance(d: V1Deployment, pods: readonly V1Pod[], namespace: string): InstanceView | null {
  const own = ownInstance(d);
  if (!own) return null;
  const ep = endpointOf(d, namespace);
  const base = { id: own.id, labels: own.labels, startedAt: startedAt(d) };
  if (!ep) {
    const message = 'carries no endpoint annotations (not created by this runtime?)';
    return { instance: { ...base, state: 'exited', endpoint: { kind: 'stdio' }, message }, status: { phase: 'failed', message }, port: 0 };
  }
  const status = instanceStatus(d, pods);
  const instance: Instance =
    status.phase === 'failed'
      ? { ...base, state: 'exited', endpoint: ep.endpoint, message: status.message }
      : { ...base, state: 'running', endpoint: ep.endpoint };
  return { instance, status, port: ep.port };
}
