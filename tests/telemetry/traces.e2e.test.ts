// Traces from the real daemon into an in-process OTLP/HTTP receiver: the span tree of a sync and
// of a sync that reverts, a gateway tools/call under the client's traceparent, that traceparent
// (re-parented on the gateway's span) at the HTTP upstream, and no secret in any exported byte.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../e2e/helpers/procs.js';
import { exitAtStart, fixture, type Spec } from '../e2e/helpers/servers.js';
import { waitFor } from '../e2e/helpers/wait-for.js';
import { World } from '../e2e/helpers/world.js';
import { OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

const SECRETS = { version: `sv${randomBytes(8).toString('hex')}`, token: `st${randomBytes(8).toString('hex')}` };
const SERVER_KIND = 2;
const ERROR = 2;

describe('OpenTelemetry traces (OTLP/HTTP)', () => {
  let w: World | undefined;
  let otlp: OtlpReceiver | undefined;
  afterEach(async () => {
    await w?.cleanup();
    await otlp?.close();
  });

  it('exports a sync, a reverted sync and a gateway tools/call as span trees; traceparent reaches the HTTP upstream; no secret', async () => {
    w = new World();
    otlp = await OtlpReceiver.start();
    const secretsDir = join(w.dir, 'secrets');
    mkdirSync(secretsDir);
    for (const [k, v] of Object.entries(SECRETS)) writeFileSync(join(secretsDir, k), `${v}\n`);
    const port = await freePort();
    const upstreamLog = join(w.dir, 'traceparent.log');
    const http: Spec = {
      version: '1-{{ secrets.version }}',
      args: [fixture('traceparent-http.mjs')],
      transport: 'streamable-http',
      port,
      env: { PORT_OUTER: String(port), TRACEPARENT_LOG: upstreamLog, TOKEN: '{{ secrets.token }}' },
      expectTools: ['echo'],
    };
    const good = w.repo.commit(w.server('svc', http));
    const d = await w.start({
      env: {
        MCP_GITOPS_SECRETS_DIR: secretsDir,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=e2e',
      },
    });
    await w.converged(d, good, ['svc']);

    // a client with its own trace calls a tool through the gateway
    const traceId = randomBytes(16).toString('hex');
    const clientSpan = randomBytes(8).toString('hex');
    const client = new Client({ name: 'otel-e2e', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${d.url}/mcp/svc`), { requestInit: { headers: { traceparent: `00-${traceId}-${clientSpan}-01` } } }),
    );
    const echoed = await client.callTool({ name: 'echo', arguments: { message: `hello ${SECRETS.token}` } });
    expect(JSON.stringify(echoed)).toContain('hello');
    await client.close();

    // a commit whose server exits at start: gate fails, the sync reverts
    const bad = w.repo.commit(w.server('svc', exitAtStart({ version: '2-{{ secrets.version }}' })));
    await d.until('bad commit reverted', (s) => s.history[0]?.commit === bad && s.history[0].result === 'reverted');

    const spans = otlp.spans;
    const find = (what: string, pred: (s: ReceivedSpan) => boolean): Promise<ReceivedSpan> =>
      waitFor(() => spans.find(pred), { what: `span: ${what}`, timeoutMs: 20_000 });
    const children = (p: ReceivedSpan): ReceivedSpan[] => spans.filter((s) => s.parentSpanId === p.spanId && s.traceId === p.traceId);

    // the first sync: sync → wave 1 → start svc, gate svc
    const sync1 = await find(
      'sync of the good commit',
      (s) => s.name === 'sync' && s.attributes['mcp_gitops.commit'] === good && 'mcp_gitops.sync.result' in s.attributes,
    );
    expect(sync1.attributes).toMatchObject({ 'mcp_gitops.sync.result': 'succeeded', 'mcp_gitops.reason': 'Synced' });
    expect(sync1.parentSpanId || undefined).toBeUndefined();
    expect(sync1.resource).toMatchObject({ 'service.name': 'mcp-gitops', 'deployment.environment.name': 'e2e' });
    const wave1 = children(sync1).find((s) => s.name === 'wave 1');
    expect(wave1?.attributes['mcp_gitops.wave.servers']).toEqual(['svc']);
    expect(
      children(wave1!)
        .map((s) => s.name)
        .sort(),
    ).toEqual(['gate svc', 'start svc']);
    const gate1 = children(wave1!).find((s) => s.name === 'gate svc')!;
    expect(gate1.attributes['mcp_gitops.server']).toBe('svc');
    expect(gate1.attributes['mcp_gitops.tools.count']).toBeGreaterThan(0);
    expect(
      children(gate1)
        .map((s) => s.name)
        .sort(),
    ).toEqual(['handshake', 'tools/list']);

    // the reverted sync: sync (reverted) → wave 1 → failed start/gate of svc; and → revert
    const sync2 = await find(
      'sync of the bad commit',
      (s) => s.name === 'sync' && s.attributes['mcp_gitops.commit'] === bad && 'mcp_gitops.sync.result' in s.attributes,
    );
    expect(sync2.attributes['mcp_gitops.sync.result']).toBe('reverted');
    expect(sync2.status?.code).toBe(ERROR);
    const kids2 = children(sync2);
    expect(kids2.map((s) => s.name).sort()).toEqual(['revert', 'wave 1']);
    const revert = kids2.find((s) => s.name === 'revert')!;
    expect(revert.attributes).toMatchObject({ 'mcp_gitops.revert.from': bad, 'mcp_gitops.revert.to': good });
    const failed = children(kids2.find((s) => s.name === 'wave 1')!).find((s) => s.status?.code === ERROR);
    expect(failed?.attributes['mcp_gitops.server']).toBe('svc');
    expect(failed?.attributes['error.type']).toBe(revert.attributes['mcp_gitops.reason']);

    // the gateway's tools/call: a SERVER span under the client's span, with the MCP attributes
    const call = await find('gateway tools/call', (s) => s.attributes['mcp.method.name'] === 'tools/call');
    expect(call).toMatchObject({ name: 'tools/call echo', kind: SERVER_KIND, traceId, parentSpanId: clientSpan });
    expect(call.attributes).toMatchObject({ 'gen_ai.tool.name': 'echo', 'mcp_gitops.server': 'svc' });
    const status = await d.status();
    expect(call.attributes['mcp_gitops.instance.id']).toBe(status.servers[0].instanceId);
    for (const k of ['mcp.session.id', 'jsonrpc.request.id']) expect(typeof call.attributes[k], k).toBe('string');
    expect(call.attributes['error.type']).toBeUndefined();
    expect(String(call.attributes['mcp_gitops.server.version'])).toMatch(/^1-/);
    const init = await find('gateway initialize', (s) => s.attributes['mcp.method.name'] === 'initialize' && s.traceId === traceId);
    expect(init.attributes['mcp.session.id']).toBe(call.attributes['mcp.session.id']);

    // the HTTP upstream saw the same trace, re-parented on the gateway's span
    const seen = readFileSync(upstreamLog, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('tools/call '));
    expect(seen).toEqual([`tools/call 00-${traceId}-${call.spanId}-01`]);

    // no secret value in any exported byte
    await d.stop();
    const all = Buffer.concat(otlp.raw).toString('utf8');
    expect(all.length).toBeGreaterThan(0);
    for (const v of Object.values(SECRETS)) expect(all.includes(v), `${v} exported`).toBe(false);
    expect(all).toContain('1-***');
  }, 120_000);
});
