// A "remote" MCP server for the tests: a real server-everything over streamable HTTP on 127.0.0.1,
// behind a small reverse proxy that answers 401 unless the request carries `Authorization: Bearer
// <token>` (as a vendor's hosted endpoint would). The proxy can also be told the server is gone.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from './procs.js';
import { EVERYTHING } from './servers.js';
import { waitFor } from './wait-for.js';

export interface Remote {
  /** The proxy's MCP endpoint (what spec.url points at). */
  url: string;
  /** Requests the proxy refused for a missing or wrong token. */
  refused: number;
  /** Authorization headers the proxy saw (to check what the daemon sent). */
  seen: Set<string>;
  /** Stops the server behind the proxy (the proxy answers 502 from then on). */
  stopServer(): Promise<void>;
  /** Starts it again on the same port. */
  startServer(): Promise<void>;
  close(): Promise<void>;
}

export type RemoteMode = 'streamableHttp' | 'sse';

function startEverything(port: number, tag: string, marker: string, mode: RemoteMode): ChildProcess {
  return spawn(process.execPath, [EVERYTHING, mode], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PORT: String(port), INSTANCE_TAG: tag, E2E_RUN: marker },
    stdio: 'ignore',
  });
}

async function listening(port: number): Promise<void> {
  await waitFor(
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'HEAD' }).catch(() => undefined);
      return res !== undefined;
    },
    { what: `server-everything listening on ${port}`, timeoutMs: 20_000, intervalMs: 100 },
  );
}

export async function startRemote(o: { token: string | null; tag: string; marker: string; mode?: RemoteMode }): Promise<Remote> {
  const port = await freePort();
  const mode = o.mode ?? 'streamableHttp';
  let child: ChildProcess | null = startEverything(port, o.tag, o.marker, mode);
  await listening(port);
  const remote: Remote = {
    url: '',
    refused: 0,
    seen: new Set(),
    async stopServer() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      await new Promise((r) => {
        c.once('exit', r);
        c.kill('SIGKILL');
      });
    },
    async startServer() {
      child = startEverything(port, o.tag, o.marker, mode);
      await listening(port);
    },
    async close() {
      await remote.stopServer();
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    },
  };
  const proxy: Server = createServer((req, res) => {
    const auth = req.headers.authorization;
    if (auth !== undefined) remote.seen.add(auth);
    if (o.token !== null && auth !== `Bearer ${o.token}`) {
      remote.refused++;
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end('{"error":"invalid_token"}');
      return;
    }
    const headers = { ...req.headers, host: `127.0.0.1:${port}` };
    delete headers.authorization;
    const up = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end('bad gateway');
      else res.destroy();
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  remote.url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${mode === 'sse' ? '/sse' : '/mcp'}`;
  return remote;
}
