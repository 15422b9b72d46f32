// Sends recorded HTTP requests again, one after the other, reading every response to its end: the
// bare protocol round trips of a git fetch (the server does all its work; the client parses nothing),
// i.e. the floor under any client making the same requests.
import { request } from 'node:http';
import type { GitHttpRequestLog } from '../tests/source/helpers/git-http-server.js';

/** Replays `requests` against `baseUrl`; returns the wall time in ms. */
export async function replay(baseUrl: string, requests: readonly GitHttpRequestLog[]): Promise<number> {
  const t = performance.now();
  for (const r of requests) await send(new URL(r.url, baseUrl), r);
  return performance.now() - t;
}

function send(url: URL, r: GitHttpRequestLog): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = { ...(r.contentType && { 'content-type': r.contentType }), ...(r.body && { 'content-length': String(r.body.length) }) };
    const req = request(url, { method: r.method, headers }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`replay ${r.method} ${r.url}: HTTP ${res.statusCode}`));
      res.on('data', () => undefined);
      res.on('end', resolve);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}
