// The gateway's SDK path to an HTTP upstream (not passed through: passThroughHttp=false, as on
// kubernetes port-forwards) carries the trace too: the upstream's requests get the gateway span's
// traceparent header, under the client's trace.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../src/telemetry/index.js';
import { createWorld, waitFor, type World } from '../gateway/helpers.js';
import { fixture } from '../runtimes/process/helpers/servers.js';
import { freePort } from '../runtimes/process/helpers/system.js';
import { OtlpReceiver } from './otlp-receiver.js';

describe('trace context on the SDK path to an HTTP upstream', () => {
  let w: World | undefined;
  let tracing: Tracing | undefined;
  let otlp: OtlpReceiver | undefined;
  afterEach(async () => {
    await w?.close();
    await tracing?.shutdown();
    await otlp?.close();
  });

  it('sends the gateway span as traceparent header to an HTTP upstream reached through the SDK', async () => {
    otlp = await OtlpReceiver.start();
    tracing = await startTracing({ endpoint: otlp.url, serviceVersion: '0' }, {});
    w = await createWorld({ passThroughHttp: false });
    const port = await freePort();
    const log = join(w.h.base, 'traceparent.log');
    const inst = await w.rt.start(
      fixture('svc', 'traceparent-http.mjs', { transport: 'streamable-http', port, env: { PORT_OUTER: String(port), TRACEPARENT_LOG: log } }),
      w.h.ctx,
    );
    await waitFor('the upstream to listen', () =>
      fetch(`http://127.0.0.1:${port}/mcp`, { method: 'GET', signal: AbortSignal.timeout(1000) }).then(
        (r) => (void r.body?.cancel(), true),
        () => false,
      ),
    );
    w.gateway.setActive('svc', inst);

    const traceId = randomBytes(16).toString('hex');
    const clientSpan = randomBytes(8).toString('hex');
    const client = new Client({ name: 'otel-sdk-http', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(w.url('svc'), { requestInit: { headers: { traceparent: `00-${traceId}-${clientSpan}-01` } } }));
    await client.callTool({ name: 'echo', arguments: { message: 'hi' } });
    await client.close();
    await tracing.shutdown(); // flushes every span

    const call = otlp.spans.find((s) => s.name === 'tools/call echo');
    expect(call).toMatchObject({ traceId, parentSpanId: clientSpan });
    const seen = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('tools/call '));
    expect(seen).toEqual([`tools/call 00-${traceId}-${call!.spanId}-01`]);
  }, 60_000);
});
