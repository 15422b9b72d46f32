// POST /suspend and /resume: the API token, the body, the answers; /sync refused while suspended;
// the mcp_gitops_suspended gauge; a state dir that refuses the write is said, not hidden.
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { EventBus } from '../../src/reconciler/events.js';
import type { StatusView } from '../../src/reconciler/status.js';
import type { Suspension } from '../../src/state/model.js';
import { StateWriteError } from '../../src/state/state-error.js';
import { sampleStatus } from './helpers.js';

const TOKEN = 'api-token-value-789';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

function setup(o: { apiToken?: string; failWrite?: boolean } = { apiToken: TOKEN }) {
  let suspended: Suspension | null = null;
  const syncs: string[] = [];
  const status = (): StatusView => ({ ...sampleStatus(), suspended });
  const app = buildApp({
    status,
    ready: () => true,
    metrics: createMetrics({ events: new EventBus(), status }),
    ...(o.apiToken !== undefined && { apiToken: o.apiToken }),
    requestSync: (reason) => syncs.push(reason),
    suspension: {
      suspended: () => suspended !== null,
      suspend: async (reason) => {
        const changed = suspended === null;
        suspended ??= { by: 'api', at: '2026-12-02T04:00:00.000Z', reason };
        if (o.failWrite) throw new StateWriteError('/state', Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' }));
        return Promise.resolve({ suspended, changed });
      },
      resume: async () => {
        const resumed = suspended !== null;
        suspended = null;
        return Promise.resolve({ resumed, syncId: syncs.push('resume') });
      },
    },
  });
  return { app, syncs };
}

describe('POST /suspend and /resume', () => {
  it('need the API token: 401 without or with a wrong one, 403 when the daemon has none', async () => {
    const { app } = setup();
    for (const url of ['/suspend', '/resume']) {
      expect((await app.inject({ method: 'POST', url })).statusCode).toBe(401);
      expect((await app.inject({ method: 'POST', url, headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
      const off = await setup({}).app.inject({ method: 'POST', url, headers: auth });
      expect(off.statusCode).toBe(403);
      expect(off.json()).toEqual({ error: `POST ${url} is disabled: MCP_GITOPS_API_TOKEN is not set` });
    }
  });

  it('suspends with a reason (one line, capped), refuses /sync with 409, shows the gauge; resume queues a sync', async () => {
    const { app, syncs } = setup();
    const gauge = async () => /^mcp_gitops_suspended (\d)$/m.exec((await app.inject({ method: 'GET', url: '/metrics' })).body)?.[1];
    expect(await gauge()).toBe('0');
    const res = await app.inject({ method: 'POST', url: '/suspend', headers: auth, payload: JSON.stringify({ reason: `freeze\n${'x'.repeat(600)}` }) });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ suspended: Suspension; changed: boolean }>();
    expect(body).toMatchObject({ changed: true, suspended: { by: 'api' } });
    expect(body.suspended.reason).toBe(`freeze ${'x'.repeat(493)}`);
    expect(await gauge()).toBe('1');
    expect((await app.inject({ method: 'GET', url: '/status' })).json()).toMatchObject({ suspended: { by: 'api' } });
    const again = await app.inject({ method: 'POST', url: '/suspend', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(again.json()).toMatchObject({ changed: false });

    const sync = await app.inject({ method: 'POST', url: '/sync', headers: auth, payload: '{}' });
    expect(sync.statusCode).toBe(409);
    expect(sync.json()).toEqual({ error: 'the daemon is suspended: POST /resume (mcp-gitops resume) applies the head' });
    expect(syncs).toEqual([]);

    const resumed = await app.inject({ method: 'POST', url: '/resume', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(resumed.statusCode).toBe(202);
    expect(resumed.json()).toEqual({ resumed: true, syncId: 1 });
    expect(await gauge()).toBe('0');
    expect((await app.inject({ method: 'POST', url: '/sync', headers: auth, payload: '{}' })).statusCode).toBe(202);
  });

  it('400 on a reason that is not a string or a body that is not an object, 415 on text/plain', async () => {
    const { app } = setup();
    const post = (payload: string, type = 'application/json') =>
      app.inject({ method: 'POST', url: '/suspend', headers: { ...auth, 'content-type': type }, payload });
    expect((await post('{"reason": 5}')).json()).toEqual({ error: 'reason must be a string' });
    expect((await post('[1]')).statusCode).toBe(400);
    expect((await post('reason', 'text/plain')).statusCode).toBe(415);
    expect((await app.inject({ method: 'GET', url: '/status' })).json()).toMatchObject({ suspended: null });
  });

  it('checks Host like /sync: a rebinding page cannot suspend the daemon', async () => {
    const { app } = setup();
    const res = await app.inject({ method: 'POST', url: '/suspend', headers: { ...auth, host: 'evil.example' }, payload: '{}' });
    expect(res.statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/status' })).json()).toMatchObject({ suspended: null });
  });

  it('503 naming the state dir when the suspension cannot be saved', async () => {
    const res = await setup({ apiToken: TOKEN, failWrite: true }).app.inject({ method: 'POST', url: '/suspend', headers: auth, payload: '{}' });
    expect(res.statusCode).toBe(503);
    expect(res.json<{ error: string }>().error).toMatch(/^suspended, but not saved yet .*cannot write the state file in \/state: ENOSPC/);
  });
});
