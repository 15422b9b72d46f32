// No notification is lost or comes after its response: a stdio server's last progress notification
// and its result often arrive in one read, and the upstream SDK Client used to settle the request
// before it ran the progress handler (which then found no request and dropped it).
import { afterEach, describe, expect, it } from 'vitest';
import { createWorld, type World } from './helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const CALLS = 200;
const STEPS = 3;

describe('gateway notifications', () => {
  for (const mode of ['stdio', 'streamableHttp'] as const) {
    it(`${mode}: ${CALLS} calls with progress, every notification arrives before its result`, async () => {
      w = await createWorld();
      await w.serve('everything', mode);
      const clients = await Promise.all([0, 1, 2, 3].map((i) => w!.client('everything', { name: `progress-${i}` })));
      const short: string[] = [];
      let calls = 0;
      await Promise.all(
        clients.map(async (c, loop) => {
          for (let i = 0; i < CALLS / clients.length; i++) {
            const seen: number[] = [];
            let resolved = false;
            const result = await c.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.003, steps: STEPS } }, undefined, {
              onprogress: (p) => {
                if (resolved) short.push(`loop ${loop} call ${i}: progress ${p.progress} after the result`);
                seen.push(p.progress);
              },
            });
            resolved = true;
            calls++;
            expect(JSON.stringify(result)).toContain('Long running operation completed');
            if (seen.join(',') !== '1,2,3') short.push(`loop ${loop} call ${i}: saw [${seen.join(',')}]`);
          }
        }),
      );
      expect(calls).toBe(CALLS);
      expect(short).toEqual([]);
    });
  }
});
