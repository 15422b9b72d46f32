// Which engine to talk to: a DOCKER_HOST value (unix:// socket or tcp:// address) becomes dockerode
// options. Read by the composition root and passed in; nothing here reads the environment.
import Dockerode from 'dockerode';
import { RuntimeError } from '../errors.js';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export type EngineAddress = { socketPath: string } | { host: string; port: number; protocol: 'http' };

export function parseDockerHost(value: string | undefined): EngineAddress {
  const raw = value === undefined || value.trim() === '' ? DEFAULT_DOCKER_HOST : value.trim();
  if (raw.startsWith('/')) return { socketPath: raw };
  if (raw.startsWith('unix://')) {
    const socketPath = raw.slice('unix://'.length);
    if (socketPath.startsWith('/')) return { socketPath };
  } else if (raw.startsWith('tcp://') || raw.startsWith('http://')) {
    const url = new URL(raw.replace(/^tcp:/, 'http:'));
    if (url.hostname) return { host: url.hostname, port: url.port ? Number(url.port) : 2375, protocol: 'http' };
  }
  throw new RuntimeError(
    'RUNTIME_INVALID_CONFIG',
    `DOCKER_HOST ${JSON.stringify(raw)} is not supported: use unix:///path/to/docker.sock or tcp://host:port (TLS and ssh are not supported)`,
  );
}

export function describeAddress(a: EngineAddress): string {
  return 'socketPath' in a ? `unix://${a.socketPath}` : `tcp://${a.host}:${a.port}`;
}

/** docker-modem merges its own DOCKER_HOST / TLS defaults under these options: every field is set here. */
export function createDockerClient(a: EngineAddress): Dockerode {
  return new Dockerode('socketPath' in a ? { socketPath: a.socketPath, protocol: 'http' } : { host: a.host, port: a.port, protocol: a.protocol });
}
