// Outside the cluster the daemon cannot resolve Service names: it reaches a pod through a local
// listener on 127.0.0.1 whose connections are port-forwarded (pods/portforward, websocket) to the
// pod's MCP port, as `kubectl port-forward` does. One listener per instance, kept until removal;
// a new pod (the old one was evicted) gets a new listener.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../logger.js';

/** What we use of the `ws` WebSocket that client-node returns (its types are not a dependency). */
interface MinimalSocket {
  on(event: 'close', listener: () => void): void;
  close(): void;
}

interface Forward {
  pod: string;
  server: Server;
  port: Promise<number>;
}

export class PortForwards {
  private readonly forwards = new Map<string, Forward>();
  private readonly client: PortForward;

  constructor(kubeConfig: KubeConfig, private readonly namespace: string, private readonly logger: Logger) {
    this.client = new PortForward(kubeConfig, true);
  }

  /** The local port that leads to `pod`:`targetPort` of instance `id`. */
  localPort(id: string, pod: string, targetPort: number): Promise<number> {
    const existing = this.forwards.get(id);
    if (existing?.pod === pod) return existing.port;
    if (existing) this.close(id);
    const server = createServer((socket) => this.forward(socket, pod, targetPort));
    const port = new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
    this.forwards.set(id, { pod, server, port });
    port.catch(() => this.forwards.delete(id));
    return port;
  }

  close(id: string): void {
    const f = this.forwards.get(id);
    if (!f) return;
    this.forwards.delete(id);
    f.server.close();
  }

  closeAll(): void {
    for (const id of [...this.forwards.keys()]) this.close(id);
  }

  private forward(socket: Socket, pod: string, targetPort: number): void {
    socket.on('error', () => socket.destroy());
    // the error channel: the kubelet could not connect to the port in the pod (it says why)
    const errors = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        if (chunk.length === 0) return done(); // the channel's opening frame (its port number only)
        this.logger.warn({ pod, port: targetPort, error: chunk.toString('utf8').slice(0, 300) }, 'port-forward: the pod refused the connection');
        socket.destroy();
        done();
      },
    });
    this.client.portForward(this.namespace, pod, [targetPort], socket, errors, socket).then((opened) => {
      if (typeof opened === 'function') return;
      const ws = opened as unknown as MinimalSocket;
      ws.on('close', () => socket.destroy());
      socket.on('close', () => ws.close());
    }, (err: unknown) => {
      this.logger.warn({ pod, err: err instanceof Error ? err.message : String(err) }, 'port-forward to the pod failed');
      socket.destroy();
    });
  }
}
