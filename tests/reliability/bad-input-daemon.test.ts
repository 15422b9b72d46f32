// A representative part of the bad-input corpus against the real daemon: each hostile commit ends
// `invalid` with exactly its located errors, each hostile request gets its clear answer, and
// through all of it the daemon stays alive and the running servers keep their processes.
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon, Status } from '../e2e/helpers/daemon.js';
import { freePort, isAlive, records } from '../e2e/helpers/procs.js';
import { delayedHttp, everythingStdio } from '../e2e/helpers/servers.js';
import { World } from '../e2e/helpers/world.js';
import { BAD_SPECS } from './bad-input/spec-cases.js';
import { rawRequest, slowClient } from './helpers/raw-http.js';

const API_TOKEN = 'daemon-api-token-4c1f9e';
const FULL = process.env.CRASH_RUNS !== undefined;

let w: World;
let d: Daemon;
let good: string;
let serving: { id: string | null | undefined; pid: number }[];
let port: number;
let previous: string[] = [];

beforeAll(async () => {
  w = new World();
  const webPort = await freePort();
  good = w.repo.commit({ ...w.server('svc', everythingStdio()), ...w.server('web', delayedHttp(webPort, 0)) });
  d = await w.start({ env: { MCP_GITOPS_API_TOKEN: API_TOKEN } });
  const st = await w.converged(d, good, ['svc', 'web']);
  serving = st.servers.map((s) => ({ id: s.instanceId, pid: records(w.stateDir).find((r) => r.id === s.instanceId)!.pid }));
  port = Number(new URL(d.url).port);
}, 60_000);
afterAll(async () => {
  await w.cleanup();
});

/** The daemon answers, and the servers run the same processes as before. */
async function untouched(): Promise<Status> {
  expect((await fetch(`${d.url}/healthz`)).status).toBe(200);
  const st = await d.status();
  expect(st.revision.applied).toBe(good);
  expect(st.servers.map((s) => s.instanceId)).toEqual(serving.map((s) => s.id));
  expect(st.servers.every((s) => s.phase === 'Running' && s.health === 'Healthy')).toBe(true);
  for (const s of serving) expect(isAlive(s.pid)).toBe(true);
  return st;
}

/** Commits `files` (removing the previous case's), waits for the commit to end invalid, returns its errors. */
async function commitInvalid(files: Record<string, string | Uint8Array | null>, links: Record<string, string> = {}): Promise<string[]> {
  const drop = Object.fromEntries(previous.map((p) => [p, null]));
  for (const [path, target] of Object.entries(links)) {
    mkdirSync(join(w.repo.dir, path, '..'), { recursive: true });
    symlinkSync(target, join(w.repo.dir, path));
  }
  const sha = w.repo.commit({ ...drop, ...(files as Record<string, string>) }, 'hostile');
  previous = [...Object.keys(files), ...Object.keys(links)];
  const st = await d.until(`${sha.slice(0, 7)} invalid`, (s) => s.history[0]?.commit === sha && s.history[0].result === 'invalid');
  expect(st.failedRevision?.commit).toBe(sha);
  expect(st.phase).toBe('Failed');
  return st.history[0].errors ?? [];
}

const SAMPLE = [
  'huge: a 10 MB file',
  'alias bomb: billion laughs inside spec.args',
  'deep: 5000 nested flow sequences',
  'binary: an ELF executable named .yaml',
  'encoding: UTF-16 LE with its BOM',
  'yaml: unclosed flow mapping',
  'sandbox: range.constructor("return process")() in command',
  'cwd: a template rendering "../.."',
  'names: my-server and My-Server',
  'number: port 1e400 (infinite as a double)',
  'exec: NUL in an argument',
];

