// The gateway with a set of active instances (spec.replicas): a new session goes to the replica
// with the fewest open sessions and stays there; a replica that dies leaves the set and ends only
// its own sessions; the set given by the reconciler replaces the previous one.
import { afterEach, describe, expect, it } from 'vitest';
import { createWorld, tagOf, text, waitFor, type World } from './helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

describe('gateway: replicas', () => {
  it('spreads new sessions over the set (fewest first), keeps each on its replica, and a dead replica ends only its sessions', async () => {
    w = await createWorld();
    const reps = [await w.start('ev', 'stdio', 'r0'), await w.start('ev', 'stdio', 'r1'), await w.start('ev', 'stdio', 'r2')];
    w.gateway.setActive('ev', reps);
    expect(w.gateway.activeInstances('ev')).toEqual(reps.map((r) => r.id));
    const clients = [];
    for (let i = 0; i < 6; i++) {
      const c = await w.client('ev', { name: `c${i}` });
      clients.push({ c, tag: await tagOf(c) });
    }
    expect(clients.map((x) => x.tag).sort()).toEqual(['r0', 'r0', 'r1', 'r1', 'r2', 'r2']);
    // a session stays on its replica
    for (const x of clients) expect(await tagOf(x.c)).toBe(x.tag);

    process.kill(-w.rt.pidOf(reps[1].id)!, 'SIGKILL');
    await waitFor('r1 out of the set', () => w!.gateway.activeInstances('ev').length === 2);
    for (const x of clients.filter((y) => y.tag !== 'r1'))
      expect(text(await x.c.callTool({ name: 'echo', arguments: { message: x.tag } }))).toBe(`Echo: ${x.tag}`);
    for (const x of clients.filter((y) => y.tag === 'r1'))
      await expect(x.c.callTool({ name: 'echo', arguments: { message: 'gone' } })).rejects.toThrow(/stopped|ended/);
    const next = await w.client('ev', { name: 'next' });
    expect(['r0', 'r2']).toContain(await tagOf(next));

    // the reconciler hands over a new set (a repaired r1): new sessions go to it first
    const again = await w.start('ev', 'stdio', 'r1b');
    w.gateway.setActive('ev', [reps[0], again, reps[2]]);
    expect(await tagOf(await w.client('ev', { name: 'after' }))).toBe('r1b');
  });
});
