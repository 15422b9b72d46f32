// The API server's pods/<name>/portforward (websocket, v4.channel.k8s.io), played by connecting to
// a local port per pod: the first frame of each channel carries the port (2 bytes, little endian),
// channel 0 carries data both ways, channel 1 errors (e.g. nothing listens in the pod).
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

interface WsSocket {
  protocol: string;
  send(data: Buffer): void;
  close(): void;
  on(event: 'message', fn: (data: Buffer) => void): void;
  on(event: 'close', fn: () => void): void;
}
interface WsServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, cb: (ws: WsSocket) => void): void;
}
// `ws` comes with client-node; its types are not installed here
const { WebSocketServer } = createRequire(import.meta.url)('ws') as {
  WebSocketServer: new (o: { noServer: true; handleProtocols: (protocols: Set<string>) => string | false }) => WsServer;
};

const PATH = /^\/api\/v1\/namespaces\/([a-z0-9-]+)\/pods\/([a-z0-9.-]+)\/portforward$/;

function frame(channel: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), data]);
}

/** Serves port-forwards on `server`; `target(pod, port)` says where that pod's port is locally. */
/** An HTTP answer instead of the upgrade (RBAC denial, no node address), with a Status body. */
export interface Refusal {
  status: number;
  body: unknown;
}

export function servePortForward(
  server: Server,
  target: (pod: string, port: number) => number | undefined,
  onCall: (pod: string) => Refusal | undefined,
): void {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = PATH.exec(url.pathname);
    if (!m) {
      socket.destroy();
      return;
    }
    const pod = m[2];
    const port = Number(url.searchParams.get('ports'));
    const refusal = onCall(pod);
    if (refusal) {
      const body = JSON.stringify(refusal.body);
      socket.end(
        `HTTP/1.1 ${refusal.status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16LE(port);
      ws.send(frame(0, prefix));
      ws.send(frame(1, prefix));
      const local = target(pod, port);
      const tcp = connect(local ?? 1, '127.0.0.1');
      tcp.on('data', (d: Buffer) => ws.send(frame(0, d)));
      tcp.on('error', (err) => {
        ws.send(frame(1, Buffer.from(`error forwarding port ${port} to pod ${pod}: ${err.message}`)));
        ws.close();
      });
      tcp.on('close', () => ws.close());
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0 && data.length > 1) tcp.write(data.subarray(1));
      });
      ws.on('close', () => tcp.destroy());
    });
  });
}
