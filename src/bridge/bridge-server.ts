// stdio -> streamable HTTP in a pod (ADR 0006): one child process, and the gateway's shared upstream
// in front of it, so many HTTP sessions share the child's one stdio connection (the gateway numbers
// requests itself; notifications go to every session). Served on --path, /healthz beside it.
// When the child exits the bridge stops too, so the kubelet sees the crash (and its exit code).
import { writeFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { ExitListeners } from '../runtimes/exit-listeners.js';
import { createGateway, gatewayPath, registerGateway } from '../gateway/index.js';
import { HostPolicy } from '../hosts/host-check.js';
import { spawnChild, type ChildExit, type ChildOptions, type StdioChild } from './child.js';

export interface BridgeOptions extends ChildOptions {
  host: string;
  port: number;
  /** Where MCP is served (default /mcp). */
  path: string;
  /** Between SIGTERM and SIGKILL on stop (default 5 s). */
  graceMs?: number;
  /**
   * Where the child's last stderr line goes when it exits (Kubernetes' terminationMessagePath), so
   * the pod's termination message is the server's last words, not the bridge's own log line.
   */
  terminationLog?: string;
}

export interface Bridge {
  /** The bound address (port 0 resolves to the real one). */
  url: string;
  child: StdioChild;
  /** Resolves when the child has exited and the listener is closed. */
  done: Promise<ChildExit>;
  /** Stops the child and the listener. */
  close(): Promise<ChildExit>;
}

const NAME = 'stdio';

function mountPath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

function writeTerminationLog(o: BridgeOptions, line: string | undefined): void {
  if (!o.terminationLog || line === undefined) return;
  try {
    writeFileSync(o.terminationLog, `${line}\n`);
  } catch (err) {
    o.logger.debug({ path: o.terminationLog, err: err instanceof Error ? err.message : String(err) }, 'bridge: no termination log written');
  }
}

export async function startBridge(o: BridgeOptions): Promise<Bridge> {
  const child = spawnChild(o);
  const exits = new ExitListeners(o.logger);
  const gateway = createGateway({
    runtime: {
      connect: () => Promise.resolve(child.channel.attach()),
      onExit: (l) => exits.add(l),
    },
    logger: o.logger,
    clientInfo: { name: 'mcp-gitops-bridge', version: '1' },
    servers: () => ({ phase: 'Running', message: '' }),
    hosts: HostPolicy.open(), // reached by in-cluster names and port-forwards, never by a browser
  });
  gateway.setActive(NAME, { id: 'child', endpoint: { kind: 'stdio' } });
  const path = mountPath(o.path);
  const app: FastifyInstance = Fastify({
    logger: false,
    forceCloseConnections: true,
    rewriteUrl: (req) => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const pathname = q === -1 ? url : url.slice(0, q);
      return pathname === path ? `${gatewayPath(NAME)}${q === -1 ? '' : url.slice(q)}` : url;
    },
  });
  let alive = true;
  app.get('/healthz', async (_req, reply) => (alive ? { status: 'ok' } : reply.code(503).send({ status: 'child exited' })));
  registerGateway(app, gateway);
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (err) {
    await child.stop(0);
    throw err;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  o.logger.info({ command: o.command, pid: child.pid, listen: `${o.host}:${port}`, path }, 'bridge: serving the stdio server over streamable HTTP');
  const done = child.exited.then(async (exit) => {
    alive = false;
    writeTerminationLog(o, child.lastStderrLine());
    exits.notify({ id: 'child', server: NAME, message: exit.description });
    await app.close();
    return exit;
  });
  return {
    url: `http://${host}:${port}${path}`,
    child,
    done,
    async close() {
      await child.stop(o.graceMs ?? 5000);
      return done;
    },
  };
}
