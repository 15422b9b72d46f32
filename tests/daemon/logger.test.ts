// The daemon's log lines never carry a secret value, whatever shape the logged values have.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/daemon/logger.js';
import { Masker } from '../../src/render/mask.js';

const SECRET = 'hunter2-s3cret';

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('daemon logger', () => {
  it('scrubs secrets from messages, nested objects, arrays and errors; survives cycles and class instances', () => {
    const out = capture();
    const log = createLogger({ level: 'info', mask: new Masker([SECRET]), destination: out.stream });
    const cyclic: Record<string, unknown> = { note: `token ${SECRET}` };
    cyclic.self = cyclic;
    const err = Object.assign(new Error(`login failed with ${SECRET}`), { code: 'AUTH_FAILED' });
    class Socket {
      readonly fd = 3;
    }
    log.info({ a: { b: [`x ${SECRET} y`] }, cyclic, err, socket: new Socket() }, `starting with ${SECRET}`);
    const [line] = out.lines();
    expect(JSON.stringify(line)).not.toContain(SECRET);
    expect(line).toMatchObject({
      msg: 'starting with ***',
      a: { b: ['x *** y'] },
      cyclic: { note: 'token ***', self: '[circular]' },
      err: { message: 'login failed with ***', code: 'AUTH_FAILED' },
      socket: { fd: 3 },
    });
  });

  it('redacts credential headers, Forgejo signatures included', () => {
    const out = capture();
    const log = createLogger({ level: 'info', mask: new Masker(), destination: out.stream });
    log.info({ req: { headers: { authorization: 'Bearer abc', 'x-forgejo-signature': 'deadbeef', 'x-hub-signature-256': 'sha256=1' } } }, 'request');
    expect(out.lines()[0]).toMatchObject({ req: { headers: { authorization: '***', 'x-forgejo-signature': '***', 'x-hub-signature-256': '***' } } });
  });

  it('masks values learned after the logger was made, the longest whole whatever order they came in', () => {
    const out = capture();
    const mask = new Masker(['abcd']);
    const log = createLogger({ level: 'info', mask, destination: out.stream });
    mask.add(['abcdefgh']);
    log.info({ url: 'https://h/?token=abcdefgh' }, 'token=abcdefgh and abcd');
    expect(out.lines()[0]).toMatchObject({ msg: 'token=*** and ***', url: 'https://h/?token=***' });
  });
});
