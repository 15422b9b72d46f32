// What a Deployment and its pods say about an instance, read without I/O: ready (the Deployment's
// status has caught up with its spec and every replica is available), starting (and why it waits),
// or failed, with a line that reads like the other runtimes' exit messages. The reconciler owns
// restarts (ADR 0003): a container that crashed once counts as failed even though the kubelet
// restarts it, so every runtime reports a crash the same way; unless the spec allows the kubelet
// some restarts (health.restartsAllowed, carried as a Deployment annotation): within them a crash
// loop waits (reason CrashLoopBackOff), past them it fails.
import type { V1ContainerStatus, V1ContainerStateTerminated, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { ANNOTATION_RESTARTS_ALLOWED } from './names.js';

/**
 * `reason` is the API server's word for why a pod waits or failed (`Unschedulable`,
 * `ImagePullBackOff`, `ErrImagePull`, `CrashLoopBackOff`, `CreateContainerConfigError`, ...), as
 * kubectl shows it; absent when there is none.
 */
export type InstanceStatus =
  { phase: 'ready' } | { phase: 'starting'; message: string; reason?: string } | { phase: 'failed'; message: string; reason?: string };

interface Why {
  message: string;
  reason?: string;
}

/** Container waiting reasons after which the pod will not get going without a change. */
const FAILED_WAITING = new Set([
  'CrashLoopBackOff',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreStartHookError',
  'PostStartHookError',
]);

const MAX_LINE = 300;

/** The last non-empty line of a termination message (the container's log tail). */
export function lastLine(text: string | undefined): string | undefined {
  const line = (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .pop();
  return line === undefined ? undefined : line.slice(0, MAX_LINE);
}

export function terminatedLine(t: V1ContainerStateTerminated): string {
  const tail = lastLine(t.message);
  const why = t.reason && t.reason !== 'Error' && t.reason !== 'Completed' ? ` (${t.reason})` : '';
  return `exited with code ${t.exitCode}${why}${tail ? `: ${tail}` : ''}`;
}

/** The kubelet restarts of a container the spec allows (0 unless the Deployment says otherwise). */
export function restartsAllowed(d: V1Deployment): number {
  const n = Number(d.metadata?.annotations?.[ANNOTATION_RESTARTS_ALLOWED] ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** The crash that put the container down now (terminated, or waiting for its restart after one). */
function crashed(cs: V1ContainerStatus): V1ContainerStateTerminated | undefined {
  return cs.state?.terminated ?? (cs.state?.waiting?.reason === 'CrashLoopBackOff' ? cs.lastState?.terminated : undefined);
}

/** The kubelet restarted it, or will, no more often than allowed (the restart a crash now needs counts). */
function withinAllowance(cs: V1ContainerStatus, allowed: number): boolean {
  return allowed > 0 && cs.restartCount + (crashed(cs) ? 1 : 0) <= allowed;
}

/** A crash loop still within the allowance: the start waits for the kubelet's restart. */
function tolerated(cs: V1ContainerStatus, allowed: number): Why | undefined {
  const down = crashed(cs);
  if (!down || !withinAllowance(cs, allowed)) return undefined;
  return { message: `restarted ${cs.restartCount} of ${allowed} allowed time${allowed === 1 ? '' : 's'}: ${terminatedLine(down)}`, reason: 'CrashLoopBackOff' };
}

function containerFailure(cs: V1ContainerStatus, allowed: number): Why | undefined {
  const w = cs.state?.waiting;
  const waitingReason = w?.reason && FAILED_WAITING.has(w.reason) ? w.reason : undefined;
  // the allowance is for crashes only: an image that cannot be pulled fails however many are allowed
  if ((waitingReason === undefined || waitingReason === 'CrashLoopBackOff') && withinAllowance(cs, allowed)) return undefined;
  const terminated = cs.state?.terminated ?? (cs.restartCount > 0 ? cs.lastState?.terminated : undefined);
  if (terminated)
    return {
      message: terminatedLine(terminated),
      // restarted already: a crash loop past its allowance, whatever the last exit was
      reason:
        waitingReason ??
        (cs.restartCount > 0 ? 'CrashLoopBackOff' : undefined) ??
        (terminated.reason && terminated.reason !== 'Error' && terminated.reason !== 'Completed' ? terminated.reason : undefined) ??
        'Error',
    };
  if (waitingReason)
    return { message: `cannot start its container (${waitingReason})${w?.message ? `: ${w.message.slice(0, MAX_LINE)}` : ''}`, reason: waitingReason };
  if (cs.restartCount > allowed)
    return {
      message: `restarted ${cs.restartCount} time${cs.restartCount === 1 ? '' : 's'}${allowed > 0 ? ` (${allowed} allowed)` : ''}`,
      reason: 'CrashLoopBackOff',
    };
  return undefined;
}

function live(pods: readonly V1Pod[]): V1Pod[] {
  // evicted or finished pods are replaced by the ReplicaSet; terminating ones are on their way out
  return pods.filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded');
}

function podFailure(pod: V1Pod, allowed: number): Why | undefined {
  for (const cs of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const f = containerFailure(cs, allowed);
    if (f) return f;
  }
  return undefined;
}

function deploymentFailure(d: V1Deployment): string | undefined {
  for (const c of d.status?.conditions ?? []) {
    if (c.type === 'ReplicaFailure' && c.status === 'True') return `cannot create its pod: ${c.message ?? c.reason ?? 'replica failure'}`;
    if (c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded')
      return `did not become available: ${c.message ?? 'progress deadline exceeded'}`;
  }
  return undefined;
}

export function isDeploymentReady(d: V1Deployment): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status;
  if (!s) return false;
  return (
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
    (s.updatedReplicas ?? 0) >= want &&
    (s.availableReplicas ?? 0) >= want &&
    (s.readyReplicas ?? 0) >= want
  );
}

function waitingReason(pods: readonly V1Pod[], allowed: number): Why {
  if (pods.length === 0) return { message: 'no pod yet' };
  for (const p of pods) {
    for (const cs of p.status?.containerStatuses ?? []) {
      const t = tolerated(cs, allowed);
      if (t) return t;
    }
    const unscheduled = p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    // Unschedulable waits: an autoscaler may add a node
    if (unscheduled)
      return { message: `pod not scheduled: ${unscheduled.message ?? unscheduled.reason ?? 'pending'}`, reason: unscheduled.reason ?? 'Unschedulable' };
    const w = p.status?.containerStatuses?.find((cs) => cs.state?.waiting)?.state?.waiting;
    if (w?.reason) return { message: `container ${w.reason}${w.message ? `: ${w.message.slice(0, MAX_LINE)}` : ''}`, reason: w.reason };
    const probe = p.spec?.containers[0]?.readinessProbe?.tcpSocket?.port;
    if (p.status?.containerStatuses?.some((cs) => cs.state?.running && !cs.ready) && probe !== undefined) {
      return {
        message: `container running, but nothing accepts connections on port ${String(probe)} of the pod yet (does the server listen on 0.0.0.0, not 127.0.0.1?)`,
      };
    }
  }
  return { message: 'waiting for the pod to be ready' };
}

export function instanceStatus(d: V1Deployment, pods: readonly V1Pod[]): InstanceStatus {
  const own = live(pods);
  const allowed = restartsAllowed(d);
  for (const p of own) {
    const f = podFailure(p, allowed);
    if (f) return { phase: 'failed', ...f };
  }
  const df = deploymentFailure(d);
  if (df) return { phase: 'failed', message: df };
  if (isDeploymentReady(d)) return { phase: 'ready' };
  return { phase: 'starting', ...waitingReason(own, allowed) };
}

/** A ready pod's name, for a port-forward. */
export function readyPod(pods: readonly V1Pod[]): string | undefined {
  return live(pods).find((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))?.metadata?.name;
}
