// Instance status from a Deployment and its pods, on plain data: ready, starting (and why), failed
// (and the line it reads as).
import { describe, expect, it } from 'vitest';
import type { V1ContainerStatus, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { instanceStatus, lastLine, type InstanceStatus } from '../../../src/runtimes/kubernetes/instance-status.js';

const deployment = (status: V1Deployment['status'] = {}, generation = 1): V1Deployment => ({
  metadata: { name: 'mcp-x-00000001', generation },
  spec: { replicas: 1, selector: {}, template: {} },
  status,
});
/** A Deployment whose spec allows the kubelet `n` restarts (health.restartsAllowed). */
const allowing = (n: number): V1Deployment => {
  const d = deployment();
  return { ...d, metadata: { ...d.metadata, annotations: { 'mcp-gitops/restarts-allowed': String(n) } } };
};
const LOOPING = (restartCount: number): Partial<V1ContainerStatus> => ({
  restartCount,
  state: { waiting: { reason: 'CrashLoopBackOff' } },
  lastState: { terminated: { exitCode: 2, reason: 'Error', message: 'fatal: bad config' } },
});
const READY = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 };

function pod(
  cs: Partial<V1ContainerStatus>,
  extra: { phase?: string; deleting?: boolean; unscheduled?: string; init?: Partial<V1ContainerStatus> } = {},
): V1Pod {
  const status = (c: Partial<V1ContainerStatus>): V1ContainerStatus => ({ name: 'server', image: 'i', imageID: '', ready: false, restartCount: 0, ...c });
  return {
    metadata: { name: 'p', ...(extra.deleting && { deletionTimestamp: new Date() }) },
    spec: { containers: [{ name: 'server', readinessProbe: { tcpSocket: { port: 3001 } } }] },
    status: {
      phase: extra.phase ?? 'Running',
      conditions: extra.unscheduled ? [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: extra.unscheduled }] : [],
      containerStatuses: [status(cs)],
      ...(extra.init && { initContainerStatuses: [status(extra.init)] }),
    },
  };
}

