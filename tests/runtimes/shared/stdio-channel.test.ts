import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { StdioChannel } from '../../../src/runtimes/stdio-channel.js';
import { silentLogger } from '../../../src/runtimes/logger.js';

function setup() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const written: string[] = [];
  stdin.on('data', (c: Buffer) => written.push(c.toString('utf8')));
  return { stdin, stdout, written, channel: new StdioChannel(stdin, stdout, silentLogger, 'test') };
}

async function open(channel: StdioChannel) {
  const t = channel.attach();
  const got: JSONRPCMessage[] = [];
  const errors: Error[] = [];
  let closed = false;
  t.onmessage = (m) => got.push(m);
  t.onerror = (e) => errors.push(e);
  t.onclose = () => (closed = true);
  await t.start();
  return { t, got, errors, isClosed: () => closed };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('stdio channel', () => {
  it('frames newline-delimited JSON-RPC split across chunks and writes serialized messages', async () => {
    const { stdout, written, channel } = setup();
    const c = await open(channel);
    stdout.write('{"jsonrpc":"2.0","id":1,"res');
    stdout.write('ult":{}}\n{"jsonrpc":"2.0","method":"x"}\r\n');
    await tick();
    expect(c.got).toEqual([
      { jsonrpc: '2.0', id: 1, result: {} },
      { jsonrpc: '2.0', method: 'x' },
    ]);
    await c.t.send({ jsonrpc: '2.0', id: 2, method: 'ping' });
    await tick();
    expect(written.join('')).toBe('{"jsonrpc":"2.0","id":2,"method":"ping"}\n');
  });

  it('drops output while detached and hands later lines to the next connection', async () => {
    const { stdout, channel } = setup();
    const first = await open(channel);
    await first.t.close();
    expect(first.isClosed()).toBe(true);
    stdout.write('{"jsonrpc":"2.0","method":"lost"}\n{"jsonrpc":"2.0",');
    await tick();
    const second = await open(channel);
    stdout.write('"method":"kept"}\n');
    await tick();
    expect(first.got).toEqual([]);
    // The line that was half-written before attaching is delivered whole: framing belongs to the channel.
    expect(second.got).toEqual([{ jsonrpc: '2.0', method: 'kept' }]);
    await expect(first.t.send({ jsonrpc: '2.0', method: 'x' })).rejects.toThrow('Not connected');
  });

  it('a new attach detaches the previous connection; end() closes the current one', async () => {
    const { channel } = setup();
    const a = await open(channel);
    const b = await open(channel);
    expect(a.isClosed()).toBe(true);
    expect(b.isClosed()).toBe(false);
    channel.end();
    expect(b.isClosed()).toBe(true);
    expect(() => channel.attach()).toThrow('process has exited');
  });

  it('reports unparseable lines as errors without closing', async () => {
    const { stdout, channel } = setup();
    const c = await open(channel);
    stdout.write('not json\n{"jsonrpc":"2.0","method":"ok"}\n');
    await tick();
    expect(c.errors).toHaveLength(1);
    expect(c.got).toEqual([{ jsonrpc: '2.0', method: 'ok' }]);
    expect(c.isClosed()).toBe(false);
  });
});
