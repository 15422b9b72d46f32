// The run-time half of health.checks against real sockets and processes: a non-critical check goes
// Failing and back to Passing and never reports; a critical one reports once, after 1 + retries
// failures in a row, and its server's checks stop; command checks see the server's env and cwd.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/health/clock.js';
import { CheckMonitor, type CheckFailure } from '../../src/health/checks/monitor.js';
import { attempt } from '../../src/health/checks/run-check.js';
import type { DesiredCheck, DesiredServer } from '../../src/spec/desired.js';
import { waitFor } from '../e2e/helpers/wait-for.js';

const servers: Server[] = [];
const monitors: CheckMonitor[] = [];
afterEach(() => {
  for (const m of monitors.splice(0)) m.stop();
  for (const s of servers.splice(0)) s.close();
});

async function listening(): Promise<Server & { port: number }> {
  const s = createServer((c) => c.end());
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return Object.assign(s, { port: (s.address() as { port: number }).port });
}

const base = { intervalSeconds: 1, timeoutSeconds: 2, retries: 0, critical: true };

function server(checks: DesiredCheck[], o: Partial<DesiredServer> = {}): DesiredServer {
  return {
    name: 'svc',
    labels: {},
    version: '1',
    transport: 'stdio',
    args: [],
    env: {},
    dependsOn: [],
    health: { timeoutSeconds: 5, expectTools: [], stabilizationSeconds: 0, checks },
    rollout: { strategy: 'blue-green' },
    source: { file: 'a.yaml', line: 1 },
    ...o,
  };
}

describe('check monitor', () => {
  it('a non-critical check goes Failing and back to Passing without reporting', async () => {
    const s = await listening();
    const failures: CheckFailure[] = [];
    const m = new CheckMonitor({ clock: systemClock, env: process.env, onCriticalFailure: (f) => failures.push(f) });
    monitors.push(m);
    m.watch([
      { server: server([{ ...base, name: 'db', type: 'tcp', host: '127.0.0.1', port: s.port, critical: false }]), instanceId: 'i1', workdir: tmpdir() },
    ]);
    await waitFor(() => m.view('svc')?.[0].status === 'Passing', { what: 'Passing' });
    await new Promise<void>((r) => s.close(() => r()));
    await waitFor(() => m.view('svc')?.[0].status === 'Failing', { what: 'Failing' });
    expect(m.view('svc')?.[0].message).toMatch(/ECONNREFUSED/);
    const again = createServer((c) => c.end());
    servers.push(again);
    await new Promise<void>((r) => again.listen(s.port, '127.0.0.1', r));
    await waitFor(() => m.view('svc')?.[0].status === 'Passing', { what: 'Passing again' });
    expect(m.view('svc')?.[0]).toMatchObject({ failures: 0, message: 'passing' });
    expect(failures).toEqual([]);
  });

  it('a critical check reports once after 1 + retries failures in a row and the server is no longer watched', async () => {
    const failures: CheckFailure[] = [];
    const m = new CheckMonitor({ clock: systemClock, env: process.env, onCriticalFailure: (f) => failures.push(f) });
    monitors.push(m);
    const check: DesiredCheck = { ...base, name: 'exit', type: 'command', command: [process.execPath, '-e', 'process.exit(7)'], retries: 1 };
    m.watch([{ server: server([check]), instanceId: 'i1', workdir: tmpdir() }]);
    await waitFor(() => failures.length > 0, { what: 'the report' });
    expect(failures).toEqual([
      { server: 'svc', instanceId: 'i1', message: expect.stringMatching(/command check "exit" .* failed 2 times in a row: exited with code 7$/) as string },
    ]);
    expect(m.view('svc')).toBeUndefined();
  });

  it('a command check runs with the server env and in its cwd, never through a shell', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mcp-gitops-check-'));
    try {
      mkdirSync(join(root, 'tools', 'db'), { recursive: true });
      const ctx = { env: { WANT: 'yes' }, cwd: join(root, 'tools', 'db') };
      const script = "process.exit(process.env.WANT === 'yes' && process.cwd().endsWith('tools/db') ? 0 : 1)";
      expect(await attempt({ ...base, name: 'c', type: 'command', command: [process.execPath, '-e', script] }, ctx)).toBeUndefined();
      expect(await attempt({ ...base, name: 'c', type: 'command', command: ['echo hi; exit 0'] }, ctx)).toMatch(/ENOENT/);
      expect(
        await attempt({ ...base, timeoutSeconds: 0.3, name: 'c', type: 'command', command: [process.execPath, '-e', 'setTimeout(() => {}, 60000)'] }, ctx),
      ).toBe('no answer within 0.3s');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
