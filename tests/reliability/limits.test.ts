// Limits and isolation: templates see only their four names (no filesystem, no process, no
// prototypes; the environment only as secrets.<NAME>, never the daemon's own MCP_GITOPS_*), the HTTP
// API binds to 127.0.0.1 unless told otherwise and warns when exposed without a token, every route
// that reads a body has a limit, and a server's process sees only its spec's env plus PATH and HOME.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { createCompiler } from '../../src/render/desired-state.js';
import { createSecretReader } from '../../src/secrets/secret-reader.js';
import { formatSpecError } from '../../src/spec/spec-error.js';
import { records } from '../e2e/helpers/procs.js';
import { everythingStdio } from '../e2e/helpers/servers.js';
import { waitFor } from '../e2e/helpers/wait-for.js';
import { World } from '../e2e/helpers/world.js';
import { sampleStatus } from '../http/helpers.js';
import { rawRequest } from './helpers/raw-http.js';
import { server } from '../spec/corpus/yaml.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
const MARKER = `marker-${randomBytes(8).toString('hex')}`;

let w: World | undefined;
afterEach(async () => {
  await w?.cleanup();
  w = undefined;
});

describe('template sandbox: no filesystem, no process, no prototypes', () => {
  // the daemon's real secret reader over an environment holding a marker and the daemon's own token
  const env = { LIMITS_MARKER: MARKER, MCP_GITOPS_API_TOKEN: `api-${MARKER}`, PATH: '/usr/bin' };
  const secrets = createSecretReader({ env });
  const render = (template: string): { errors: string[]; value?: string } => {
    const files = [{ path: 'a.yaml', content: new TextEncoder().encode(server('a', `  env:\n    X: ${JSON.stringify(template)}\n`)) }];
    const out = createCompiler().compile({ files }, { secrets, runtime: 'process' });
    return { errors: out.errors.map(formatSpecError), ...(out.servers[0] && { value: out.servers[0].spec.env.X }) };
  };
  const hostname = readFileSync('/etc/hostname', 'utf8').trim();

  it.each([
    '{{ process.env.LIMITS_MARKER }}',
    '{{ range.constructor("return process.env.LIMITS_MARKER")() }}',
    '{{ "".constructor.constructor("return process")().env.LIMITS_MARKER }}',
    '{{ vars.constructor.constructor("return process")() }}',
    '{% include "/etc/hostname" %}',
    '{% import "/etc/hostname" as h %}{{ h }}',
    '{{ secrets.MCP_GITOPS_API_TOKEN }}',
    '{{ secrets.__proto__ }}',
    '{{ vars.hasOwnProperty }}',
    '{{ server.__lookupGetter__ }}',
  ])('%s is refused and reveals nothing', (template) => {
    const r = render(template);
    expect(r.value).toBeUndefined();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^a\.yaml:9:8: spec\.env\.X: /);
    expect(r.errors[0]).not.toContain(MARKER);
    expect(r.errors[0]).not.toContain(hostname);
  });

  it('the environment is reachable only as a named secret (CONTRACT §2), and the context objects have no prototype', () => {
    expect(render('{{ secrets.LIMITS_MARKER }}')).toEqual({ errors: [], value: MARKER });
    expect(render('{{ vars | dump }}')).toEqual({ errors: [], value: '{}' });
    expect(render('{{ server | dump }}')).toEqual({ errors: [], value: '{}' }); // a proxy with nothing enumerable: no inherited keys leak
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

/** Runs `serve` with exactly `args` until it logs that it serves; returns its log lines, then stops it. */
async function serveLogs(args: string[], env: Record<string, string> = {}): Promise<{ msg: string; level: number; http?: string; host?: string }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-gitops-limits-'));
  const repo = new World().repo; // an empty repository is enough to serve
  repo.commit({}, 'empty');
  const child = spawn(process.execPath, [CLI, 'serve', '--repo', repo.dir, '--state-dir', join(dir, 'state'), '--port', '0', ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: { msg: string; level: number; http?: string; host?: string }[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => {
    try {
      logs.push(JSON.parse(l) as (typeof logs)[number]);
    } catch {
      /* not JSON */
    }
  });
  try {
    await waitFor(() => logs.some((l) => l.msg === 'mcp-gitops serving'), { what: 'the serving log line', timeoutMs: 15_000 });
    return logs;
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(repo.dir, '..'), { recursive: true, force: true });
  }
}

const EXPOSED = /listening beyond loopback without MCP_GITOPS_GATEWAY_TOKEN/;

describe('HTTP exposure', () => {
  it('binds to 127.0.0.1 by default, with no warning', async () => {
    const logs = await serveLogs([]);
    expect(logs.find((l) => l.msg === 'mcp-gitops serving')?.http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(logs.some((l) => EXPOSED.test(l.msg))).toBe(false);
  });

  it('bound beyond loopback without a gateway token: a start-up warning; with it: none (and a note on the routes that take none)', async () => {
    const open = await serveLogs(['--host', '0.0.0.0']);
    expect(open.find((l) => EXPOSED.test(l.msg))).toMatchObject({ level: 40, host: '0.0.0.0' });
    const tokened = await serveLogs(['--host', '0.0.0.0'], { MCP_GITOPS_GATEWAY_TOKEN: `t-${MARKER}` });
    expect(tokened.some((l) => EXPOSED.test(l.msg))).toBe(false);
    expect(tokened.find((l) => /take no token/.test(l.msg))).toMatchObject({ level: 30, host: '0.0.0.0' });
    expect(JSON.stringify(tokened)).not.toContain(MARKER);
  });
});

describe('body limits on every route that reads a body', () => {
  const big = 'x'.repeat(2 * 1024 * 1024);
  const app = (): ReturnType<typeof buildApp> => buildApp({ status: sampleStatus, ready: () => true, requestSync: () => 1, apiToken: 't', webhookSecret: 'w' });

  it.each(['/sync', '/webhook', '/no-such-route'])('POST %s with 2 MiB: 413 before any handler runs', async (url) => {
    let syncs = 0;
    const a = buildApp({ status: sampleStatus, ready: () => true, requestSync: () => ++syncs, apiToken: 't', webhookSecret: 'w' });
    for (const ct of ['application/json', 'text/plain']) {
      const res = await a.inject({ method: 'POST', url, headers: { 'content-type': ct, authorization: 'Bearer t' }, payload: big });
      expect(res.statusCode, ct).toBe(413);
    }
    expect(syncs).toBe(0);
    await a.close();
  });

  it.each(['/status', '/healthz', '/readyz', '/'])('GET %s never reads a body: answers as usual', async (url) => {
    const a = app();
    const res = await a.inject({ method: 'GET', url, headers: { 'content-type': 'application/json' }, payload: big });
    expect(res.statusCode).toBe(200);
    await a.close();
  });

  it('the gateway /mcp/<name> refuses a body over its 4 MiB limit (real daemon)', async () => {
    w = new World();
    const sha = w.repo.commit(w.server('svc', everythingStdio()));
    const d = await w.start();
    await w.converged(d, sha, ['svc']);
    // the answer comes as soon as the declared length is known, so the body is sent raw (a fetch would see EPIPE)
    const head = `POST /mcp/svc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${5 * 1024 * 1024}\r\n\r\n`;
    const res = await rawRequest(Number(new URL(d.url).port), head, Buffer.alloc(64 * 1024, 0x61));
    expect(res.status).toBe(413);
    expect((await fetch(`${d.url}/healthz`)).status).toBe(200);
  });
});

describe('child environment', () => {
  it("a server sees exactly its spec env plus PATH and HOME: none of the daemon's secrets or variables", async () => {
    w = new World();
    const sha = w.repo.commit(w.server('svc', everythingStdio({ env: { FOO: 'bar' } })));
    const daemonEnv = {
      MCP_GITOPS_API_TOKEN: `api-${MARKER}`,
      MCP_GITOPS_WEBHOOK_SECRET: `hook-${MARKER}`,
      MCP_GITOPS_GIT_TOKEN: `git-${MARKER}`,
      DAEMON_ONLY: `plain-${MARKER}`,
      NODE_OPTIONS: '--max-old-space-size=512',
    };
    const d = await w.start({ env: daemonEnv });
    const st = await w.converged(d, sha, ['svc']);
    const pid = records(w.stateDir).find((r) => r.id === st.servers[0].instanceId)!.pid;
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
    expect(environ.map((kv) => kv.slice(0, kv.indexOf('='))).sort()).toEqual(['E2E_RUN', 'FOO', 'HOME', 'PATH']);
    expect(environ.join('\n')).not.toContain(MARKER);
  });
});
