// health.checks against the real daemon: http, tcp and command checks fail and pass as expected at
// the gate (a failing critical check reverts the commit, reason CheckFailed) and while running (a
// critical check that starts failing marks the server CheckFailed and restarts it; a non-critical one
// only shows in /status).
import { createServer, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Daemon, Status } from './helpers/daemon.js';
import { freePort } from './helpers/procs.js';
import { everythingStdio } from './helpers/servers.js';
import { useWorld } from './helpers/use-world.js';

/** A tiny health endpoint on 127.0.0.1 whose answer the test sets. */
interface Endpoint {
  port: number;
  status: number;
  hits: number;
  server: Server;
}

async function endpoint(): Promise<Endpoint> {
  const e = { port: 0, status: 200, hits: 0 } as Endpoint;
  e.server = createServer((_req, res) => {
    e.hits++;
    res.writeHead(e.status).end('ok');
  });
  await new Promise<void>((r) => e.server.listen(0, '127.0.0.1', r));
  e.port = (e.server.address() as { port: number }).port;
  return e;
}

const close = (e: Endpoint): Promise<void> =>
  new Promise((r) => {
    e.server.closeAllConnections();
    e.server.close(() => r());
  });

const exitWith = (variable: string): object => ({
  type: 'command',
  name: 'exit-code',
  command: [process.execPath, '-e', `process.exit(Number(process.env.${variable}))`],
  retries: 0,
});

const s = useWorld();

async function reverted(d: Daemon, commit: string): Promise<Status> {
  return d.until(`${commit.slice(0, 7)} reverted`, (st) => st.history[0]?.commit === commit && st.history[0].result === 'reverted', 60_000);
}

describe('health checks at the gate', () => {
  it('http, tcp and command checks pass a commit; each failing one reverts its commit with reason CheckFailed', async () => {
    const { w } = s;
    const ep = s.later(await endpoint(), close);
    const closed = await freePort();
    const checks = (o: { expectStatus?: number; tcpPort?: number; code?: string } = {}): object[] => [
      { type: 'http', url: `http://127.0.0.1:${ep.port}/healthz`, retries: 1, ...(o.expectStatus && { expectStatus: o.expectStatus }) },
      { type: 'tcp', host: '127.0.0.1', port: o.tcpPort ?? ep.port, retries: 1 },
      exitWith('CHECK_EXIT'),
    ];
    const good = w.repo.commit(w.server('svc', everythingStdio({ env: { CHECK_EXIT: '0' }, checks: checks() })));
    const d = await w.start();
    let st = await w.converged(d, good, ['svc']);
    expect(ep.hits).toBeGreaterThan(0);
    const servingId = st.servers[0].instanceId;

    const badCommand = w.repo.commit(w.server('svc', everythingStdio({ version: '2', env: { CHECK_EXIT: '3' }, checks: checks() })));
    st = await reverted(d, badCommand);
    expect(st.history[0].reason).toBe('CheckFailed');
    expect(st.failedRevision?.reason).toMatch(/^svc: command check "exit-code" \(.+\) failed: exited with code 3/);
    st = await w.converged(d, good, ['svc']);
    expect(st.servers[0]).toMatchObject({ instanceId: servingId, version: '1' });

    const badHttp = w.repo.commit(w.server('svc', everythingStdio({ version: '3', env: { CHECK_EXIT: '0' }, checks: checks({ expectStatus: 204 }) })));
    st = await reverted(d, badHttp);
    expect(st.history[0].reason).toBe('CheckFailed');
    expect(st.failedRevision?.reason).toMatch(/http check "http-0" \(http:\/\/127\.0\.0\.1:\d+\/healthz\) failed: answered 200, expected 204 \(2 attempts\)/);

    const badTcp = w.repo.commit(w.server('svc', everythingStdio({ version: '4', env: { CHECK_EXIT: '0' }, checks: checks({ tcpPort: closed }) })));
    st = await reverted(d, badTcp);
    expect(st.history[0].reason).toBe('CheckFailed');
    expect(st.failedRevision?.reason).toMatch(new RegExp(`tcp check "tcp-1" \\(127\\.0\\.0\\.1:${closed}\\) failed: .*ECONNREFUSED`));
    st = await w.converged(d, good, ['svc']);
    expect(st.servers[0]).toMatchObject({ instanceId: servingId, version: '1' });

    // a check aimed beyond loopback is a validation error, not a rollout
    const remote = w.repo.commit(w.server('svc', everythingStdio({ version: '5', checks: [{ type: 'http', url: 'http://192.0.2.1/healthz' }] })));
    st = await d.until('the remote check is invalid', (x) => x.history[0]?.commit === remote && x.history[0].result === 'invalid');
    expect(st.history[0].message).toMatch(/servers\/svc\.yaml:\d+:\d+: spec\.health\.checks\[0\]\.url: host "192\.0\.2\.1" is not loopback/);
  }, 180_000);
});

describe('health checks while running', () => {
  it('a critical check that starts failing marks the server CheckFailed and restarts it; a non-critical one only reports', async () => {
    const { w } = s;
    const ep = s.later(await endpoint(), close);
    const closed = await freePort();
    const good = w.repo.commit(
      w.server(
        'svc',
        everythingStdio({
          checks: [
            { type: 'http', name: 'healthz', url: `http://127.0.0.1:${ep.port}/healthz`, intervalSeconds: 1, retries: 1 },
            { type: 'tcp', name: 'optional-db', host: '127.0.0.1', port: closed, intervalSeconds: 1, retries: 0, critical: false },
          ],
        }),
      ),
    );
    const d = await w.start();
    await w.converged(d, good, ['svc']);
    let st = await d.until('both checks ran', (x) => (x.servers[0]?.checks ?? []).every((c) => c.lastCheckedAt !== null));
    expect(st.servers[0]).toMatchObject({ phase: 'Running', health: 'Healthy', reason: 'Healthy' });
    expect(st.servers[0].checks).toEqual([
      expect.objectContaining({ name: 'healthz', type: 'http', critical: true, status: 'Passing' }),
      expect.objectContaining({ name: 'optional-db', type: 'tcp', critical: false, status: 'Failing' }),
    ]);
    expect(st.servers[0].checks?.[1].message).toMatch(/ECONNREFUSED/);
    const firstId = st.servers[0].instanceId;

    ep.status = 503;
    st = await d.until('svc marked CheckFailed', (x) => x.servers[0]?.reason === 'CheckFailed', 30_000);
    expect(st.servers[0]).toMatchObject({ health: 'Unhealthy', phase: 'Failed' });
    expect(st.servers[0].message).toMatch(/http check "healthz" .* failed 2 times in a row: answered 503, expected 200/);
    expect(st.reason).toBe('CheckFailed');

    ep.status = 200;
    st = await d.until(
      'svc restarted and healthy',
      (x) => x.servers[0]?.health === 'Healthy' && x.servers[0].instanceId !== firstId && x.servers[0].instanceId != null,
      60_000,
    );
    expect(st.servers[0].restarts).toBeGreaterThanOrEqual(1);
    await w.noOrphans(['svc']);
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    expect(metrics).toMatch(/mcp_gitops_server_restarts_total\{server="svc"\} [1-9]/);
  }, 120_000);
});
