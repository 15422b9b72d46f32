// A git remote whose faults a test switches: a fixed 127.0.0.1 address in front of git http-backend
// (ServedRepo) that can go down (connection refused), revoke the token (401 for every request), fail
// on its side (500), or forward again, without the daemon's --repo URL ever changing.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { GitRepo } from '../../e2e/helpers/git-repo.js';
import { ServedRepo } from '../../e2e/helpers/served-repo.js';
import { freePort } from '../../runtimes/process/helpers/system.js';

/** 'hang-mid-fetch': the ref advertisement goes through; the pack (POST git-upload-pack) sends its status, headers and part of its body, then nothing. */
export type RemoteMode = 'up' | 'down' | 'unauthorized' | 'server-error' | 'hang-mid-fetch';

export class FaultyRemote {
  mode: RemoteMode = 'up';
  /** Requests that reached the front (also while faulty). */
  requests = 0;
  private server: Server | undefined;

  private constructor(
    readonly served: ServedRepo,
    private readonly port: number,
  ) {}

  static async start(repo: GitRepo, root: string): Promise<FaultyRemote> {
    const served = await ServedRepo.start(repo, root);
    // below the ephemeral range: it listens on this port again after each 'down'
    const remote = new FaultyRemote(served, await freePort());
    await remote.listen();
    return remote;
  }

  /** The URL the daemon follows: same host and port whatever the mode. */
  get url(): string {
    return `http://127.0.0.1:${this.port}${new URL(this.served.url).pathname}`;
  }

  /** 'down' closes the listener (ECONNREFUSED); any other mode listens again on the same port. */
  async set(mode: RemoteMode): Promise<void> {
    this.mode = mode;
    if (mode === 'down') await this.close();
    else if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }

  private listen(): Promise<void> {
    const s = createServer((req, res) => this.handle(req, res));
    s.keepAliveTimeout = 500;
    this.server = s;
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests++;
    if (this.mode === 'unauthorized') {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' }).end('token revoked\n');
      return;
    }
    if (this.mode === 'server-error') {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error\n');
      return;
    }
    const target = new URL(this.served.url);
    const hang = this.mode === 'hang-mid-fetch' && req.method === 'POST';
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      if (!hang) {
        up.pipe(res);
        return;
      }
      // the first chunk goes through, then nothing: the connection stays open until the client gives up
      up.once('data', (chunk: Buffer) => {
        res.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)));
        up.destroy();
      });
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
    });
    req.pipe(upstream);
  }
}
