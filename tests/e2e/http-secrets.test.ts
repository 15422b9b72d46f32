// A real run that handles every kind of secret, then a grep of everything the daemon showed or
// wrote: no secret value anywhere. Secrets: a file in --secrets-dir and a token variable fed from the
// daemon's environment (both in a server's args and env), the git token of an authenticated remote,
// the webhook secret and the API token. The run includes a server that prints its secrets and dies,
// so they reach gate failures, revert reasons, history and logs (masked there).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { marked } from './helpers/procs.js';
import { ServedRepo } from './helpers/served-repo.js';
import { EVERYTHING } from './helpers/servers.js';
import { SseStream, type SseEvent } from './helpers/sse.js';
import { deliver, deliveryHeaders, pushBody } from './helpers/webhooks.js';
import { useWorld } from './helpers/use-world.js';

const value = (what: string): string => `${what}-${randomBytes(12).toString('hex')}`;
const SECRETS = {
  file: value('file-secret'),
  tokenVar: value('token-var'),
  git: value('git-token'),
  webhook: value('webhook-secret'),
  api: value('api-token'),
};

const scene = useWorld();

/** A server document whose args and env carry the file secret and the token variable. */
function secretServer(args: string[]): Record<string, string> {
  const spec = {
    version: '1',
    command: process.execPath,
    args: [...args, '--api-key={{ secrets.svc_api_key }}'],
    env: { E2E_RUN: scene.w.marker, API_KEY: '{{ secrets.svc_api_key }}', SVC_TOKEN: '{{ vars.svc_token }}' },
    variables: [{ name: 'svc_token', type: 'token', required: true }],
    health: { timeoutSeconds: 15, expectTools: ['echo'] },
  };
  return { 'servers/vault.yaml': `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata:\n  name: vault\nspec: ${JSON.stringify(spec)}\n` };
}

const LEAK = "console.error('starting with key ' + process.env.API_KEY + ' and token ' + process.env.SVC_TOKEN); process.exit(3)";
const finished =
  (commit: string, n = 1) =>
  (events: SseEvent[]) =>
    events.filter((e) => e.event === 'sync.finished' && e.data.commit === commit).length >= n;

describe('secrets never leave the daemon', () => {
  it('logs (trace), /status, /metrics, /events, HTTP answers and state.json of a run with every kind of secret hold none of them', async () => {
    const w = scene.w;
    const secretsDir = join(w.dir, 'secrets');
    mkdirSync(secretsDir);
    writeFileSync(join(secretsDir, 'svc_api_key'), `${SECRETS.file}\n`);
    const good = w.repo.commit(secretServer([EVERYTHING, 'stdio']));
    const served = scene.later(await ServedRepo.start(w.repo, join(w.dir, 'served'), SECRETS.git), (r) => r.close());
    const d = await w.start({
      repo: served.url,
      interval: 3600,
      env: {
        MCP_GITOPS_WEBHOOK_SECRET: SECRETS.webhook,
        MCP_GITOPS_API_TOKEN: SECRETS.api,
        MCP_GITOPS_GIT_TOKEN: SECRETS.git,
        MCP_GITOPS_SECRETS_DIR: secretsDir,
        MCP_GITOPS_LOG_LEVEL: 'trace',
        svc_token: SECRETS.tokenVar,
      },
    });
    const sse = scene.later(await SseStream.open(`${d.url}/events`, { 'last-event-id': '0' }), (x) => x.close());
    await w.converged(d, good, ['vault']);
    const answers: string[] = [];

    // a commit whose server prints both secrets and exits: gate failed, reverted
    w.repo.commit(secretServer(['-e', LEAK, '--']), 'leaky');
    const bad = served.push();
    const body = pushBody('refs/heads/main', bad);
    const hook = await deliver(d.url, deliveryHeaders('github', SECRETS.webhook, body), body);
    expect(hook.status).toBe(202);
    answers.push(JSON.stringify(hook.json));
    await sse.until('the leaky commit reverted', finished(bad));

    // wrong and right API tokens; force retries the failed commit (and reverts it again)
    const sync = (token: string) =>
      fetch(`${d.url}/sync`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"force": true}' });
    const wrong = await sync(`${SECRETS.api}x`);
    expect(wrong.status).toBe(401);
    answers.push(await wrong.text());
    const forced = await sync(SECRETS.api);
    expect(forced.status).toBe(202);
    answers.push(await forced.text());
    const queued = JSON.parse(answers.at(-1)!) as { queued: boolean; syncId: number; force: boolean };
    expect(queued).toMatchObject({ queued: true, force: true });
    await sse.until('the forced retry reverted too', finished(bad, 2));
    // the id /sync answered is the id of the sync that retried the failed commit
    expect(
      sse
        .ofType('sync.started')
        .filter((e) => e.data.commit === bad)
        .map((e) => e.data.syncId)[1],
    ).toBe(queued.syncId);
    const wrongHook = await deliver(d.url, deliveryHeaders('gitlab', `${SECRETS.webhook}-nope`, body), body);
    expect(wrongHook.status).toBe(401);
    answers.push(JSON.stringify(wrongHook.json));

    const status = await w.converged(d, good, ['vault']);
    expect(status.history.map((h) => h.result)).toEqual(['reverted', 'reverted', 'succeeded']);
    // the secrets did travel through the failure path, and came out masked
    expect(status.failedRevision?.reason).toContain('starting with key *** and token ***');
    expect(sse.events.some((e) => e.event === 'gate.failed' && String(e.data.reason).includes('key *** and token ***'))).toBe(true);

    const replay = await SseStream.open(`${d.url}/events`, { 'last-event-id': '0' });
    await replay.until('the replay to reach the last event', (events) => events.length >= sse.events.length);
    replay.close();
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    // the grep can see a secret where one really is: in the running server's command line and env
    const reached = marked(w.marker).some(
      (p) =>
        p.args.includes(`--api-key=${SECRETS.file}`) && readFileSync(`/proc/${p.pid}/environ`, 'utf8').split('\0').includes(`SVC_TOKEN=${SECRETS.tokenVar}`),
    );
    expect(metrics).toMatch(/^mcp_gitops_sync_total\{result="reverted"\} 2$/m);
    await d.stop();
    const shown: Record<string, string> = {
      'daemon stdout (JSON logs, trace)': JSON.stringify(d.logs),
      'daemon stderr': d.stderr,
      '/status': JSON.stringify(status),
      '/metrics': metrics,
      '/events (live)': sse.raw,
      '/events (replay)': replay.raw,
      'HTTP answers': answers.join('\n'),
      'state.json': readFileSync(join(w.stateDir, 'state.json'), 'utf8'),
    };
    expect(
      d.logs.some((l) => l.level <= 20),
      'debug/trace lines were written',
    ).toBe(true);
    expect(
      d.logs.some((l) => JSON.stringify(l).includes('key *** and token ***')),
      'the leaked line reached the logs, masked',
    ).toBe(true);
    expect(reached, 'the secrets reached the server (args and env)').toBe(true);
    for (const [where, text] of Object.entries(shown)) {
      for (const [name, secret] of Object.entries(SECRETS)) expect(text.includes(secret), `${name} secret in ${where}`).toBe(false);
    }
  }, 120_000);
});
