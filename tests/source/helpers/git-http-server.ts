// Serves bare repositories under `root` over smart HTTP with `git http-backend` (CGI), on 127.0.0.1 only.
// Optional Basic auth: any user name, the password must equal `token`. Pushes are allowed (as the
// authenticated user, else as `anonymous`). Drive it with async git calls (gitAsync): a synchronous
// child process would block the event loop this server runs on.
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface GitHttpServerOptions {
  /** Directory holding the bare repositories (`<root>/<name>.git`). */
  root: string;
  /** When set, every request needs `Authorization: Basic base64(<any>:<token>)`. */
  token?: string;
  /** Keep each request's body and content type in `requests` (the bench replays them to time the bare round trips). */
  recordBodies?: boolean;
}

export interface GitHttpRequestLog {
  method: string;
  url: string;
  status: number;
  authorization: string | undefined;
  /** With `recordBodies`: what the client sent. */
  contentType?: string;
  body?: Buffer;
}

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** URL of one repository: `<baseUrl>/<name>`. */
  url(name: string): string;
  requests: GitHttpRequestLog[];
  close(): Promise<void>;
}

const BACKEND = join(execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim(), 'git-http-backend');

export async function startGitHttpServer(opts: GitHttpServerOptions): Promise<GitHttpServer> {
  const requests: GitHttpRequestLog[] = [];
  const server = createServer((req, res) => {
    const entry: GitHttpRequestLog = { method: req.method ?? 'GET', url: req.url ?? '/', status: 0, authorization: req.headers.authorization };
    requests.push(entry);
    if (opts.recordBodies) record(req, entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    const user = authenticate(req, opts.token);
    if (user === null) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' }).end('authentication required\n');
      return;
    }
    runBackend(req, res, opts.root, user);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    url: (name) => `${baseUrl}/${name}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function record(req: IncomingMessage, entry: GitHttpRequestLog): void {
  const chunks: Buffer[] = [];
  if (req.headers['content-type']) entry.contentType = req.headers['content-type'];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    entry.body = Buffer.concat(chunks);
  });
}

/** '' = anonymous allowed, a user name = authenticated, null = refuse. */
function authenticate(req: IncomingMessage, token: string | undefined): string | null {
  if (token === undefined) return '';
  const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0 || decoded.slice(colon + 1) !== token) return null;
  return decoded.slice(0, colon) || 'user';
}

function runBackend(req: IncomingMessage, res: ServerResponse, root: string, user: string): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: '127.0.0.1',
    ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
    ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
    ...(typeof req.headers['git-protocol'] === 'string' ? { GIT_PROTOCOL: req.headers['git-protocol'] } : {}),
    REMOTE_USER: user || 'anonymous',
  };
  const child = spawn(BACKEND, [], { env, stdio: ['pipe', 'pipe', 'ignore'] });
  req.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  child.on('error', () => {
    if (!res.headersSent) res.writeHead(500).end();
  });
  pipeCgiResponse(child.stdout, res);
}

/** Reads CGI headers (up to the blank line), sets status + headers, then streams the body. */
function pipeCgiResponse(stdout: NodeJS.ReadableStream, res: ServerResponse): void {
  let head = Buffer.alloc(0);
  let headersDone = false;
  stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = findHeaderEnd(head);
    if (!end) return;
    headersDone = true;
    writeCgiHeaders(head.subarray(0, end.index).toString('latin1'), res);
    const rest = head.subarray(end.index + end.length);
    if (rest.length) res.write(rest);
  });
  stdout.on('end', () => {
    if (!headersDone) res.writeHead(502);
    res.end();
  });
}

function findHeaderEnd(buf: Buffer): { index: number; length: number } | null {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { index: crlf, length: 4 };
  return lf >= 0 ? { index: lf, length: 2 } : null;
}

function writeCgiHeaders(text: string, res: ServerResponse): void {
  let status = 200;
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
    else res.setHeader(name, value);
  }
  res.statusCode = status;
}
