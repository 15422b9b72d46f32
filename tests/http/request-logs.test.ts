// Request logs through the daemon's own pino logger (secret scrubbing on): one plain line per
// request, probes and scrapes at debug, 5xx at error, and no secret, token or signature in any line.
import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createLogger } from '../../src/daemon/logger.js';
import { Masker } from '../../src/render/mask.js';
import { EventBus } from '../../src/reconciler/events.js';
import { deliveryHeaders, pushBody } from '../e2e/helpers/webhooks.js';
import { sampleStatus } from './helpers.js';

const SECRET = 'hook-secret-7d2e91';
const TOKEN = 'api-token-5c1b08';

interface Line {
  level: number;
  msg: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  [k: string]: unknown;
}

async function run(level: string) {
  const out: string[] = [];
  const logger = createLogger({
    level,
    mask: new Masker([SECRET, TOKEN]),
    destination: {
      write: (s: string) => {
        out.push(s);
      },
    },
  });
  const status = sampleStatus();
  const app = buildApp({
    status: () => status,
    ready: () => true,
    requestSync: () => 1,
    logger,
    webhookSecret: SECRET,
    apiToken: TOKEN,
    branch: () => 'main',
    metrics: createMetrics({ events: new EventBus(), status: () => status }),
  });
  app.get('/boom', () => {
    throw new Error(`backend said: token ${TOKEN} rejected`);
  });
  const body = pushBody('refs/heads/main', 'b'.repeat(40));
  const answers: number[] = [];
  const send = async (o: InjectOptions) => {
    answers.push((await app.inject(o)).statusCode);
  };
  await send({ method: 'GET', url: '/healthz' });
  await send({ method: 'GET', url: '/readyz' });
  await send({ method: 'GET', url: '/metrics' });
  await send({ method: 'GET', url: '/status?verbose=1' });
  for (const p of ['github', 'gitlab', 'gitea', 'bearer'] as const)
    await send({ method: 'POST', url: '/webhook', headers: deliveryHeaders(p, SECRET, body), payload: body });
  await send({ method: 'POST', url: '/webhook', headers: deliveryHeaders('github', SECRET, 'x'.repeat(2 << 20)), payload: 'x'.repeat(2 << 20) });
  await send({ method: 'POST', url: '/sync', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, payload: '{"force":true}' });
  await send({ method: 'POST', url: '/sync', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, payload: 'x'.repeat(2 << 20) });
  await send({ method: 'GET', url: '/boom' });
  await app.close();
  const text = out.join('');
  return { text, answers, lines: out.map((l) => JSON.parse(l) as Line).filter((l) => l.msg === 'request completed' || l.msg === 'request failed') };
}

const show = (lines: Line[]) => lines.map((l) => `${l.level} ${l.msg} ${l.req?.method ?? ''} ${l.req?.url ?? ''} ${l.res?.statusCode ?? ''}`.trim());

describe('request logs', () => {
  it('at info: one line per request, none for /healthz, /readyz, /metrics; a 5xx at error with its reason scrubbed', async () => {
    const { lines, answers, text } = await run('info');
    expect(answers).toEqual([200, 200, 200, 200, 202, 202, 202, 202, 413, 202, 413, 500]);
    expect(show(lines)).toEqual([
      '30 request completed GET /status 200',
      '30 request completed POST /webhook 202',
      '30 request completed POST /webhook 202',
      '30 request completed POST /webhook 202',
      '30 request completed POST /webhook 202',
      '30 request completed POST /webhook 413',
      '30 request completed POST /sync 202',
      '30 request completed POST /sync 413',
      '50 request failed GET /boom',
      '50 request completed GET /boom 500',
    ]);
    expect(lines.find((l) => l.msg === 'request failed')!.error).toEqual({ message: 'backend said: token *** rejected', code: null });
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(TOKEN);
  });

  it('at trace: probes and scrapes appear at debug; still no secret, token, signature or header value anywhere', async () => {
    const { lines, text } = await run('trace');
    expect(show(lines).slice(0, 3)).toEqual([
      '20 request completed GET /healthz 200',
      '20 request completed GET /readyz 200',
      '20 request completed GET /metrics 200',
    ]);
    const sig = deliveryHeaders('github', SECRET, pushBody('refs/heads/main', 'b'.repeat(40)))['x-hub-signature-256'];
    for (const needle of [SECRET, TOKEN, sig.slice(7), sig.slice(7, 27), 'Bearer', 'x-gitlab-token', 'verbose=1']) expect(text).not.toContain(needle);
  });
});
