// kind: Notifier against the real daemon: a local receiver gets a correctly signed webhook body and a
// slack body for a success and a revert; a receiver that does not answer or answers 500 never holds
// a sync back and is retried until it takes the notification; no secret reaches a body, /status or
// the logs.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { everythingStdio, exitAtStart } from './helpers/servers.js';
import { useWorld } from './helpers/use-world.js';
import { waitFor } from './helpers/wait-for.js';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
}

/** A receiver on 127.0.0.1: answers `answer()` (a status, or 'hold' to leave the request open until release()). */
class Receiver {
  readonly got: Received[] = [];
  answered = 0;
  answer: () => number | 'hold' = () => 200;
  private readonly held: ServerResponse[] = [];
  private server!: Server;
  port = 0;

  async listen(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.got.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
        const a = this.answer();
        if (a === 'hold') this.held.push(res);
        else this.reply(res, a);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  release(status: number): void {
    for (const res of this.held.splice(0)) this.reply(res, status);
  }

  bodies(pathPrefix: string): Record<string, unknown>[] {
    return this.got.filter((g) => g.path.startsWith(pathPrefix)).map((g) => JSON.parse(g.raw) as Record<string, unknown>);
  }

  close(): Promise<void> {
    this.release(503);
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private reply(res: ServerResponse, status: number): void {
    this.answered++;
    if (!res.destroyed) res.writeHead(status).end();
  }
}

const HOOK_KEY = 'hmac-key-Zq8v1Lw0x';
const HOOK_TOKEN = 'url-token-P4nR7sT2';
const SLACK_PATH = 'T0SLACK/B0SLACK/secretpart9X';
const SECRETS = { hook_key: HOOK_KEY, hook_token: HOOK_TOKEN, slack_path: SLACK_PATH };

function notifiers(port: number, events = '[succeeded, reverted, invalid]'): Record<string, string> {
  return {
    'notify/hooks.yaml': `apiVersion: mcp-gitops/v1
kind: Notifier
metadata: { name: hooks }
spec:
  type: webhook
  url: "http://127.0.0.1:${port}/hook?token={{ secrets.hook_token }}"
  secret: "{{ secrets.hook_key }}"
  events: ${events}
  servers: ["sv*"]
`,
    'notify/chat.yaml': `apiVersion: mcp-gitops/v1
kind: Notifier
metadata: { name: chat }
spec:
  type: slack
  url: "http://127.0.0.1:${port}/slack/{{ secrets.slack_path }}"
  events: [reverted]
`,
  };
}

const sign = (raw: string): string => `sha256=${createHmac('sha256', HOOK_KEY).update(raw).digest('hex')}`;

const s = useWorld();

describe('notifications', () => {
  it('a webhook receiver gets a signed body for a success, a revert and an invalid commit, slack a text; no secret in bodies, /status or logs', async () => {
    const { w } = s;
    const rx = s.later(await new Receiver().listen(), (r) => r.close());
    const good = w.repo.commit({ ...w.server('svc', everythingStdio()), ...notifiers(rx.port) });
    const d = await w.start({ env: SECRETS });
    await w.converged(d, good, ['svc']);
    await waitFor(() => rx.bodies('/hook').length >= 1, { what: 'the success notification' });

    const bad = w.repo.commit(w.server('svc', exitAtStart({ version: '2' })));
    await d.until('reverted', (x) => x.history[0]?.commit === bad && x.history[0].result === 'reverted', 60_000);
    await waitFor(() => rx.bodies('/hook').length >= 2 && rx.bodies('/slack').length >= 1, { what: 'the revert notifications' });

    const hooks = rx.got.filter((g) => g.path.startsWith('/hook'));
    for (const h of hooks) {
      expect(h.path).toBe(`/hook?token=${HOOK_TOKEN}`);
      expect(h.headers['content-type']).toBe('application/json');
      expect(h.headers['x-mcp-gitops-signature-256']).toBe(sign(h.raw));
    }
    const [first, second] = rx.bodies('/hook');
    expect(first).toMatchObject({
      event: 'succeeded',
      notifier: 'hooks',
      commit: good,
      result: 'succeeded',
      reason: 'Synced',
      servers: ['svc'],
      status: `${d.url}/status`,
    });
    expect(second).toMatchObject({ event: 'reverted', commit: bad, result: 'reverted', reason: 'InstanceExited', servers: ['svc'] });
    expect(String(second.message)).toMatch(/svc: process exited with code 1/);
    const slack = rx.got.filter((g) => g.path.startsWith('/slack'));
    expect(slack).toHaveLength(1);
    expect(slack[0].path).toBe(`/slack/${SLACK_PATH}`);
    expect(slack[0].headers['x-mcp-gitops-signature-256']).toBeUndefined();
    expect(Object.keys(JSON.parse(slack[0].raw) as object)).toEqual(['text']);
    expect((JSON.parse(slack[0].raw) as { text: string }).text).toMatch(new RegExp(`^mcp-gitops: reverted ${bad.slice(0, 7)} \\(InstanceExited\\) \\[svc\\]`));

    // an invalid commit names no server: it goes to every notifier that wants `invalid`
    const invalid = w.repo.commit({
      'servers/svc.yaml': 'apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata: { name: svc }\nspec: { version: "3", helth: {} }\n',
    });
    await waitFor(() => rx.bodies('/hook').length >= 3, { what: 'the invalid notification' });
    expect(rx.bodies('/hook')[2]).toMatchObject({ event: 'invalid', commit: invalid, result: 'invalid', reason: 'ValidationFailed', servers: [] });
    expect(String(rx.bodies('/hook')[2].message)).toMatch(/servers\/svc\.yaml:4:\d+: spec\.helth: unknown field/);
    expect(rx.got.at(-1)?.headers['x-mcp-gitops-signature-256']).toBe(sign(rx.got.at(-1)!.raw));

    const st = await d.until('deliveries in /status', (x) => (x.notifiers ?? []).find((n) => n.name === 'hooks')?.deliveries === 3);
    expect(st.notifiers).toEqual([
      expect.objectContaining({
        name: 'chat',
        type: 'slack',
        url: 'http://127.0.0.1:' + String(rx.port) + '/slack/***',
        deliveries: 1,
        failures: 0,
        lastError: null,
      }),
      expect.objectContaining({ name: 'hooks', type: 'webhook', url: `http://127.0.0.1:${rx.port}/hook?token=***`, deliveries: 3, failures: 0 }),
    ]);
    const everything = [...rx.got.map((g) => g.raw), JSON.stringify(st), JSON.stringify(d.logs), d.stderr, await (await fetch(`${d.url}/metrics`)).text()].join(
      '\n',
    );
    for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
    expect(JSON.stringify(d.logs)).toMatch(/notification delivered/);
  }, 120_000);

  it('a receiver that does not answer or answers 500 never holds a sync back, and is retried until it takes the notification', async () => {
    const { w } = s;
    const rx = s.later(await new Receiver().listen(), (r) => r.close());
    rx.answer = () => 'hold';
    const c1 = w.repo.commit({ ...w.server('svc', everythingStdio()), ...notifiers(rx.port, '[succeeded]') });
    const d = await w.start({ env: SECRETS });
    await w.converged(d, c1, ['svc']);
    await waitFor(() => rx.got.length >= 1, { what: 'the first delivery attempt' });
    const c2 = w.repo.commit(w.server('svc', everythingStdio({ version: '2' })));
    await w.converged(d, c2, ['svc']);
    // both syncs finished while the receiver had answered nothing at all
    expect(rx.answered).toBe(0);

    let n = 0;
    rx.answer = () => (++n <= 2 ? 500 : 200);
    rx.release(500);
    await waitFor(() => rx.bodies('/hook').filter((b) => b.commit === c2).length > 0 && rx.answered >= 4, {
      what: 'the retried deliveries',
      timeoutMs: 60_000,
    });
    const st = await d.until('both delivered', (x) => x.notifiers?.find((h) => h.name === 'hooks')?.deliveries === 2, 60_000);
    const hooks = st.notifiers!.find((h) => h.name === 'hooks')!;
    expect(hooks.failures).toBeGreaterThanOrEqual(3);
    expect(hooks.lastDelivery).toMatchObject({ event: 'succeeded', commit: c2, status: 200 });
    expect(hooks.lastError?.message).toMatch(/answered 500|no answer/);
    // in order: the first commit's notification before the second's
    const delivered = rx.bodies('/hook').map((b) => b.commit);
    expect(delivered.indexOf(c1)).toBeLessThan(delivered.lastIndexOf(c2));
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    expect(metrics).toMatch(/mcp_gitops_notification_failures_total\{notifier="hooks"\} [3-9]/);
    expect(metrics).toMatch(/mcp_gitops_notification_deliveries_total\{notifier="hooks"\} 2/);
  }, 120_000);
});
