// The objects of one instance, computed from the rendered spec alone (no I/O): a Secret with the
// values that came from secrets or token variables (referenced by secretKeyRef, never inlined), a
// Deployment running the server (stdio servers behind the bridge), a Service in front of it. All
// three share one name and carry the labels of docs/reference/labels.md plus the instance label; the bodies are
// complete server-side apply documents (apiVersion, kind, metadata, only the fields we own).
import type { V1Deployment, V1EnvVar, V1Secret, V1Service } from '@kubernetes/client-node';
import { toLabelMap } from '../runtime.js';
import type { RenderedServer } from '../../spec/desired.js';
import { buildContainerInputs } from './container-inputs.js';
import { BRIDGE_PATH, BRIDGE_PORT, podEndpoint, serviceUrl, type PodEndpoint } from './endpoint.js';
import { RuntimeError } from '../errors.js';
import { ANNOTATION_PATH, ANNOTATION_PORT, ANNOTATION_RESTARTS_ALLOWED, ANNOTATION_TRANSPORT, ANNOTATION_VERSION, LABEL_INSTANCE } from './names.js';

export const CONTAINER_NAME = 'server';
export const PORT_NAME = 'mcp';

export interface InstanceObjectsOptions {
  /** The instance name (names.ts instanceName): shared by the three objects. */
  name: string;
  namespace: string;
  commit: string;
  /** How images start the stdio bridge (default ["mcp-gitops", "bridge"]). */
  bridgeCommand: readonly string[];
  /** Which replica of its server (spec.replicas; absent = 0): in its labels. Each replica is its own instance (ADR 0018). */
  replica?: number;
}

export interface InstanceObjects {
  name: string;
  labels: Record<string, string>;
  endpoint: PodEndpoint;
  /** The in-cluster URL of the Service. */
  url: string;
  /** Only when the server uses secret values. */
  secret?: V1Secret;
  deployment: V1Deployment;
  service: V1Service;
}

function secretObject(name: string, namespace: string, labels: Record<string, string>, data: Record<string, string>): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
  };
}

function deploymentObject(
  server: RenderedServer,
  o: InstanceObjectsOptions,
  labels: Record<string, string>,
  endpoint: PodEndpoint,
  env: V1EnvVar[],
  argv: { command?: string[]; args?: string[] },
): V1Deployment {
  const { spec, masked } = server;
  const annotations = {
    [ANNOTATION_VERSION]: masked.version,
    [ANNOTATION_TRANSPORT]: spec.transport,
    [ANNOTATION_PORT]: String(endpoint.port),
    [ANNOTATION_PATH]: endpoint.path,
    ...(spec.health.restartsAllowed && { [ANNOTATION_RESTARTS_ALLOWED]: String(spec.health.restartsAllowed) }),
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: o.name, namespace: o.namespace, labels, annotations },
    spec: {
      // one pod: each replica of spec.replicas is its own instance (own Deployment and Service), so
      // the gateway can keep a session on its pod and gate each one (ADR 0018)
      replicas: 1,
      // one Deployment per instance, never updated to another spec: a rollout is a new instance
      revisionHistoryLimit: 1,
      selector: { matchLabels: { [LABEL_INSTANCE]: o.name } },
      template: {
        metadata: { labels, annotations },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          containers: [
            {
              name: CONTAINER_NAME,
              image: spec.image,
              ...argv,
              env,
              ports: [{ name: PORT_NAME, containerPort: endpoint.port, protocol: 'TCP' }],
              readinessProbe: { tcpSocket: { port: endpoint.port }, periodSeconds: 2, failureThreshold: 3 },
              terminationMessagePolicy: 'FallbackToLogsOnError',
              securityContext: { allowPrivilegeEscalation: false },
            },
          ],
        },
      },
    },
  };
}

function serviceObject(o: InstanceObjectsOptions, labels: Record<string, string>, endpoint: PodEndpoint): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: o.name, namespace: o.namespace, labels },
    spec: {
      type: 'ClusterIP',
      selector: { [LABEL_INSTANCE]: o.name },
      ports: [{ name: PORT_NAME, port: endpoint.port, targetPort: PORT_NAME, protocol: 'TCP' }],
    },
  };
}

export function buildInstanceObjects(server: RenderedServer, o: InstanceObjectsOptions): InstanceObjects {
  const spec = server.spec;
  if (!spec.image) {
    throw new RuntimeError('RUNTIME_INVALID_SPEC', `server ${spec.name}: spec.image is required by the kubernetes runtime`, { server: spec.name });
  }
  const endpoint = podEndpoint(spec);
  const labels = {
    ...spec.labels,
    ...toLabelMap({ server: spec.name, commit: o.commit, specHash: server.specHash, ...(o.replica !== undefined && { replica: o.replica }) }),
    [LABEL_INSTANCE]: o.name,
  };
  const inputs = buildContainerInputs(server, o.name, { command: o.bridgeCommand, port: BRIDGE_PORT, path: BRIDGE_PATH });
  const hasSecret = Object.keys(inputs.secretData).length > 0;
  return {
    name: o.name,
    labels,
    endpoint,
    url: serviceUrl(o.name, o.namespace, endpoint),
    ...(hasSecret && { secret: secretObject(o.name, o.namespace, labels, inputs.secretData) }),
    deployment: deploymentObject(server, o, labels, endpoint, inputs.env, {
      ...(inputs.command && { command: inputs.command }),
      ...(inputs.args && { args: inputs.args }),
    }),
    service: serviceObject(o, labels, endpoint),
  };
}
