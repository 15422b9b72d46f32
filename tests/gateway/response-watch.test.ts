// The pass-through gateway reads the JSON-RPC responses out of an upstream's answer as it streams
// past: events split anywhere across chunks, CRLF or LF line ends, notifications skipped.
import { describe, expect, it } from 'vitest';
import { afterWrite, watchResponses, type RpcResponse } from '../../src/gateway/downstream/response-watch.js';

function seen(contentType: string, chunks: string[]): RpcResponse[] {
  const got: RpcResponse[] = [];
  const w = watchResponses(contentType, (r) => got.push(r));
  for (const c of chunks) w.push(Buffer.from(c));
  w.end();
  return got;
}

describe('watchResponses', () => {
  const stream = [
    'event: message\r\nid: 1\r\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{}}\r\n\r\n',
    'event: message\nid: 2\ndata: {"jsonrpc":"2.0","id":7,"result":{"isError":true}}\n\n',
    'data: {"jsonrpc":"2.0","id":"x","error":{"code":-1,"message":"no"}}\r\n\r\n',
  ].join('');

  it('finds each response of a text/event-stream, whatever the chunking and line ends', () => {
    const want = [
      { jsonrpc: '2.0', id: 7, result: { isError: true } },
      { jsonrpc: '2.0', id: 'x', error: { code: -1, message: 'no' } },
    ];
    expect(seen('text/event-stream', [stream])).toEqual(want);
    for (const size of [1, 2, 3, 7, 16]) {
      const chunks: string[] = [];
      for (let i = 0; i < stream.length; i += size) chunks.push(stream.slice(i, i + size));
      expect(seen('text/event-stream', chunks)).toEqual(want);
    }
  });

  it('reads a JSON body (a batch too) and ignores other content types', () => {
    expect(seen('application/json', ['[{"jsonrpc":"2.0","id":1,"result":{}},', '{"jsonrpc":"2.0","id":2,"result":{}}]']).map((r) => r.id)).toEqual([1, 2]);
    expect(seen('text/plain', ['{"jsonrpc":"2.0","id":1,"result":{}}'])).toEqual([]);
  });

  it('afterWrite reads nothing while the bytes go on, everything after; flush() reads what is queued at once', async () => {
    const answer = 'data: {"jsonrpc":"2.0","id":1,"result":{}}\n\n';
    const got: RpcResponse[] = [];
    const w = afterWrite(watchResponses('text/event-stream', (r) => got.push(r)));
    w.push(Buffer.from(answer));
    expect(got).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(got.map((r) => r.id)).toEqual([1]);
    w.push(Buffer.from(answer.replace('"id":1', '"id":2')));
    w.end();
    w.flush();
    expect(got.map((r) => r.id)).toEqual([1, 2]);
    await new Promise((r) => setImmediate(r));
    expect(got).toHaveLength(2); // read once, not again by the immediate flush() replaced
  });
});
