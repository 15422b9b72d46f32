// What to ask the engine for, computed from the rendered spec alone (no I/O): the container's name,
// labels, endpoint and create options. `command` replaces the image's entrypoint and `args` its cmd,
// as in Kubernetes; host networking (the port is the host's, reached on 127.0.0.1); restart policy
// "no", since the reconciler owns restarts and their backoff.
import type Dockerode from 'dockerode';
import { toLabelMap, type InstanceEndpoint, type StartContext } from '../runtime.js';
import type { DesiredServer, RenderedServer } from '../../spec/desired.js';
import { RuntimeError } from '../errors.js';
import { endpointLabels, LABEL_SCOPE, LABEL_SECRET_ENV, secretEnvKeys } from './labels.js';

export const NAME_PREFIX = 'mcp-gitops-';

export interface PlanOptions {
  /** Makes the name unique per instance (random hex, e.g. 10 chars). */
  suffix: string;
  scope?: string;
  /** Run an init process as PID 1 (docker-init), so SIGTERM stops a server that installs no handler. */
  init: boolean;
  logConfig: { Type: string; Config: Record<string, string> };
}

export interface ContainerPlan {
  name: string;
  image: string;
  endpoint: InstanceEndpoint;
  labels: Record<string, string>;
  create: Dockerode.ContainerCreateOptions;
}

export function planContainer(server: RenderedServer, ctx: StartContext, o: PlanOptions): ContainerPlan {
  const spec = server.spec;
  const image = requireImage(spec);
  const endpoint = endpointFor(spec);
  const secretKeys = secretEnvKeys(spec.env, server.secretValues);
  const labels = {
    ...toLabelMap({ server: spec.name, commit: ctx.commit, specHash: server.specHash, ...(ctx.replica !== undefined && { replica: ctx.replica }) }),
    ...endpointLabels(endpoint),
    ...(o.scope === undefined ? {} : { [LABEL_SCOPE]: o.scope }),
    ...(secretKeys.length > 0 ? { [LABEL_SECRET_ENV]: secretKeys.join(',') } : {}),
  };
  const stdio = endpoint.kind === 'stdio';
  const name = `${NAME_PREFIX}${spec.name}-${ctx.replica ? `r${ctx.replica}-` : ''}${o.suffix}`;
  return {
    name,
    image,
    endpoint,
    labels,
    create: {
      name,
      Image: image,
      // An entrypoint given here drops the image's cmd too (the engine's rule), as `command` does in Kubernetes.
      ...(spec.command ? { Entrypoint: [spec.command] } : {}),
      ...(spec.command || spec.args.length > 0 ? { Cmd: [...spec.args] } : {}),
      Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
      Labels: labels,
      Tty: false,
      // stdio: the daemon speaks JSON-RPC on the container's stdin/stdout. StdinOnce=false keeps stdin
      // open when an attachment ends, so a restarted daemon can attach again.
      OpenStdin: stdio,
      StdinOnce: false,
      AttachStdin: stdio,
      AttachStdout: stdio,
      AttachStderr: stdio,
      HostConfig: {
        NetworkMode: 'host',
        RestartPolicy: { Name: 'no' },
        Init: o.init,
        LogConfig: o.logConfig,
      },
    },
  };
}

function requireImage(spec: DesiredServer): string {
  if (!spec.image) {
    throw new RuntimeError('RUNTIME_INVALID_SPEC', `server ${spec.name}: spec.image is required by the docker runtime`, { server: spec.name });
  }
  return spec.image;
}

/** Host networking: an http server's port is the host's, and the daemon reaches it on loopback. */
export function endpointFor(spec: DesiredServer): InstanceEndpoint {
  if (spec.transport === 'stdio') return { kind: 'stdio' };
  const port = spec.port;
  if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RuntimeError('RUNTIME_INVALID_SPEC', `server ${spec.name}: spec.port is required for transport ${spec.transport}`, { server: spec.name });
  }
  const path = spec.path ?? (spec.transport === 'sse' ? '/sse' : '/mcp');
  return { kind: 'http', transport: spec.transport, url: `http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}` };
}
