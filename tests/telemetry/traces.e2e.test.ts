// Traces from the real daemon into an in-process OTLP/HTTP receiver: the span tree of a sync, of a
// sync that reverts and of an invalid commit (fetch, validate, waves, starts, gates and their steps,
// revert), a gateway tools/call under the client's traceparent (header, or params._meta), that trace
// (re-parented on the gateway's span) at the HTTP upstream's header and the stdio upstream's _meta,
// and no secret in any exported byte.
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
    const meta = w.server('meta', { args: [fixture('meta-echo.mjs')], version: '1-{{ secrets.version }}', expectTools: ['meta'] });
    const good = w.repo.commit({ ...meta, ...w.server('svc', http) });
    const d = await w.start({
      env: {
        MCP_GITOPS_SECRETS_DIR: secretsDir,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=e2e',
      },
    });
    await w.converged(d, good, ['meta', 'svc']);

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

    // another client sends its trace in params._meta (no header) to the stdio server, which answers the _meta it got
    const metaTrace = randomBytes(16).toString('hex');
    const metaParent = randomBytes(8).toString('hex');
    const stdioClient = new Client({ name: 'otel-e2e-meta', version: '1' });
    await stdioClient.connect(new StreamableHTTPClientTransport(new URL(`${d.url}/mcp/meta`)));
    const got = (await stdioClient.callTool({ name: 'meta', arguments: {}, _meta: { traceparent: `00-${metaTrace}-${metaParent}-01` } })) as {
      content: { text: string }[];
    };
    await stdioClient.close();
    const upstreamMeta = JSON.parse(got.content[0].text) as Record<string, unknown>;

    // a commit whose server exits at start: gate fails, the sync reverts
    const bad = w.repo.commit(w.server('svc', exitAtStart({ version: '2-{{ secrets.version }}' })));
    await d.until('bad commit reverted', (s) => s.history[0]?.commit === bad && s.history[0].result === 'reverted');
    // and a commit that does not validate
    const invalid = w.repo.commit({
      'servers/broken.yaml':
        'apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata:\n  name: broken\nspec: { version: "3-{{ secrets.version }}", port: "{{ secrets.token }}" }\n',
    });
    await d.until('invalid commit refused', (s) => s.history[0]?.commit === invalid && s.history[0].result === 'invalid');

    const spans = otlp.spans;
    const find = (what: string, pred: (s: ReceivedSpan) => boolean): Promise<ReceivedSpan> =>
      waitFor(() => spans.find(pred), { what: `span: ${what}`, timeoutMs: 20_000 });
    const children = (p: ReceivedSpan): ReceivedSpan[] => spans.filter((s) => s.parentSpanId === p.spanId && s.traceId === p.traceId);
    const names = (p: ReceivedSpan): string[] =>
      children(p)
        .map((s) => s.name)
        .sort();
    const ns = (s: ReceivedSpan | undefined, k: 'startTimeUnixNano' | 'endTimeUnixNano'): bigint => BigInt(s?.[k] ?? -1);

    // the first sync: sync → wave 1 → start svc, gate svc
    const sync1 = await find(
      'sync of the good commit',
      (s) => s.name === 'sync' && s.attributes['mcp_gitops.commit'] === good && 'mcp_gitops.sync.result' in s.attributes,
    );
    expect(sync1.attributes).toMatchObject({ 'mcp_gitops.sync.result': 'succeeded', 'mcp_gitops.reason': 'Synced' });
    expect(sync1.parentSpanId || undefined).toBeUndefined();
    expect(sync1.resource).toMatchObject({ 'service.name': 'mcp-gitops', 'deployment.environment.name': 'e2e' });
    expect(names(sync1)).toEqual(['fetch', 'validate', 'wave 1']);
    const [fetch1, validate1, wave1] = ['fetch', 'validate', 'wave 1'].map((n) => children(sync1).find((s) => s.name === n)!);
    // fetch, then validate, then the rollout; the sync spans them all
    expect(ns(sync1, 'startTimeUnixNano')).toBe(ns(fetch1, 'startTimeUnixNano'));
    expect(ns(fetch1, 'endTimeUnixNano')).toBeLessThanOrEqual(ns(validate1, 'startTimeUnixNano'));
    expect(ns(validate1, 'endTimeUnixNano')).toBeLessThanOrEqual(ns(wave1, 'startTimeUnixNano'));
    expect(ns(wave1, 'endTimeUnixNano')).toBeLessThanOrEqual(ns(sync1, 'endTimeUnixNano'));
    expect(wave1.attributes['mcp_gitops.wave.servers']).toEqual(['meta', 'svc']);
    expect(names(wave1)).toEqual(['gate meta', 'gate svc', 'start meta', 'start svc']);
    const gate1 = children(wave1).find((s) => s.name === 'gate svc')!;
    expect(gate1.attributes['mcp_gitops.server']).toBe('svc');
    expect(gate1.attributes['mcp_gitops.tools.count']).toBeGreaterThan(0);
    expect(names(gate1)).toEqual(['handshake', 'tools/list']);

    // the reverted sync: sync (reverted) → wave 1 → failed start/gate of svc; and → revert
    const sync2 = await find(
      'sync of the bad commit',
      (s) => s.name === 'sync' && s.attributes['mcp_gitops.commit'] === bad && 'mcp_gitops.sync.result' in s.attributes,
    );
    expect(sync2.attributes['mcp_gitops.sync.result']).toBe('reverted');
    expect(sync2.status?.code).toBe(ERROR);
    const kids2 = children(sync2);
    expect(names(sync2)).toEqual(['fetch', 'revert', 'validate', 'wave 1']);
    const revert = kids2.find((s) => s.name === 'revert')!;
    expect(revert.attributes).toMatchObject({ 'mcp_gitops.revert.from': bad, 'mcp_gitops.revert.to': good });
    const failed = children(kids2.find((s) => s.name === 'wave 1')!).find((s) => s.status?.code === ERROR);
    expect(failed?.attributes['mcp_gitops.server']).toBe('svc');
    expect(failed?.attributes['error.type']).toBe(revert.attributes['mcp_gitops.reason']);

    // the invalid commit: a sync of its fetch and a failed validate, nothing rolled out
    const sync3 = await find(
      'sync of the invalid commit',
      (s) => s.name === 'sync' && s.attributes['mcp_gitops.commit'] === invalid && 'mcp_gitops.sync.result' in s.attributes,
    );
    expect(sync3.attributes['mcp_gitops.sync.result']).toBe('invalid');
    expect(names(sync3)).toEqual(['fetch', 'validate']);
    const validate3 = children(sync3).find((s) => s.name === 'validate')!;
    expect(validate3.status?.code).toBe(ERROR);
    expect(validate3.attributes['error.type']).toBe('ValidationFailed');
    expect(validate3.status?.message).toMatch(/validation error/);

    // the gateway's tools/call: a SERVER span under the client's span, with the MCP attributes
    const call = await find('gateway tools/call', (s) => s.attributes['mcp.method.name'] === 'tools/call');
    expect(call).toMatchObject({ name: 'tools/call echo', kind: SERVER_KIND, traceId, parentSpanId: clientSpan });
    expect(call.attributes).toMatchObject({ 'gen_ai.tool.name': 'echo', 'mcp_gitops.server': 'svc' });
    const status = await d.status();
    expect(call.attributes['mcp_gitops.instance.id']).toBe(status.servers.find((s) => s.name === 'svc')?.instanceId);
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

    // the stdio upstream got the trace in params._meta, re-parented on the gateway's span, which is the client's _meta child
    const metaCall = await find('gateway tools/call meta', (s) => s.name === 'tools/call meta');
    expect(metaCall).toMatchObject({ traceId: metaTrace, parentSpanId: metaParent, kind: SERVER_KIND });
    expect(upstreamMeta.traceparent).toBe(`00-${metaTrace}-${metaCall.spanId}-01`);

    // no secret value in any exported byte
    await d.stop();
    const all = Buffer.concat(otlp.raw).toString('utf8');
    expect(all.length).toBeGreaterThan(0);
    for (const v of Object.values(SECRETS)) expect(all.includes(v), `${v} exported`).toBe(false);
    expect(all).toContain('1-***');
  }, 120_000);
});
