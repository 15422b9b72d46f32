// Sessions nobody uses are closed after the idle timeout, whichever way they reach their instance;
// a session waiting for a slow answer is not idle.
import { afterEach, describe, expect, it } from 'vitest';
import { createWorld, text, waitFor, type Mode, type World } from './helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe.each<Mode>(['stdio', 'streamableHttp'])('gateway idle timeout (%s upstream)', (mode) => {
  it('closes an unused session and says why; a call that outlasts the timeout keeps its session', async () => {
    w = await createWorld({ limits: { idleTimeoutMs: 1000 } });
    await w.serve('s', mode);
    const busy = await w.client('s');
    const slow = busy.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 2.5, steps: 2 } });
    // opened and never used (a first call here could itself come late on a busy box)
    const idle = await w.client('s');
    expect(text(await slow)).toContain('Long running operation completed');
    await waitFor('the unused session to close', () => w!.gateway.sessionCount('s') <= 1);
    const err = await idle.callTool({ name: 'echo', arguments: { message: 'again' } }).then(
      () => null,
      (e: unknown) => String(e),
    );
    expect(err).toMatch(/session ended: the session was idle for 1s and was closed; initialize a new session/);
  });
});
