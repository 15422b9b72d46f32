// Many sessions over one stdio process: every client gets its own answers (no crossed ids), also
// with several calls in flight per session, and the upstream connection stays one.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtimes/runtime.js';
import { createWorld, text, type World } from './helpers.js';

let w: World;
afterEach(async () => {
  await w.close();
});

describe('gateway concurrency on one stdio server', () => {
  beforeEach(async () => {
    w = await createWorld();
  });

  it('20 concurrent clients each get their own correct answers', async () => {
    const connects = countConnects(w.rt);
    await w.serve('everything', 'stdio');
    const clients = await Promise.all(Array.from({ length: 20 }, (_, i) => w.client('everything', { name: `client-${i}` })));
    expect(w.gateway.sessionCount('everything')).toBe(20);
    const rounds = 5;
    const results = await Promise.all(
      clients.map(async (c, i) => {
        const got: string[] = [];
        for (let r = 0; r < rounds; r++) {
          // several requests in flight on the same session, interleaved with the other 19
          const [echo, sum, tools] = await Promise.all([
            c.callTool({ name: 'echo', arguments: { message: `client ${i} round ${r}` } }),
            c.callTool({ name: 'get-sum', arguments: { a: i, b: r * 1000 } }),
            c.listTools(),
          ]);
          got.push(text(echo), text(sum), String(tools.tools.some((t) => t.name === 'echo')));
        }
        return got;
      }),
    );
    results.forEach((got, i) => {
      const want = Array.from({ length: rounds }, (_, r) => [
        `Echo: client ${i} round ${r}`,
        `The sum of ${i} and ${r * 1000} is ${i + r * 1000}.`,
        'true',
      ]).flat();
      expect(got).toEqual(want);
    });
    // one shared upstream connection for all 20 sessions
    expect(connects.count).toBe(1);
  });
});

/** Counts runtime.connect calls (the gateway holds the runtime by reference). */
function countConnects(rt: Runtime): { count: number } {
  const counter = { count: 0 };
  const inner = rt.connect.bind(rt);
  rt.connect = (id) => {
    counter.count++;
    return inner(id);
  };
  return counter;
}
