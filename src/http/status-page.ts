// GET / and GET /page/<file>: the status page, plain HTML, CSS and JavaScript modules from
// src/http/page/ (copied next to the compiled module by `npm run build`), no framework, no build
// step. Read once when the app is built; only the listed files are served, under a strict CSP.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

/** The page's files, in src/http/page/. */
const PAGE_FILES = ['index.html', 'page.css', 'app.js', 'dom.js', 'server-list.js', 'server-detail.js', 'history.js', 'banner.js', 'sparkline.js', 'live.js'];

const HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

function load(): Map<string, { type: string; body: Buffer }> {
  const dir = new URL('./page/', import.meta.url);
  return new Map(
    PAGE_FILES.map((f) => [f, { type: TYPES[f.slice(f.lastIndexOf('.') + 1)] ?? 'application/octet-stream', body: readFileSync(new URL(f, dir)) }]),
  );
}

export function registerStatusPage(app: FastifyInstance): void {
  const files = load();
  const index = files.get('index.html')!;
  app.get('/', (_req, reply) => reply.headers(HEADERS).type(index.type).send(index.body));
  app.get<{ Params: { file: string } }>('/page/:file', (req, reply) => {
    const f = req.params.file === 'index.html' ? undefined : files.get(req.params.file);
    if (!f) return reply.code(404).send({ error: 'not found' });
    return reply.headers(HEADERS).type(f.type).send(f.body);
  });
}
