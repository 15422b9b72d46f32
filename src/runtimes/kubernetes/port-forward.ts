// Outside the cluster the daemon cannot resolve Service names: it reaches a pod through a local
// listener on 127.0.0.1 whose connections are port-forwarded (pods/portforward, websocket) to the
// pod's MCP port, as `kubectl port-forward` does. One listener per instance, kept until removal;
// a new pod (the old one was evicted) gets a new listener. When the API server refuses the
// forward (403 on pods/portforward, 500 "no preferred addresses found") or the kubelet cannot
// reach the port, the local connection can only be closed; the typed cause is kept per instance
// so connect()'s transport reports it instead of "other side closed".
import { createRequire } from 'node:module';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';
// not re-exported by the package index; its constructor takes the socket factory we need
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import { RuntimeError } from '../errors.js';
import type { Logger } from '../logger.js';
import { mapApiError } from './api-error.js';

/** What we use of the `ws` WebSocket that client-node returns (its types are not a dependency). */
interface MinimalSocket {
  on(event: 'close', listener: () => void): void;
  on(event: 'unexpected-response', listener: (req: unknown, res: IncomingMessage) => void): void;
  close(): void;
  terminate(): void;
}
// the `ws` client-node itself uses (through isomorphic-ws)
const { WebSocket } = createRequire(import.meta.url)('ws') as { WebSocket: new (uri: string, protocols: string[], opts: object) => MinimalSocket };

const MAX_BODY = 4096;

interface Forward {
  pod: string;
  server: Server;
  port: Promise<number>;
}

export interface ForwardFailure {
  error: RuntimeError;
  /** Date.now() when it happened. */
  at: number;
}

export class PortForwards {
  private readonly forwards = new Map<string, Forward>();
  private readonly failures = new Map<string, ForwardFailure>();
  /** The last message logged per instance: a refusal repeated on every retry is logged once. */
  private readonly logged = new Map<string, string>();

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly namespace: string,
    private readonly logger: Logger,
  ) {}

  /** The local port that leads to `pod`:`targetPort` of instance `id`. */
  localPort(id: string, pod: string, targetPort: number): Promise<number> {
    const existing = this.forwards.get(id);
    if (existing?.pod === pod) return existing.port;
    if (existing) this.close(id);
    const server = createServer((socket) => this.forward(id, socket, pod, targetPort));
    const port = new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
    this.forwards.set(id, { pod, server, port });
    port.catch(() => this.forwards.delete(id));
    return port;
  }

  /** Why the last forward of instance `id` failed, if it failed at or after `since`. */
  failure(id: string, since: number): RuntimeError | undefined {
    const f = this.failures.get(id);
    return f && f.at >= since ? f.error : undefined;
  }

  close(id: string): void {
    this.failures.delete(id);
    this.logged.delete(id);
    const f = this.forwards.get(id);
    if (!f) return;
    this.forwards.delete(id);
    f.server.close();
  }

  closeAll(): void {
    for (const id of [...this.forwards.keys()]) this.close(id);
  }

  private fail(id: string, error: RuntimeError, pod: string): void {
    this.failures.set(id, { error, at: Date.now() });
    if (this.logged.get(id) === error.message) return;
    this.logged.set(id, error.message);
    this.logger.warn({ id, pod, code: error.code, err: error.message }, 'port-forward to the pod failed');
  }

  private forward(id: string, socket: Socket, pod: string, targetPort: number): void {
    socket.on('error', () => socket.destroy());
    const call = { verb: 'create', group: '', resource: 'pods/portforward', namespace: this.namespace, name: pod } as const;
    let refused: RuntimeError | undefined;
    // the API server's answer when it refuses the upgrade (ws would only say "Unexpected server response: 403")
    const factory = (uri: string, protocols: string[], opts: object): MinimalSocket => {
      const ws = new WebSocket(uri, protocols, opts);
      ws.on('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < MAX_BODY) chunks.push(c);
          size += c.length;
        });
        res.on('close', () => {
          refused = mapApiError({ code: res.statusCode, body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY) }, call);
          ws.terminate();
        });
      });
      return ws;
    };
    // the error channel: the kubelet could not connect to the port in the pod (it says why)
    const errors = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        if (chunk.length === 0) return done(); // the channel's opening frame (its port number only)
        const why = chunk.toString('utf8').slice(0, 300);
        this.fail(id, new RuntimeError('RUNTIME_NOT_READY', `port-forward to port ${targetPort} of pod ${pod}: ${why}`, { id, pod, port: targetPort }), pod);
        socket.destroy();
        done();
      },
    });
    const client = new PortForward(this.kubeConfig, true, new WebSocketHandler(this.kubeConfig, factory));
    client.portForward(this.namespace, pod, [targetPort], socket, errors, socket).then(
      (opened) => {
        if (typeof opened === 'function') return;
        const ws = opened as unknown as MinimalSocket;
        ws.on('close', () => socket.destroy());
        socket.on('close', () => ws.close());
      },
      (err: unknown) => {
        this.fail(id, refused ?? mapApiError(socketError(err), call), pod);
        socket.destroy();
      },
    );
  }
}

/** ws rejects with an ErrorEvent (not an Error): its `error` is the real one. */
function socketError(err: unknown): unknown {
  if (err instanceof Error) return err;
  const inner = (err as { error?: unknown } | null)?.error;
  if (inner instanceof Error) return inner;
  const message = (err as { message?: unknown } | null)?.message;
  return new Error(typeof message === 'string' && message !== '' ? message : 'the websocket to the API server failed');
}