describe('instanceStatus', () => {
  it.each<{ title: string; d: V1Deployment; pods: V1Pod[]; want: InstanceStatus }>([
    { title: 'available: ready', d: deployment(READY), pods: [pod({ ready: true, state: { running: {} } })], want: { phase: 'ready' } },
    {
      title: 'status of an older generation: not ready yet',
      d: deployment(READY, 2),
      pods: [pod({ ready: true, state: { running: {} } })],
      want: { phase: 'starting', message: 'waiting for the pod to be ready' },
    },
    { title: 'no pod yet', d: deployment(), pods: [], want: { phase: 'starting', message: 'no pod yet' } },
    {
      title: 'pulling',
      d: deployment(),
      pods: [pod({ state: { waiting: { reason: 'ContainerCreating' } } })],
      want: { phase: 'starting', message: 'container ContainerCreating', reason: 'ContainerCreating' },
    },
    {
      title: 'unschedulable',
      d: deployment(),
      pods: [pod({}, { phase: 'Pending', unscheduled: '0/3 nodes are available: insufficient memory' })],
      want: { phase: 'starting', message: 'pod not scheduled: 0/3 nodes are available: insufficient memory', reason: 'Unschedulable' },
    },
    {
      title: 'running but the probe cannot connect',
      d: deployment(),
      pods: [pod({ state: { running: {} } })],
      want: {
        phase: 'starting',
        message: 'container running, but nothing accepts connections on port 3001 of the pod yet (does the server listen on 0.0.0.0, not 127.0.0.1?)',
      },
    },
    {
      title: 'crash loop: the last termination',
      d: deployment(),
      pods: [
        pod({
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 2, reason: 'Error', message: 'a\nfatal: bad config\n\n' } },
        }),
      ],
      want: { phase: 'failed', message: 'exited with code 2: fatal: bad config', reason: 'CrashLoopBackOff' },
    },
    {
      title: 'terminated now, OOM',
      d: deployment(),
      pods: [pod({ state: { terminated: { exitCode: 137, reason: 'OOMKilled' } } })],
      want: { phase: 'failed', message: 'exited with code 137 (OOMKilled)', reason: 'OOMKilled' },
    },
    {
      title: 'restarted once and running again: still a crash',
      d: deployment(READY),
      pods: [pod({ ready: true, restartCount: 1, state: { running: {} } })],
      want: { phase: 'failed', message: 'restarted 1 time', reason: 'CrashLoopBackOff' },
    },
    {
      title: 'health.restartsAllowed 3, restarted twice, in back-off: waits, saying so',
      d: allowing(3),
      pods: [pod(LOOPING(2))],
      want: { phase: 'starting', message: 'restarted 2 of 3 allowed times: exited with code 2: fatal: bad config', reason: 'CrashLoopBackOff' },
    },
    {
      title: 'health.restartsAllowed 3, restarted three times, in back-off: the fourth restart is one too many',
      d: allowing(3),
      pods: [pod(LOOPING(3))],
      want: { phase: 'failed', message: 'exited with code 2: fatal: bad config', reason: 'CrashLoopBackOff' },
    },
    {
      title: 'health.restartsAllowed 1, crashed now, never restarted: waits for its restart',
      d: allowing(1),
      pods: [pod({ state: { terminated: { exitCode: 1, message: 'boom' } } })],
      want: { phase: 'starting', message: 'restarted 0 of 1 allowed time: exited with code 1: boom', reason: 'CrashLoopBackOff' },
    },
    {
      title: 'health.restartsAllowed 2, restarted twice and running, ready: ready',
      d: { ...allowing(2), status: READY },
      pods: [pod({ ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { exitCode: 1 } } })],
      want: { phase: 'ready' },
    },
    {
      title: 'health.restartsAllowed 2, restarted three times and running: failed',
      d: { ...allowing(2), status: READY },
      pods: [pod({ ready: true, restartCount: 3, state: { running: {} } })],
      want: { phase: 'failed', message: 'restarted 3 times (2 allowed)', reason: 'CrashLoopBackOff' },
    },
    {
      title: 'health.restartsAllowed does not excuse an image that cannot be pulled',
      d: allowing(5),
      pods: [pod({ state: { waiting: { reason: 'ImagePullBackOff', message: 'not found' } } })],
      want: { phase: 'failed', message: 'cannot start its container (ImagePullBackOff): not found', reason: 'ImagePullBackOff' },
    },
    {
      title: 'image pull',
      d: deployment(),
      pods: [pod({ state: { waiting: { reason: 'ErrImagePull', message: 'not found' } } })],
      want: { phase: 'failed', message: 'cannot start its container (ErrImagePull): not found', reason: 'ErrImagePull' },
    },
    {
      title: 'missing Secret key',
      d: deployment(),
      pods: [pod({ state: { waiting: { reason: 'CreateContainerConfigError', message: "couldn't find key K in Secret" } } })],
      want: {
        phase: 'failed',
        message: "cannot start its container (CreateContainerConfigError): couldn't find key K in Secret",
        reason: 'CreateContainerConfigError',
      },
    },
    {
      title: 'init container failed',
      d: deployment(),
      pods: [pod({}, { init: { state: { terminated: { exitCode: 1, message: 'init boom' } } } })],
      want: { phase: 'failed', message: 'exited with code 1: init boom', reason: 'Error' },
    },
    {
      title: 'evicted and terminating pods are ignored',
      d: deployment(READY),
      pods: [
        pod({ state: { terminated: { exitCode: 137 } } }, { phase: 'Failed' }),
        pod({ state: { terminated: { exitCode: 1 } } }, { deleting: true }),
        pod({ ready: true, state: { running: {} } }),
      ],
      want: { phase: 'ready' },
    },
    {
      title: 'quota refused the pod',
      d: deployment({ conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "x" is forbidden: exceeded quota' }] }),
      pods: [],
      want: { phase: 'failed', message: 'cannot create its pod: pods "x" is forbidden: exceeded quota' },
    },
    {
      title: 'progress deadline',
      d: deployment({
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "x" has timed out progressing.' }],
      }),
      pods: [],
      want: { phase: 'failed', message: 'did not become available: ReplicaSet "x" has timed out progressing.' },
    },
  ])('$title', ({ d, pods, want }) => {
    expect(instanceStatus(d, pods)).toEqual(want);
  });

  it('lastLine keeps the last non-empty line, capped', () => {
    expect(lastLine('one\ntwo  \n\n')).toBe('two');
    expect(lastLine(undefined)).toBeUndefined();
    expect(lastLine('x'.repeat(1000))).toHaveLength(300);
  });
});