describe('bad input against the real daemon: refused, daemon alive, servers untouched', () => {
  it.each(SAMPLE)('commit: %s', async (name) => {
    const c = BAD_SPECS.find((x) => x.name === name)!;
    expect(await commitInvalid(c.files)).toEqual(c.expected);
    await untouched();
  });

  it('commit: a symlink to /etc/passwd named like a spec is refused, not read', async () => {
    const errors = await commitInvalid({}, { 'servers/passwd.yaml': '/etc/passwd' });
    expect(errors).toEqual(['servers/passwd.yaml:1:1: -: symbolic links are not followed; commit the file itself']);
    await untouched();
  });

  it("commit: a template reading the daemon's own API token is refused, and the token shows nowhere", async () => {
    const errors = await commitInvalid({
      'servers/leak.yaml': w.server('leak', everythingStdio({ env: { STOLEN: '{{ secrets.MCP_GITOPS_API_TOKEN }}' } }))['servers/leak.yaml'],
    });
    expect(errors).toEqual([
      expect.stringMatching(/^servers\/leak\.yaml:\d+:\d+: spec\.env\.STOLEN: "MCP_GITOPS_API_TOKEN" is one of the daemon's own settings/),
    ]);
    const st = await untouched();
    expect(JSON.stringify(st)).not.toContain(API_TOKEN);
    expect(JSON.stringify(d.logs) + d.stderr).not.toContain(API_TOKEN);
  });

  it('http: a 64 KiB header is refused with 431', async () => {
    const r = await rawRequest(port, `GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    expect(r.status).toBe(431);
    await untouched();
  });

  it('http: a 10 MB webhook body is refused with 413 as soon as its length is known', async () => {
    const r = await rawRequest(
      port,
      `POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`,
      Buffer.alloc(64 * 1024, 0x61),
    );
    expect(r.status).toBe(413);
    await untouched();
  });

  it('http: malformed JSON, a wrong token, an unknown route and method', async () => {
    const sync = (body: string, token = API_TOKEN): Promise<Response> =>
      fetch(`${d.url}/sync`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    const bad = await sync('{"force": tru');
    expect([bad.status, await bad.json()]).toEqual([400, { error: 'body must be a JSON object such as {"force": true}' }]);
    expect((await sync('{}', 'wrong')).status).toBe(401);
    expect((await fetch(`${d.url}/nope`)).status).toBe(404);
    expect((await fetch(`${d.url}/status`, { method: 'DELETE' })).status).toBe(404);
    await untouched();
  });

  it('http: 40 slowloris clients dripping headers do not stop the daemon from answering', async () => {
    const clients = Array.from({ length: 40 }, () => slowClient(port, 'GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: abcdefgh\r\n', 100, 3000));
    // while they hang on: probes and status still answer, and the servers are untouched
    for (let i = 0; i < 5; i++) await untouched();
    const done = await Promise.all(clients);
    expect(done.filter((c) => c.text.startsWith('HTTP/')).length).toBe(0); // none got an answer to a request it never finished
  });

  // a client gets 10 s for its whole request (src/http/app.ts REQUEST_TIMEOUT_MS), checked every second
  it.runIf(FULL)('http: a body dribbled one byte per 500 ms is cut within 15 s', { timeout: 30_000 }, async () => {
    const r = await slowClient(
      port,
      `POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
      '{',
      500,
      16_000,
    );
    expect(r.cut).toBe(true);
  });

  it('recovers: a commit without the hostile files deploys, nothing restarted', async () => {
    const sha = w.repo.commit(Object.fromEntries(previous.map((p) => [p, null])), 'clean');
    previous = [];
    const st = await d.until(`${sha.slice(0, 7)} succeeded`, (s) => s.history[0]?.commit === sha && s.history[0].result === 'succeeded');
    expect(st).toMatchObject({ failedRevision: null, phase: 'Synced', revision: { head: sha, applied: sha, lastGood: sha } });
    expect(st.servers.map((s) => s.instanceId)).toEqual(serving.map((s) => s.id));
    good = sha;
    await untouched();
  });
});
