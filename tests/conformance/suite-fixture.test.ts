// The conformance fixture server's requests to the client (sampling, elicitation) travel on the
// tools/call's own SSE stream, so a client that has no GET stream open (yet) still gets them. Sent on
// the standalone GET stream instead, they were dropped whenever the client's GET reached the server
// after its tools/call: through the gateway's HTTP pass-through about one suite run in three, the
// suite's client then waiting its 60 s timeout ("Request timed out"). This client never opens a GET.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { answersWith } from '../e2e/helpers/mcp-probe.js';
import { freePort } from '../e2e/helpers/procs.js';
import { waitFor } from '../e2e/helpers/wait-for.js';
import { World } from '../e2e/helpers/world.js';

const SUITE_SERVER = fileURLToPath(new URL('./fixtures/suite-server.mjs', import.meta.url));
const ACCEPT = 'application/json, text/event-stream';

type Message = { id?: number | string; method?: string; result?: Record<string, unknown>; error?: unknown };

let w: World;
let url: string;

beforeAll(async () => {
  w = new World();
  const port = await freePort();
  spawn(process.execPath, [SUITE_SERVER, 'http'], { env: { ...process.env, PORT: String(port), E2E_RUN: w.marker }, stdio: 'ignore', detached: true }).unref();
  url = `http://127.0.0.1:${port}/mcp`;
  await waitFor(() => answersWith(url, 'test_simple_text'), { what: `the fixture answering at ${url}`, timeoutMs: 30_000 });
}, 60_000);

afterAll(async () => {
  await w?.cleanup();
});

/** The JSON-RPC messages of one POST's answer (JSON or SSE), each handed to `on` as it arrives. */
async function post(session: string | undefined, body: unknown, on: (m: Message) => Promise<void> = () => Promise.resolve()): Promise<Response> {
  const res = await fetch(url, {
    method: 'POST',
    signal: AbortSignal.timeout(20_000),
    headers: { 'content-type': 'application/json', accept: ACCEPT, 'mcp-protocol-version': '2025-06-18', ...(session && { 'mcp-session-id': session }) },
    body: JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) await on((await res.json()) as Message);
  else if (type.startsWith('text/event-stream') && res.body) {
    let buffer = '';
    for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('\n');
        buffer = buffer.slice(end + 2);
        if (data) await on(JSON.parse(data) as Message);
      }
    }
  } else await res.body?.cancel();
  return res;
}

it.for([
  {
    tool: 'test_elicitation',
    args: { message: 'who?' },
    capabilities: { elicitation: {} },
    method: 'elicitation/create',
    answer: { action: 'accept', content: { username: 'u', email: 'e@x' } },
  },
  {
    tool: 'test_sampling',
    args: { prompt: 'hi' },
    capabilities: { sampling: {} },
    method: 'sampling/createMessage',
    answer: { model: 'm', role: 'assistant', content: { type: 'text', text: 'sampled' } },
  },
])(
  "$tool: the request to the client comes on the call's own stream, without a GET stream",
  { timeout: 60_000 },
  async ({ tool, args, capabilities, method, answer }) => {
    const init = await post(undefined, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities, clientInfo: { name: 'no-get', version: '1' } },
    });
    const session = init.headers.get('mcp-session-id') ?? undefined;
    expect(session).toBeDefined();
    expect((await post(session, { jsonrpc: '2.0', method: 'notifications/initialized' })).status).toBe(202);
    const seen: Message[] = [];
    await post(session, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: tool, arguments: args } }, async (m) => {
      seen.push(m);
      if (m.method === method && m.id !== undefined) {
        expect((await post(session, { jsonrpc: '2.0', id: m.id, result: answer })).status).toBe(202);
      }
    });
    expect(seen.map((m) => m.method ?? `response ${String(m.id)}`)).toEqual([method, 'response 2']);
    expect(JSON.stringify(seen[1].result)).toMatch(/sampled|action=accept/);
  },
);
