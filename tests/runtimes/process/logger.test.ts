// A pino logger plugs straight in (the Logger type is structural) and secrets stay out of logs.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExitInfo } from '../../../src/runtimes/runtime.js';
import { createHarness, type Harness } from './helpers/harness.js';
import { fixture } from './helpers/servers.js';
import { waitFor } from './helpers/system.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('process runtime logging', () => {
  it('logs start and exit through pino without the secret values of the spec', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const secret = 'pino-secret-4711';
    const rt = h.runtime({ logger: pino({ level: 'debug' }, sink) });
    const exits: ExitInfo[] = [];
    rt.onExit((e) => exits.push(e));
    const server = fixture('loud', 'exit-at-start.mjs', { args: [secret], env: { API_KEY: secret } });
    await rt.start({ ...server, secretValues: [secret] }, h.ctx);
    await waitFor('exit', () => exits[0]);
    await waitFor('exit logged', () => lines.some((l) => l.includes('instance exited')));

    const msgs = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(msgs).toEqual(expect.arrayContaining(['instance started', 'instance exited']));
    expect(lines.join('\n')).not.toContain(secret);
  });
});
