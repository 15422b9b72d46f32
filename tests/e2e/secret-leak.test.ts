// A secret in every templatable field, each made to fail (gate failure, start failure), through the
// real daemon with the process runtime; then a search of every output for the secret values and
// every form a template filter made of them: logs, /status, /events, /metrics, state.json and the
// CLI's render, validate and plan output. None may appear.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { sink } from '../cli/helpers/run-cli.js';
import { EVERYTHING, fixture } from './helpers/servers.js';
import { SseStream, type SseEvent } from './helpers/sse.js';
import { useWorld } from './helpers/use-world.js';

const value = (what: string): string => `${what}-${randomBytes(8).toString('hex')}`;
const SECRETS = {
  tool: value('tool'),
  version: value('ver'),
  arg: value('arg'),
  url: value('url'),
  upper: value('up'),
  env: value('env'),
  cmd: value('cmd'),
  cwd: value('cwd'),
  path: value('path'),
  token: value('tokenvar'),
};
const API_TOKEN = value('api');
/** The values and what filters in the specs below make of them. */
const FORMS = [...Object.values(SECRETS), SECRETS.upper.toUpperCase(), API_TOKEN];

const scene = useWorld();

function doc(name: string, spec: Record<string, unknown>): Record<string, string> {
  return { [`servers/${name}.yaml`]: `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata:\n  name: ${name}\nspec: ${JSON.stringify(spec)}\n` };
}

const PRINT_AND_DIE = "console.error('argv ' + process.argv.slice(1).join(' ') + ' env ' + process.env.K + ' ' + process.env.T); process.exit(3)";

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  await new Promise((r) => srv.close(r));
  return typeof addr === 'object' && addr ? addr.port : 0;
}

/** One failing server per templatable field; `marker` tags every process for clean-up. */
function cases(marker: string, port: number): { field: string; files: Record<string, string> }[] {
  const base = { command: process.execPath, env: { E2E_RUN: marker }, health: { timeoutSeconds: 15, expectTools: [] as string[] } };
  return [
    {
      field: 'health.expectTools and version',
      files: doc('tools', {
        ...base,
        version: 'v-{{ secrets.version }}',
        args: [EVERYTHING, 'stdio'],
        health: { timeoutSeconds: 15, expectTools: ['echo', '{{ secrets.tool }}'] },
      }),
    },
    {
      field: 'args (a URL in one), env, a token variable',
      files: doc('printer', {
        ...base,
        version: '1',
        args: ['-e', PRINT_AND_DIE, '--', '--key={{ secrets.arg }}', 'https://user:{{ secrets.url }}@host/{{ secrets.upper | upper }}'],
        env: { E2E_RUN: marker, K: 'pre-{{ secrets.env }}-post', T: '{{ vars.tok }}' },
        variables: [{ name: 'tok', type: 'token', required: true }],
      }),
    },
    { field: 'command', files: doc('cmd', { ...base, version: '1', command: '/nonexistent-{{ secrets.cmd }}/node', args: [] }) },
    { field: 'cwd', files: doc('cwd', { ...base, version: '1', cwd: 'missing-{{ secrets.cwd }}', args: [EVERYTHING, 'stdio'] }) },
    {
      field: 'path (the HTTP endpoint URL)',
      files: doc('web', {
        ...base,
        version: '1',
        transport: 'streamable-http',
        port,
        path: '/mcp-{{ secrets.path }}',
        args: [fixture('delayed-http.mjs')],
        env: { E2E_RUN: marker, PORT: String(port), DELAY_MS: '0' },
        health: { timeoutSeconds: 10, expectTools: [] },
      }),
    },
  ];
}

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const stdout = sink(),
    stderr = sink();
  const code = await main(args, { stdout, stderr, env });
  return `exit ${code}\n${stdout.text()}\n${stderr.text()}`;
}

const finished = (commit: string) => (events: SseEvent[]) => events.find((e) => e.event === 'sync.finished' && e.data.commit === commit);

