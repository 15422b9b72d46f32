// DNS-rebinding protection with real requests: a Host or Origin that is not the daemon's own is
// refused 403 with a JSON-RPC error naming the header, on /mcp/<name>, POST /sync and /webhook;
// loopback names (any port) and clients that send no Origin pass; --allowed-hosts/-origins extend.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { HostPolicy } from '../../src/hosts/host-check.js';
import { createWorld, INIT, type World } from './helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

interface Answer {
  status: number;
  json: { error?: { code: number; message: string; data: { code: string; header: string } } } | undefined;
}

/** A raw POST with exactly these Host/Origin headers (fetch would not let us set Host). */
function rawPost(url: URL, headers: Record<string, string>, body: unknown = INIT): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      },
      (res) => {
        let raw = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (raw += c));
        res.on('end', () => {
          let json: Answer['json'];
          try {
            json = JSON.parse(raw) as Answer['json'];
          } catch {
            json = undefined; // an SSE answer
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('Host/Origin validation', () => {
  it('/mcp/<name>: a foreign Host or Origin is refused 403 naming the header; loopback names and no Origin pass', async () => {
    w = await createWorld();
    await w.serve('everything', 'stdio');
    const url = w.url('everything');
    const port = url.port;

    const evilHost = await rawPost(url, { host: 'evil.example.com', origin: 'http://evil.example.com' });
    expect(evilHost.status).toBe(403);
    expect(evilHost.json?.error).toMatchObject({ code: -32000, data: { code: 'FORBIDDEN_HOST', header: 'host' } });
    expect(evilHost.json?.error?.message).toContain('evil.example.com');

    const evilOrigin = await rawPost(url, { host: `localhost:${port}`, origin: 'http://evil.example.com' });
    expect(evilOrigin.status).toBe(403);
    expect(evilOrigin.json?.error?.data).toMatchObject({ code: 'FORBIDDEN_ORIGIN', header: 'origin' });

    const nullOrigin = await rawPost(url, { host: `127.0.0.1:${port}`, origin: 'null' });
    expect(nullOrigin.status).toBe(403);

    for (const headers of [
      { host: `127.0.0.1:${port}` },
      { host: `localhost:${port}`, origin: 'http://localhost:6274' },
      { host: `[::1]:${port}`, origin: 'https://127.0.0.1' },
    ] as Record<string, string>[]) {
      const ok = await rawPost(url, headers);
      expect(ok.status, JSON.stringify(headers)).toBe(200);
    }
    // an SDK client (no Origin) works end to end
    const c = await w.client('everything');
    expect((await c.listTools()).tools.length).toBeGreaterThan(0);
  });

  it('--allowed-hosts and --allowed-origins extend the defaults', async () => {
    w = await createWorld({ hosts: new HostPolicy({ host: '127.0.0.1', allowedHosts: ['mcp.example.com'], allowedOrigins: ['https://app.example.com'] }) });
    await w.serve('everything', 'stdio');
    const url = w.url('everything');
    expect((await rawPost(url, { host: 'mcp.example.com', origin: 'https://app.example.com' })).status).toBe(200);
    expect((await rawPost(url, { host: 'mcp.example.com:443', origin: 'https://mcp.example.com' })).status).toBe(200);
    expect((await rawPost(url, { host: 'mcp.example.com', origin: 'https://other.example.com' })).status).toBe(403);
    expect((await rawPost(url, { host: 'other.example.com' })).status).toBe(403);
  });

  it('POST /sync and /webhook: the same check before their own auth', async () => {
    const app = buildApp({
      status: () => {
        throw new Error('not used');
      },
      ready: () => true,
      requestSync: () => 7,
      apiToken: 'api-token-123',
      webhookSecret: 'hook-secret-123',
    });
    try {
      const auth = { authorization: 'Bearer api-token-123', 'content-type': 'application/json' };
      const evil = await app.inject({ method: 'POST', url: '/sync', headers: { ...auth, host: 'evil.example.com' }, payload: '{}' });
      expect(evil.statusCode).toBe(403);
      expect(evil.json()).toMatchObject({ jsonrpc: '2.0', error: { data: { code: 'FORBIDDEN_HOST' } } });
      const evilOrigin = await app.inject({
        method: 'POST',
        url: '/sync',
        headers: { ...auth, host: 'localhost:8080', origin: 'http://evil.example.com' },
        payload: '{}',
      });
      expect(evilOrigin.statusCode).toBe(403);
      expect(evilOrigin.json()).toMatchObject({ error: { data: { code: 'FORBIDDEN_ORIGIN' } } });
      const ok = await app.inject({ method: 'POST', url: '/sync', headers: { ...auth, host: '127.0.0.1:8080' }, payload: '{}' });
      expect(ok.statusCode).toBe(202);
      const hook = await app.inject({ method: 'POST', url: '/webhook', headers: { authorization: 'Bearer hook-secret-123', host: 'evil.example.com' } });
      expect(hook.statusCode).toBe(403);
      const hookOk = await app.inject({ method: 'POST', url: '/webhook', headers: { authorization: 'Bearer hook-secret-123', host: 'localhost' } });
      expect(hookOk.statusCode).toBe(202);
      // read-only routes are not guarded (a page may show /status; it carries no secrets)
      expect((await app.inject({ method: 'GET', url: '/healthz', headers: { host: 'evil.example.com' } })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
