// Where an instance answers MCP: the port and path inside its pod (the server's own, or the stdio
// bridge's), and the in-cluster URL of its Service. Every instance speaks HTTP on kubernetes.
import type { DesiredServer } from '../../spec/desired.js';
import { RuntimeError } from '../errors.js';

/** The stdio bridge's listener inside a pod (ADR 0006). */
export const BRIDGE_PORT = 8000;
export const BRIDGE_PATH = '/mcp';

export interface PodEndpoint {
  transport: 'streamable-http' | 'sse';
  port: number;
  path: string;
}

export function podEndpoint(spec: DesiredServer): PodEndpoint {
  if (spec.transport === 'stdio') return { transport: 'streamable-http', port: BRIDGE_PORT, path: BRIDGE_PATH };
  const port = spec.port;
  if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RuntimeError('RUNTIME_INVALID_SPEC', `server ${spec.name}: spec.port is required for transport ${spec.transport}`, { server: spec.name });
  }
  const path = spec.path ?? (spec.transport === 'sse' ? '/sse' : '/mcp');
  return { transport: spec.transport, port, path: path.startsWith('/') ? path : `/${path}` };
}

/** The Service's cluster DNS name: `<service>.<namespace>.svc`. */
export function serviceUrl(service: string, namespace: string, e: Pick<PodEndpoint, 'port' | 'path'>): string {
  return `http://${service}.${namespace}.svc:${e.port}${e.path}`;
}