describe('no secret value leaves the daemon after a failure in any templated field', () => {
  it('masks secrets from every field in logs, /status, /events, /metrics, state.json and CLI output', async () => {
    const w = scene.w;
    const secretsDir = join(w.dir, 'secrets');
    mkdirSync(secretsDir);
    for (const [name, v] of Object.entries(SECRETS)) writeFileSync(join(secretsDir, name), `${v}\n`);
    const good = w.repo.commit(
      doc('base', {
        command: process.execPath,
        version: '1',
        args: [EVERYTHING, 'stdio'],
        env: { E2E_RUN: w.marker },
        health: { timeoutSeconds: 15, expectTools: ['echo'] },
      }),
    );
    const d = await w.start({
      interval: 3600,
      env: { MCP_GITOPS_SECRETS_DIR: secretsDir, MCP_GITOPS_LOG_LEVEL: 'trace', MCP_GITOPS_API_TOKEN: API_TOKEN, tok: SECRETS.token },
    });
    const sse = scene.later(await SseStream.open(`${d.url}/events`, { 'last-event-id': '0' }), (x) => x.close());
    await w.converged(d, good, ['base']);

    const shown: Record<string, string> = {};
    const failures: string[] = [];
    for (const c of cases(w.marker, await freePort())) {
      const commit = w.repo.commit(c.files, c.field);
      const sync = await fetch(`${d.url}/sync`, { method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}` } });
      expect(sync.status).toBe(202);
      const done = await sse.until(`the ${c.field} commit to finish`, finished(commit), 60_000);
      const status = await d.until(`${c.field}: the failure in /status`, (x) => x.failedRevision?.commit === commit && x.phase !== 'Progressing');
      expect(done.data.result, `${c.field}: the sync failed`).not.toBe('succeeded');
      failures.push(`${c.field}: ${String(done.data.message)}`);
      shown[`/status after ${c.field}`] = JSON.stringify(status);
      w.repo.commit(Object.fromEntries(Object.keys(c.files).map((f) => [f, null])), `drop ${c.field}`);
    }
    await w.converged(d, w.repo.head(), ['base']);
    // the secrets did travel through the failure paths and came out masked
    const reasons = failures.join('\n');
    expect(reasons).toMatch(/tools: .*\*\*\*/);
    expect(reasons).toMatch(/printer: .*--key=\*\*\* https:\/\/user:\*\*\*@host\/\*\*\* env pre-\*\*\*-post \*\*\*/);
    expect(reasons).toMatch(/cmd: .*nonexistent-\*\*\*/);
    expect(reasons).toMatch(/cwd: .*missing-\*\*\*/);

    const replay = await SseStream.open(`${d.url}/events`, { 'last-event-id': '0' });
    await replay.until('the replay to reach the last event', (events) => events.length >= sse.events.length);
    replay.close();
    shown['/metrics'] = await (await fetch(`${d.url}/metrics`)).text();
    await d.stop();
    const env = { MCP_GITOPS_SECRETS_DIR: secretsDir, tok: SECRETS.token };
    const all = cases(w.marker, 1).reduce((acc, c) => ({ ...acc, ...c.files }), {});
    w.repo.commit(all, 'every case at once');
    for (const cmd of ['render', 'validate', 'plan']) {
      shown[`mcp-gitops ${cmd}`] = await cli([cmd, '--repo', w.repo.dir, '--state-dir', w.stateDir, ...(cmd === 'validate' ? [] : ['-o', 'json'])], env);
    }
    expect(shown['mcp-gitops render']).toContain('"--key=***"');
    Object.assign(shown, {
      'daemon stdout (JSON logs, trace)': JSON.stringify(d.logs),
      'daemon stderr': d.stderr,
      '/events (live)': sse.raw,
      '/events (replay)': replay.raw,
      'state.json': readFileSync(join(w.stateDir, 'state.json'), 'utf8'),
    });
    expect(
      d.logs.some((l) => JSON.stringify(l).includes('--key=***')),
      'the printed line reached the logs, masked',
    ).toBe(true);
    for (const [where, text] of Object.entries(shown)) {
      for (const secret of FORMS) expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
    }
  }, 240_000);
});
